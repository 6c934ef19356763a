/**
 * Benchmarks, run as programs that print figures (never as timed tests): {@link dev.tributary.bench.BenchMain}
 * end to end against the Kafka table engine and the ClickHouse ingest ceiling, {@link dev.tributary.bench.HotPathBenchmark}
 * with JMH.
 */
package dev.tributary.bench;
