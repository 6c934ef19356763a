/** Benchmarks run as programs. */
package dev.tributary.bench;
