package dev.tributary.bench;

import dev.tributary.avro.AvroConfluentDecoder;
import dev.tributary.avro.AvroSchemaMapper;
import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;

import java.time.Duration;
import java.util.Locale;

/**
 * The pipeline under measurement, in a JVM of its own so that its CPU time and memory are its
 * own: the README's pipeline with default settings (but for the batch age below) reads
 * {@code expected} records from a topic into a table, stops once all of them are in ClickHouse,
 * and prints one {@code BENCH_JVM} line (its flags) and one {@code BENCH_PIPELINE} line.
 *
 * <p>Arguments: bootstrap servers, topic, group id, ClickHouse endpoint, table, expected records,
 * and optionally {@code avro <registry url>} for Confluent-framed Avro (JSON otherwise). The system
 * property {@code bench.maxAgeMillis} overrides the batch age (default 5 s): the throughput runs
 * set 1 s so that the last, partial batch does not wait 5 s after the topic is drained;
 * {@code bench.exactlyOnce=true} runs it with exactly-once delivery.
 */
public final class BenchPipeline {

    private BenchPipeline() {
    }

    public static void main(String[] args) throws Exception {
        long expected = Long.parseLong(args[5]);
        boolean avro = args.length > 7 && args[6].equals("avro");
        Pipeline pipeline = Pipeline.builder()
                .name("bench")
                .source(KafkaSource.builder().bootstrapServers(args[0]).topics(args[1]).groupId(args[2])
                        .startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(avro ? AvroConfluentDecoder.builder().registryUrl(args[7]).build() : JsonDecoder.create())
                .mapper(avro ? AvroSchemaMapper.create() : DefaultSchemaMapper.create())
                .sink(ClickHouseSink.builder().endpoint(args[3]).table(args[4])
                        .maxAge(Duration.ofMillis(Long.getLong("bench.maxAgeMillis", 5_000))).build())
                .deliveryGuarantee(Boolean.getBoolean("bench.exactlyOnce") ? DeliveryGuarantee.EXACTLY_ONCE
                        : DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
        System.out.println("BENCH_JVM " + ProcessStats.jvmDescription());
        long started = System.nanoTime();
        pipeline.start();
        MetricsSnapshot now = pipeline.metrics();
        while (now.rowsInserted() + now.errorsTotal() < expected) {
            if (pipeline.awaitTermination(Duration.ofMillis(20))) {
                throw new IllegalStateException("the pipeline stopped early: " + now.summary());
            }
            now = pipeline.metrics();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        // Read while the pipeline's threads are still alive: a finished thread's CPU time is gone from /proc.
        StringBuilder threads = new StringBuilder("BENCH_THREADS");
        ProcessStats.cpuSecondsByThread().entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue(), a.getValue())).limit(8)
                .forEach(e -> threads.append(String.format(Locale.ROOT, " [%s]=%.2f", e.getKey(), e.getValue())));
        System.out.println(threads);
        pipeline.stop();
        pipeline.awaitTermination();
        MetricsSnapshot end = pipeline.metrics();

        System.out.printf(Locale.ROOT, "BENCH_PIPELINE seconds=%.3f cpu_s=%.3f rss_peak_mb=%.1f heap_peak_mb=%.1f rows=%d"
                        + " errors=%d batches=%d insert_ms_mean=%.0f insert_ms_max=%.0f%n", seconds, ProcessStats.cpuSeconds(),
                ProcessStats.peakRssMb(), ProcessStats.peakHeapMb(), end.rowsInserted(), end.errorsTotal(),
                end.batchesInserted(), end.insertMillisMean(), end.insertMillisMax());
    }
}
