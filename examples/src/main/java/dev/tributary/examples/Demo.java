package dev.tributary.examples;

import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestkitPaths;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The main job end to end, as {@code scripts/demo.sh} runs it: starts ClickHouse and a Kafka
 * broker on loopback, produces deterministic GitHub events to a 5-partition topic, runs
 * {@link Quickstart} until the topic is drained, prints the row count and a sample query, and
 * stops the servers.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        long messages = args.length > 0 ? Long.parseLong(args[0]) : 200_000;
        TestkitPaths paths = TestkitPaths.fromEnvironment();
        try (ClickHouseServer clickhouse = ClickHouseServer.start(paths); KafkaBroker kafka = KafkaBroker.start(paths)) {
            System.out.println("ClickHouse " + clickhouse.sql().version() + " at " + clickhouse.endpoint());
            System.out.println("Kafka at " + kafka.bootstrapServers());
            String topic = "github";
            createTopic(kafka, topic, 5);
            produce(kafka, topic, messages);

            MetricsSnapshot summary = Quickstart.run(new Quickstart.Settings(kafka.bootstrapServers(), topic,
                    "tributary-github", clickhouse.endpoint(), "github", true, Duration.ofSeconds(2)));

            ClickHouseSql sql = clickhouse.sql();
            long rows = sql.longValue("SELECT count() FROM github");
            System.out.printf(Locale.ROOT, "rows in github: %d%n", rows);
            System.out.println("sample: SELECT event_type, count() AS events, uniqExact(repo_name) AS repos FROM github"
                    + " GROUP BY event_type ORDER BY events DESC LIMIT 5");
            for (List<String> row : sql.rows("SELECT event_type, count() AS events, uniqExact(repo_name) AS repos FROM github"
                    + " GROUP BY event_type ORDER BY events DESC LIMIT 5")) {
                System.out.println("  " + String.join("\t", row));
            }
            if (rows != messages || summary.errorsTotal() != 0) {
                System.err.printf("expected %d rows and no errors, found %d rows and %d errors%n", messages, rows,
                        summary.errorsTotal());
                System.exit(1);
            }
        }
    }

    /** Creates a topic and waits until every partition has a leader. */
    static void createTopic(KafkaBroker kafka, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .anyMatch(p -> p.leader() == null || p.leader().id() < 0)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has no leaders after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Produces GitHub events 0 to {@code messages - 1}, keyed by number. */
    static void produce(KafkaBroker kafka, String topic, long messages) {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // One request in flight per partition: on a loaded machine a timed-out request among five in
        // flight left the idempotent producer retrying OUT_OF_ORDER_SEQUENCE_NUMBER forever, and the
        // messages behind it never reached the topic (a consumer then waited for them in vain).
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        long started = System.nanoTime();
        long bytes = 0;
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long n = 0; n < messages && failed.get() == null; n++) {
                byte[] value = GitHubEvents.json(n);
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, Long.toString(n).getBytes(), value), (metadata, error) -> {
                    if (error != null) {
                        failed.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
        }
        if (failed.get() != null) {
            // Say so instead of leaving fewer messages in the topic than were asked for.
            throw new IllegalStateException("producing " + messages + " messages to " + topic + " failed: " + failed.get(),
                    failed.get());
        }
        System.out.printf(Locale.ROOT, "produced %,d messages (%,.1f MB of JSON) to %s in %.1f s%n", messages,
                bytes / 1e6, topic, (System.nanoTime() - started) / 1e9);
    }
}
