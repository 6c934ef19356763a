/** The Kinesis source. */
package dev.tributary.kinesis;
