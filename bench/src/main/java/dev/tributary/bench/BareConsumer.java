package dev.tributary.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The floor every pipeline line is compared with: a bare kafka-clients consumer draining a topic in
 * a JVM of its own (started with the pipeline JVM's flags), bytes only, no decoding, so that its
 * process CPU time (JIT and GC included) is what merely reading the records costs. It reads with the
 * consumer settings {@code KafkaSource} uses by default (2,000 records per poll, no auto-commit).
 * Prints one {@code BENCH_JVM} and one {@code BENCH_CONSUMER} line.
 *
 * <p>Arguments: bootstrap servers, topic, group id, expected records.
 */
public final class BareConsumer {

    private BareConsumer() {
    }

    public static void main(String[] args) {
        long expected = Long.parseLong(args[3]);
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, args[2]);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        System.out.println("BENCH_JVM " + ProcessStats.jvmDescription());
        long records = 0;
        long bytes = 0;
        long started = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(args[1]));
            while (records < expected) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    bytes += record.value().length;
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf(Locale.ROOT, "BENCH_CONSUMER seconds=%.3f cpu_s=%.3f rss_peak_mb=%.1f records=%d bytes=%d%n",
                seconds, ProcessStats.cpuSeconds(), ProcessStats.peakRssMb(), records, bytes);
    }
}
