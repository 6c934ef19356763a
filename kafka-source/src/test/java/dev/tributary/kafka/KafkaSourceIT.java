package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka source end to end: real broker, real ClickHouse. */
@ExtendWith(TestServers.class)
class KafkaSourceIT {

    private static int sequence;

    private static String unique(String prefix) {
        return prefix + "_" + System.nanoTime() + "_" + (++sequence);
    }

    private static void createTable(ClickHouseSql sql, String table) {
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, _topic LowCardinality(String), _partition UInt64,"
                + " _offset UInt64, _key Nullable(String), _timestamp DateTime, _header_keys Array(String),"
                + " _header_values Array(String), _raw_message String) ENGINE = MergeTree ORDER BY (_topic, _partition, _offset)");
    }

    private static Pipeline pipeline(String name, KafkaSource source, ClickHouseServer clickhouse, String table) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                        .maxRows(20_000).maxAge(Duration.ofMillis(500)).build())
                .metricsLogInterval(Duration.ZERO).build();
    }

    private static KafkaSource.Builder source(KafkaBroker kafka, String group) {
        return KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).groupId(group);
    }

    @Test
    void twoHundredThousandMessagesOverFivePartitionsBecomeAsManyRowsWithTheirVirtualColumns(
            KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = unique("events");
        String table = unique("events");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 5);
        long started = System.currentTimeMillis() / 1000;
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 200_000);

        try (Pipeline pipeline = pipeline("events", source(kafka, unique("group")).topics(topic).build(), clickhouse, table)) {
            pipeline.start();
            await("200,000 rows", Duration.ofMinutes(3), () -> sql.longValue("SELECT count() FROM " + table) >= 200_000);
        }

        assertEquals(List.of(List.of("200000", "200000", "200000", "5")), sql.rows("SELECT count(), uniqExact(id),"
                + " uniqExact(_topic, _partition, _offset), uniqExact(_partition) FROM " + table));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + " WHERE _header_keys != ['source', 'seq']"
                + " OR _header_values != ['test', toString(id)] OR _key != concat('k', toString(id)) OR _topic != '" + topic + "'"
                + " OR _raw_message != concat('{\"id\":', toString(id), ',\"name\":\"n', toString(id), '\"}')"
                + " OR toUInt32(_timestamp) < " + (started - 5) + " OR _partition > 4"));
        // Offsets of each partition are 0..n-1: the whole partition landed, once.
        assertEquals(0, sql.longValue("SELECT count() FROM (SELECT _partition, max(_offset) + 1 AS n, count() AS c"
                + " FROM " + table + " GROUP BY _partition) WHERE n != c"));
    }

    @Test
    void severalTopicsLandInOneTable(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String prefix = unique("multi");
        String table = unique("multi");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        for (int t = 0; t < 3; t++) {
            KafkaTestData.createTopic(kafka.clientProperties(), prefix + "-" + t, 2);
            KafkaTestData.produce(kafka.clientProperties(), prefix + "-" + t, t * 1000L, t * 1000L + 1000);
        }
        try (Pipeline byList = pipeline("by-list", source(kafka, unique("group"))
                .topics(prefix + "-0", prefix + "-1").build(), clickhouse, table);
             Pipeline byPattern = pipeline("by-pattern", source(kafka, unique("group"))
                     .topicPattern(Pattern.compile(Pattern.quote(prefix) + "-2")).build(), clickhouse, table)) {
            byList.start();
            byPattern.start();
            await("3,000 rows", Duration.ofMinutes(2), () -> sql.longValue("SELECT count() FROM " + table) >= 3000);
        }
        assertEquals(List.of(List.of(prefix + "-0", "1000"), List.of(prefix + "-1", "1000"), List.of(prefix + "-2", "1000")),
                sql.rows("SELECT _topic, uniqExact(id) FROM " + table + " GROUP BY _topic ORDER BY _topic"));
    }

    @Test
    void twoInstancesInOneGroupShareThePartitionsAndOneCanLeave(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = unique("shared");
        String table = unique("shared");
        String group = unique("group");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 6);

        Pipeline first = pipeline("first", source(kafka, group).topics(topic).maxPollRecords(200).build(), clickhouse, table);
        Pipeline second = pipeline("second", source(kafka, group).topics(topic).maxPollRecords(200).build(), clickhouse, table);
        first.start();
        second.start();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            await("two members sharing six partitions", Duration.ofMinutes(1), () -> {
                try {
                    var members = admin.describeConsumerGroups(List.of(group)).all().get().get(group).members();
                    return members.size() == 2 && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())
                            && members.stream().mapToInt(m -> m.assignment().topicPartitions().size()).sum() == 6;
                } catch (Exception e) {
                    return false;
                }
            });
        }
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 30_000);
        await("both instances read", Duration.ofMinutes(1),
                () -> first.metrics().recordsRead() > 0 && second.metrics().recordsRead() > 0);
        second.stop();
        second.awaitTermination(Duration.ofMinutes(1));
        KafkaTestData.produce(kafka.clientProperties(), topic, 30_000, 60_000);
        await("60,000 ids", Duration.ofMinutes(2), () -> sql.longValue("SELECT uniqExact(id) FROM " + table) == 60_000);
        first.stop();
        first.awaitTermination(Duration.ofMinutes(1));

        assertTrue(second.metrics().rowsInserted() > 0, "the second instance inserted rows before it left");
        assertEquals(60_000, sql.longValue("SELECT uniqExact(id) FROM " + table));
    }

    @Test
    void aNewStartResumesFromTheCommittedOffsetsAndPauseKeepsThem(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = unique("resume");
        String table = unique("resume");
        String group = unique("group");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 3);
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 5_000);
        try (Pipeline run = pipeline("resume", source(kafka, group).topics(topic).build(), clickhouse, table)) {
            run.start();
            await("5,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 5_000);
            run.pause();
            await("paused", Duration.ofSeconds(30), run::isPaused);
            long readBefore = run.metrics().recordsRead();
            KafkaTestData.produce(kafka.clientProperties(), topic, 5_000, 6_000);
            // While paused, nothing is read (watched for a second); resuming reads what came meanwhile.
            long watchUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < watchUntil) {
                assertEquals(readBefore, run.metrics().recordsRead(), "nothing read while paused");
                Thread.sleep(50);
            }
            run.resume();
            await("6,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 6_000);
        }
        KafkaTestData.produce(kafka.clientProperties(), topic, 6_000, 7_000);
        try (Pipeline again = pipeline("resume", source(kafka, group).topics(topic).build(), clickhouse, table)) {
            again.start();
            await("7,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) >= 7_000);
            again.stop();
            again.awaitTermination(Duration.ofMinutes(1));
            assertEquals(1_000, again.metrics().recordsRead(), "the second run read only the new records");
        }
        assertEquals(List.of(List.of("7000", "7000")), sql.rows("SELECT count(), uniqExact(id) FROM " + table));
    }

    @Test
    void startsWhereTheStartingOffsetsSay(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = unique("start");
        ClickHouseSql sql = clickhouse.sql();
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 1);
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 100);
        long middle = System.currentTimeMillis();
        Thread.sleep(20); // a clear gap in broker time between the two halves
        KafkaTestData.produce(kafka.clientProperties(), topic, 100, 200);

        Map<String, StartingOffsets> cases = Map.of(
                "latest", StartingOffsets.LATEST,
                "by_time", StartingOffsets.timestamp(middle),
                "explicit", StartingOffsets.explicit(Map.of(new TopicPartition(topic, 0), 150L), StartingOffsets.EARLIEST),
                // An explicit offset beyond the log end starts at the end (not at EARLIEST, the fallback for other partitions).
                "beyond_end", StartingOffsets.explicit(Map.of(new TopicPartition(topic, 0), 5_000L), StartingOffsets.EARLIEST));
        Map<String, Long> expectedMinimum = Map.of("by_time", 100L, "explicit", 150L);
        for (Map.Entry<String, StartingOffsets> entry : cases.entrySet()) {
            String table = unique(entry.getKey());
            createTable(sql, table);
            try (Pipeline pipeline = pipeline(entry.getKey(), source(kafka, unique("group")).topics(topic)
                    .startingOffsets(entry.getValue()).build(), clickhouse, table)) {
                pipeline.start();
                // LATEST starts at the end as of the assignment, which the test cannot see: send
                // marker records (ids from 1,000,000) until one arrives.
                long marker = 1_000_000;
                long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                while (sql.longValue("SELECT count() FROM " + table + " WHERE id >= 1000000") == 0) {
                    assertTrue(System.nanoTime() < deadline, "no marker record arrived within a minute");
                    KafkaTestData.produce(kafka.clientProperties(), topic, marker, marker + 1);
                    marker++;
                    long wait = System.nanoTime() + Duration.ofSeconds(1).toNanos();
                    while (System.nanoTime() < wait && sql.longValue("SELECT count() FROM " + table + " WHERE id >= 1000000") == 0) {
                        Thread.sleep(50);
                    }
                }
            }
            long minimum = sql.longValue("SELECT min(id) FROM " + table);
            if (entry.getValue() == StartingOffsets.LATEST || entry.getKey().equals("beyond_end")) {
                assertTrue(minimum >= 1_000_000, entry.getKey() + " read only markers, min id " + minimum);
            } else {
                assertEquals(expectedMinimum.get(entry.getKey()), minimum, entry.getKey());
            }
        }
    }
}
