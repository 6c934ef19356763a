/** The Kafka source. */
package dev.tributary.kafka;
