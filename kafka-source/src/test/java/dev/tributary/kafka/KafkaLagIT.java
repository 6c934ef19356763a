package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SplitLag;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link KafkaSource#lag()} against a real broker: records behind per partition, 0 once drained, what
 * arrives while paused; unknown, with the time of the last good reading, while the broker is down. Stops
 * and restarts the shared broker.
 */
@ExtendWith(TestServers.class)
class KafkaLagIT {

    private static final Duration WAIT = Duration.ofMinutes(1);

    @Test
    void theLagIsWhatWasProducedPerPartitionThenZeroOnceDrainedThenWhatArrivedWhilePaused(KafkaBroker kafka,
            ClickHouseServer clickhouse) throws Exception {
        String topic = "lag-" + System.nanoTime();
        String table = "lag_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 3);
        long id = 0;
        for (int partition = 0; partition < 3; partition++) {
            id = produce(kafka, topic, partition, id, (partition + 1) * 10); // 10, 20 and 30 records
        }

        String name = "lag-" + System.nanoTime();
        Pipeline pipeline = pipeline(name, kafka, topic, clickhouse, table);
        try {
            pipeline.pause(); // from the start: nothing is read
            pipeline.start();
            assertFalse(lagThreadRuns(name), "no thread reads the lag before anybody asks for it");
            await("a lag of 60 records", WAIT, () -> pipeline.lag().total().orElse(-1) == 60);
            assertEquals(Map.of(topic + "/0", 10L, topic + "/1", 20L, topic + "/2", 30L), behind(pipeline.lag()));
            assertTrue(lagThreadRuns(name));
            assertEquals(0, sql.longValue("SELECT count() FROM " + table), "paused: nothing read");

            pipeline.resume();
            await("the lag to be known and 0", WAIT, () -> pipeline.lag().isKnown() && pipeline.lag().total().getAsLong() == 0);
            assertEquals(Map.of(topic + "/0", 0L, topic + "/1", 0L, topic + "/2", 0L), behind(pipeline.lag()));
            await("60 rows", WAIT, () -> sql.longValue("SELECT count() FROM " + table) == 60);

            pipeline.pause();
            await("the pipeline to pause", WAIT, pipeline::isPaused);
            for (int partition = 0; partition < 3; partition++) {
                id = produce(kafka, topic, partition, id, 5);
            }
            await("a lag of the 15 records produced while paused", WAIT, () -> pipeline.lag().total().orElse(-1) == 15);
            assertEquals(Map.of(topic + "/0", 5L, topic + "/1", 5L, topic + "/2", 5L), behind(pipeline.lag()));
        } finally {
            pipeline.close();
        }
        SourceLag closed = pipeline.lag();
        assertFalse(closed.isKnown(), closed.toString());
        assertTrue(closed.splits().stream().allMatch(split -> "the source is closed".equals(split.unknownBecause())),
                closed.toString());
        await("the lag reader to stop with the source", WAIT, () -> !lagThreadRuns(name));
    }

    @Test
    void whileTheBrokerIsDownTheLagIsUnknownWithItsLastGoodReadingAndAReasonThenKnownAgain(KafkaBroker kafka,
            ClickHouseServer clickhouse) throws Exception {
        String topic = "lag-down-" + System.nanoTime();
        String table = "lag_down_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        produce(kafka, topic, 0, 0, 10);
        produce(kafka, topic, 1, 10, 10);

        Pipeline pipeline = pipeline("lag-down-" + System.nanoTime(), kafka, topic, clickhouse, table);
        try {
            pipeline.start();
            await("the lag to be known and 0", WAIT, () -> pipeline.lag().isKnown() && pipeline.lag().total().getAsLong() == 0
                    && pipeline.lag().splits().size() == 2);
            kafka.stop();
            try {
                await("the lag to be unknown", WAIT, () -> !pipeline.lag().isKnown());
                Instant seen = Instant.now();
                SourceLag lag = pipeline.lag();
                System.out.println("KafkaLagIT: broker down: " + lag.splits());
                assertTrue(lag.total().isEmpty(), "no total while a partition's lag is unknown");
                assertEquals(2, lag.splits().size(), lag.toString());
                for (SplitLag split : lag.splits()) {
                    assertFalse(split.isKnown(), split.toString());
                    assertEquals(-1, split.behind(), "never the last value: " + split);
                    assertNotNull(split.lastReading(), "the time of the last good reading: " + split);
                    assertFalse(split.lastReading().isAfter(seen), split.toString());
                    assertFalse(split.unknownBecause().isBlank(), split.toString());
                }
            } finally {
                kafka.start();
            }
            await("the lag to be known again", Duration.ofMinutes(2),
                    () -> pipeline.lag().isKnown() && pipeline.lag().splits().size() == 2);
            assertEquals(0, pipeline.lag().total().getAsLong());
        } finally {
            pipeline.close();
        }
        assertEquals(20, sql.longValue("SELECT count() FROM " + table));
    }

