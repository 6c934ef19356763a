package dev.tributary.examples;

import dev.tributary.core.Pipeline;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitListener;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The second scenario as a user runs it: the README's pipeline code with
 * {@code StartingOffsets.LATEST} on the {@code github} table, started and stopped before any
 * record arrived, 2,000 records produced while it is down, started again: all 2,000 land once.
 */
@ExtendWith(TestServers.class)
class LatestStartScenarioIT {

    @Test
    void latestStoppedBeforeAnyRecordThenRestartedLandsEverythingProducedWhileDownOnce(
            KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "github-" + suffix;
        String table = "github_" + suffix;
        ClickHouseSql sql = clickhouse.sql();
        sql.execute(GitHubEvents.createTable(table));
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 5, (short) 1))).all().get();
        }

        CountDownLatch assigned = new CountDownLatch(1);
        try (Pipeline first = readme(kafka, clickhouse, topic, table, assigned)) {
            first.start();
            assertTrue(assigned.await(1, TimeUnit.MINUTES), "the first run was assigned its partitions");
        } // stopped before any record arrived

        produce(kafka, topic, 2_000);

        try (Pipeline second = readme(kafka, clickhouse, topic, table, new CountDownLatch(1))) {
            second.start();
            await("2,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) >= 2_000);
            second.stop();
            assertTrue(second.awaitTermination(Duration.ofMinutes(1)));
            assertEquals(0, second.metrics().errorsTotal(), "no error rows");
        }
        assertEquals(List.of(List.of("2000", "2000", "0", "1999")),
                sql.rows("SELECT count(), uniqExact(id), min(id), max(id) FROM " + table), "all 2,000 landed exactly once");
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"), "nothing in the error table");
    }

    /** The README's pipeline, with the test servers' addresses and LATEST; {@code assigned} opens at the assignment. */
    private static Pipeline readme(KafkaBroker kafka, ClickHouseServer clickhouse, String topic, String table,
                                   CountDownLatch assigned) {
        return Pipeline.builder()
                .name("github-events")
                .source(new AssignmentSignal(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic)
                        .groupId("tributary-" + topic).startingOffsets(StartingOffsets.LATEST).build(), assigned))
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).build())
                .build();
    }

    private static void produce(KafkaBroker kafka, String topic, int messages) {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long n = 0; n < messages; n++) {
                producer.send(new ProducerRecord<>(topic, Long.toString(n).getBytes(StandardCharsets.UTF_8), GitHubEvents.json(n)));
            }
            producer.flush();
        }
    }


    /** The source as it is, telling the test when the pipeline has been assigned its partitions. */
    private record AssignmentSignal(Source source, CountDownLatch assigned) implements Source {
        @Override
        public void open(SourceContext context) {
            SplitListener pipeline = context.splitListener();
            source.open(new SourceContext() {
                @Override
                public String pipelineName() {
                    return context.pipelineName();
                }

                @Override
                public SplitListener splitListener() {
                    return new SplitListener() {
                        @Override
                        public void onSplitsAssigned(Collection<String> splits) {
                            pipeline.onSplitsAssigned(splits);
                            assigned.countDown();
                        }

                        @Override
                        public void onSplitsRevoked(Collection<String> splits) {
                            pipeline.onSplitsRevoked(splits);
                        }

                        @Override
                        public void onSplitsLost(Collection<String> splits) {
                            pipeline.onSplitsLost(splits);
                        }
                    };
                }

                @Override
                public void recordsSkipped(String split, long count) {
                    context.recordsSkipped(split, count);
                }
            });
        }

        @Override
        public List<SourceRecord> poll(Duration timeout) {
            return source.poll(timeout);
        }

        @Override
        public void pause() {
            source.pause();
        }

        @Override
        public void resume() {
            source.resume();
        }

        @Override
        public void commit(Collection<SourcePosition> positions) {
            source.commit(positions);
        }

        @Override
        public void wakeup() {
            source.wakeup();
        }

        @Override
        public List<VirtualColumn> virtualColumns() {
            return source.virtualColumns();
        }

        @Override
        public void close() {
            source.close();
        }
    }
}
