package dev.tributary.kafka;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.FieldPath;
import dev.tributary.core.Pipeline;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restarts keep their place: a starting position applies once (it is committed at the first
 * assignment), a committed offset that fell out of retention resumes at the earliest retained
 * record and reports the gap, and a graceful stop keeps its final commit whatever wakeups arrive.
 */
@ExtendWith(TestServers.class)
class KafkaRestartIT {

    private static int sequence;

    private static String unique(String prefix) {
        return prefix + "_" + System.nanoTime() + "_" + (++sequence);
    }

    private static String createTable(ClickHouseSql sql, String prefix) {
        String table = unique(prefix);
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, _partition UInt64, _offset UInt64)"
                + " ENGINE = MergeTree ORDER BY (_partition, _offset)");
        return table;
    }

    private static Pipeline.Builder pipeline(String name, KafkaSource source, ClickHouseServer clickhouse, String table,
                                             int maxRows, Duration maxAge) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                        .maxRows(maxRows).maxAge(maxAge).build())
                .metricsLogInterval(Duration.ZERO);
    }

    /** Rows, distinct (partition, offset) pairs and distinct ids in the table. */
    private static List<String> counts(ClickHouseSql sql, String table) {
        return sql.rows("SELECT count(), uniqExact(_partition, _offset), uniqExact(id) FROM " + table).get(0);
    }

    @Test
    void latestIsCommittedAtTheFirstAssignmentSoACrashBeforeTheFirstBatchResumesFromIt(
            KafkaBroker kafka, ClickHouseServer clickhouse, TestkitPaths paths) throws Exception {
        String topic = unique("latest-crash");
        String group = unique("group");
        ClickHouseSql sql = clickhouse.sql();
        String table = createTable(sql, "latest_crash");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 300); // before the start: LATEST skips these

        Path log = paths.newServerDir("latest-crash").resolve("child.log");
        Process child = CrashTestPipeline.start(kafka, clickhouse, topic, group, table, log, "latest");
        try {
            // The pipeline logs its assignment once the source has positioned the partitions.
            await("the child pipeline's assignment", Duration.ofMinutes(1), () -> !child.isAlive() || logContains(log, "assigned ["));
            assertTrue(child.isAlive(), "the child pipeline died by itself; see " + log);
        } finally {
            child.destroyForcibly(); // SIGKILL before any record arrived: no batch, no commit by the pipeline
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        KafkaTestData.produce(kafka.clientProperties(), topic, 1_000, 3_000); // 2,000 while it is down

        try (Pipeline again = pipeline("latest-crash", KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                .topics(topic).groupId(group).startingOffsets(StartingOffsets.LATEST)
                .build(), clickhouse, table, 10_000, Duration.ofMillis(300)).build()) {
            again.start();
            await("the whole topic committed", Duration.ofMinutes(1),
                    () -> KafkaTestData.committedTotal(kafka.clientProperties(), group) == 2_300);
        }
        assertEquals(List.of("2000", "2000", "2000"), counts(sql, table), "the 2,000 records sent while down landed once");
        assertEquals(List.of(List.of("1000", "2999")), sql.rows("SELECT min(id), max(id) FROM " + table),
                "none of the records older than the first start");
    }

    private static boolean logContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void aCommittedOffsetThatFellOutOfRetentionResumesAtTheEarliestRetainedRecordAndReportsTheGap(
            KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = unique("retention");
        String group = unique("group");
        ClickHouseSql sql = clickhouse.sql();
        String table = createTable(sql, "retention");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 1);
        TopicPartition partition = new TopicPartition(topic, 0);
        // Offset 0 explicitly, else LATEST: the same settings in both runs, as a user would have them.
        StartingOffsets starting = StartingOffsets.explicit(Map.of(partition, 0L), StartingOffsets.LATEST);
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 1_000);
        try (Pipeline first = pipeline("retention", KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                .topics(topic).groupId(group).startingOffsets(starting).build(), clickhouse, table, 10_000, Duration.ofMillis(300)).build()) {
            first.start();
            await("1,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 1_000);
        }
        KafkaTestData.produce(kafka.clientProperties(), topic, 1_000, 2_000);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertEquals(1_000, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(partition).offset(), "the first run committed everything it read");
            // Retention removes offsets 1,000..1,499 before the pipeline comes back.
            admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(1_500))).all().get();
        }

        try (Pipeline second = pipeline("retention", KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                .topics(topic).groupId(group).startingOffsets(starting).build(), clickhouse, table, 10_000, Duration.ofMillis(300)).build()) {
            second.start();
            await("the whole topic committed", Duration.ofMinutes(1),
                    () -> KafkaTestData.committedTotal(kafka.clientProperties(), group) == 2_000);
            second.stop();
            second.awaitTermination(Duration.ofMinutes(1));
            assertEquals(500, second.metrics().recordsSkipped(), "the gap is reported: 500 records gone before they were read");
            assertEquals(500, second.metrics().recordsRead(), "only the retained records were read");
        }
        assertEquals(List.of(List.of("1500", "1000", "999", "1500", "1999")), sql.rows("SELECT count(), countIf(id < 1000), "
                + "maxIf(id, id < 1000), minIf(id, id >= 1000), max(id) FROM " + table), "resumed at the earliest retained record");
    }

    @Test
    void aGracefulStopMidStreamKeepsItsFinalCommit(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = unique("graceful");
        String group = unique("group");
        ClickHouseSql sql = clickhouse.sql();
        String table = createTable(sql, "graceful");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 3);
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 20_000);

        // stop() is called from the pipeline's own thread while it processes record 10,000, i.e. at
        // a moment when no poll is waiting: its wakeup is pending for the next consumer call.
        AtomicReference<Pipeline> running = new AtomicReference<>();
        AtomicLong decoded = new AtomicLong();
        Decoder json = JsonDecoder.create();
        Decoder stopping = new Decoder() {
            @Override
            public DecodedRecord decode(SourceRecord record) throws DecodeException {
                if (decoded.incrementAndGet() == 10_000) {
                    running.get().stop();
                }
                return json.decode(record);
            }

            @Override
            public void onlyFields(Set<FieldPath> fields) {
                json.onlyFields(fields);
            }
        };
        // Batches are sealed only by the stop: everything read is in its final commit.
        Pipeline first = pipeline("graceful", KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                .topics(topic).groupId(group).build(), clickhouse, table, 1_000_000, Duration.ofMinutes(5))
                .decoder(stopping).build();
        running.set(first);
        first.start();
        assertTrue(first.awaitTermination(Duration.ofMinutes(1)), "the first run stopped");
        assertEquals(10_000, sql.longValue("SELECT count() FROM " + table), "the first run landed what it read");

        try (Pipeline second = pipeline("graceful", KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                .topics(topic).groupId(group).build(), clickhouse, table, 10_000, Duration.ofMillis(300)).build()) {
            second.start();
            // Committed to the end: everything the second run was going to read, it has read.
            await("the whole topic committed", Duration.ofMinutes(1),
                    () -> KafkaTestData.committedTotal(kafka.clientProperties(), group) == 20_000);
            second.stop();
            second.awaitTermination(Duration.ofMinutes(1));
            assertEquals(10_000, second.metrics().recordsRead(), "the second run read only what the first did not");
        }
        assertEquals(List.of("20000", "20000", "20000"), counts(sql, table), "zero duplicates by (partition, offset)");
    }

    @Test
    void wakeupsAtAnyMomentOnlyEndPollsEarly(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = unique("wakeups");
        String group = unique("group");
        ClickHouseSql sql = clickhouse.sql();
        String table = createTable(sql, "wakeups");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 3);
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 20_000);

        KafkaSource source = KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId(group)
                .startingOffsets(StartingOffsets.timestamp(0)).maxPollRecords(500).build();
        AtomicBoolean storming = new AtomicBoolean(true);
        // Another thread wakes the source every 0.2 ms, through assignment, polls, commits and the
        // graceful stop (as a sink's insert threads do when batches land).
        Thread storm = new Thread(() -> {
            while (storming.get()) {
                source.wakeup();
                LockSupport.parkNanos(200_000);
            }
        }, "wakeup-storm");
        try (Pipeline first = pipeline("wakeups", source, clickhouse, table, 1_000, Duration.ofMillis(100)).build()) {
            storm.start();
            first.start();
            await("20,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) >= 20_000);
            first.stop();
            assertTrue(first.awaitTermination(Duration.ofMinutes(1)), "the first run stopped");
            assertTrue(first.metrics().commits() > 5, "commits went on under the wakeups: " + first.metrics().commits());
        } finally {
            storming.set(false);
            storm.join();
        }
        KafkaTestData.produce(kafka.clientProperties(), topic, 20_000, 21_000);
        try (Pipeline second = pipeline("wakeups", KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                .topics(topic).groupId(group).build(), clickhouse, table, 10_000, Duration.ofMillis(300)).build()) {
            second.start();
            await("the whole topic committed", Duration.ofMinutes(1),
                    () -> KafkaTestData.committedTotal(kafka.clientProperties(), group) == 21_000);
            second.stop();
            second.awaitTermination(Duration.ofMinutes(1));
            assertEquals(1_000, second.metrics().recordsRead(), "the second run read only the new records");
        }
        assertEquals(List.of("21000", "21000", "21000"), counts(sql, table), "zero duplicates by (partition, offset)");
    }
}