    /** Each member of a group shows the lag of the partitions it reads; together they cover the topic once. */
    @Test
    void twoMembersOfAGroupEachShowTheLagOfTheirOwnPartitions(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = "lag-group-" + System.nanoTime();
        String table = "lag_group_" + System.nanoTime();
        clickhouse.sql().execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 4);
        for (int partition = 0; partition < 4; partition++) {
            produce(kafka, topic, partition, partition * 10L, 10);
        }
        Pipeline first = pipeline("lag-group-a-" + System.nanoTime(), kafka, topic, clickhouse, table);
        Pipeline second = pipeline("lag-group-b-" + System.nanoTime(), kafka, topic, clickhouse, table);
        try {
            first.pause();
            second.pause();
            first.start();
            second.start();
            await("both members to show the lag of two partitions each", WAIT, () -> {
                SourceLag a = first.lag();
                SourceLag b = second.lag();
                return a.isKnown() && b.isKnown() && a.splits().size() == 2 && b.splits().size() == 2;
            });
            Map<String, Long> all = new TreeMap<>(behind(first.lag()));
            all.putAll(behind(second.lag()));
            assertEquals(Map.of(topic + "/0", 10L, topic + "/1", 10L, topic + "/2", 10L, topic + "/3", 10L), all,
                    "each partition once, in one member's lag");
        } finally {
            first.close();
            second.close();
        }
    }

    /**
     * Under read_committed the end is the last stable offset, and the position steps over transaction
     * markers: records of an open transaction are not behind, and a drained transactional topic is at 0
     * (counting from the last record read, each commit marker would stay 1 behind for ever).
     */
    @Test
    void underReadCommittedAnOpenTransactionIsNotBehindAndADrainedTransactionalTopicIsAtZero(KafkaBroker kafka,
            ClickHouseServer clickhouse) throws Exception {
        String topic = "lag-tx-" + System.nanoTime();
        String table = "lag_tx_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 1);
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + topic);
        Pipeline pipeline = Pipeline.builder().name("lag-tx-" + System.nanoTime())
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId("group-" + topic)
                        .property("isolation.level", "read_committed").lagInterval(Duration.ofMillis(500)).build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            sendJson(producer, topic, 0, 10);
            producer.commitTransaction();
            producer.beginTransaction();
            sendJson(producer, topic, 10, 5);
            producer.flush(); // in the log, not committed
            try {
                pipeline.start();
                await("10 committed rows", WAIT, () -> sql.longValue("SELECT count() FROM " + table) == 10);
                await("the lag to be known and 0 with a transaction open", WAIT,
                        () -> pipeline.lag().isKnown() && pipeline.lag().total().getAsLong() == 0);
                producer.commitTransaction();
                await("15 rows", WAIT, () -> sql.longValue("SELECT count() FROM " + table) == 15);
                await("the lag to be known and 0 after the commit marker", WAIT,
                        () -> pipeline.lag().isKnown() && pipeline.lag().total().getAsLong() == 0);
            } finally {
                pipeline.close();
            }
        }
    }

    private static void sendJson(KafkaProducer<byte[], byte[]> producer, String topic, long firstId, int count) {
        for (long id = firstId; id < firstId + count; id++) {
            producer.send(new ProducerRecord<>(topic, 0, null, KafkaTestData.json(id).getBytes(StandardCharsets.UTF_8)));
        }
    }

    private static Pipeline pipeline(String name, KafkaBroker kafka, String topic, ClickHouseServer clickhouse, String table) {
        return Pipeline.builder().name(name)
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic)
                        .groupId("group-" + topic).lagInterval(Duration.ofMillis(500)).build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build();
    }

    /** Produces {@code count} records with ids from {@code firstId} to one partition; returns the next id. */
    private static long produce(KafkaBroker kafka, String topic, int partition, long firstId, int count) {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long id = firstId; id < firstId + count; id++) {
                producer.send(new ProducerRecord<>(topic, partition, null, KafkaTestData.json(id).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return firstId + count;
    }

    /** Records behind per split; fails if one is unknown. */
    private static Map<String, Long> behind(SourceLag lag) {
        Map<String, Long> behind = new TreeMap<>();
        for (SplitLag split : lag.splits()) {
            assertTrue(split.isKnown(), split.toString());
            behind.put(split.split(), split.behind());
        }
        return behind;
    }

    private static boolean lagThreadRuns(String pipeline) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.isAlive() && thread.getName().equals("tributary-" + pipeline + "-lag"));
    }
}
