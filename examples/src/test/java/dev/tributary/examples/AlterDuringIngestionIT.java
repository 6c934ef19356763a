package dev.tributary.examples;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The first scenario of the hardening issue, as a user runs it: the README's pipeline, the GitHub
 * events table, 300,000 messages, and an {@code ALTER TABLE ... ADD COLUMN} while they stream in.
 * Before, 91 % of the messages went to the error table and the run took 20 times as long.
 */
@ExtendWith(TestServers.class)
class AlterDuringIngestionIT {

    private static final int MESSAGES = 300_000;

    @Test
    void anAddedColumnMidRunLosesNothingAndCostsNoTime(ClickHouseServer clickhouse, KafkaBroker kafka) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        Demo.createTopic(kafka, "github_alter", 5);
        Demo.produce(kafka, "github_alter", MESSAGES);

        Duration plain = ingest(clickhouse, kafka, "github_plain", "github_alter", null);
        Duration altered = ingest(clickhouse, kafka, "github_altered", "github_alter",
                "ALTER TABLE github_altered ADD COLUMN extra UInt32 DEFAULT 7");

        for (String table : List.of("github_plain", "github_altered")) {
            assertEquals(List.of(List.of(Integer.toString(MESSAGES), Integer.toString(MESSAGES), "0")),
                    sql.rows("SELECT count(), uniqExact(id), countIf(repo_name = '' OR title = '') FROM " + table), table);
            assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"), table);
        }
        assertEquals(0, sql.longValue("SELECT countIf(extra != 7) FROM github_altered"));
        // Same values either way: the ALTER garbled nothing.
        assertEquals(sql.value("SELECT sum(cityHash64(id, event_type, actor_login, created_at, number, title, labels))"
                        + " FROM github_plain"),
                sql.value("SELECT sum(cityHash64(id, event_type, actor_login, created_at, number, title, labels))"
                        + " FROM github_altered"));
        double ratio = (double) altered.toMillis() / plain.toMillis();
        System.out.printf(Locale.ROOT, "RESULT alter_during_ingestion plain_s=%.1f altered_s=%.1f ratio=%.2f%n",
                plain.toMillis() / 1e3, altered.toMillis() / 1e3, ratio);
        assertTrue(ratio <= 1.5, "the run with the ALTER took " + altered + " against " + plain + " without");
    }

    /** Runs the README's pipeline into a new table until every message is in; the ALTER once a third is. */
    private static Duration ingest(ClickHouseServer clickhouse, KafkaBroker kafka, String table, String topic,
                                   String alter) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS " + table);
        sql.execute("DROP TABLE IF EXISTS " + table + "_errors");
        sql.execute(GitHubEvents.createTable(table));
        long started = System.nanoTime();
        try (Pipeline pipeline = Pipeline.builder()
                .name(table)
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic)
                        .groupId("tributary-" + table).startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                        .credentials(clickhouse.user(), clickhouse.password()).build())
                .build()) {
            pipeline.start();
            if (alter != null) {
                await(pipeline, () -> sql.longValue("SELECT count() FROM " + table) >= MESSAGES / 3);
                sql.execute(alter);
            }
            await(pipeline, () -> sql.longValue("SELECT count() FROM " + table) + pipeline.metrics().errorsTotal() >= MESSAGES);
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private static void await(Pipeline pipeline, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(pipeline.state() == Pipeline.State.RUNNING, () -> "pipeline stopped: " + pipeline.failure());
            assertTrue(System.nanoTime() < deadline, "timed out");
            Thread.sleep(100);
        }
    }
}
