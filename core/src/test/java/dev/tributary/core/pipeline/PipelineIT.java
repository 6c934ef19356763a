package dev.tributary.core.pipeline;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline end to end into the real ClickHouse server of these machines (18.16): what needs its query
 * log or a restart. What holds on every ClickHouse runs on 18.16 and the 26.5 engine in module chdb
 * ({@code dev.tributary.chdb.contract.PipelineContractIT}).
 */
@ExtendWith(TestServers.class)
class PipelineIT {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ClickHouseSink.Builder sink(ClickHouseServer clickhouse, String table) {
        return ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                .credentials(clickhouse.user(), clickhouse.password())
                .insertSetting("log_queries", "1");
    }

    private static Pipeline pipeline(String name, GeneratedSource source, ClickHouseSink sink) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create()).sink(sink)
                .metricsLogInterval(Duration.ZERO).build();
    }


    /** Rows written per INSERT into {@code table}, from the server's query log. */
    private static List<Long> insertSizes(ClickHouseSql sql, String table) {
        sql.execute("SYSTEM FLUSH LOGS");
        return sql.rows("SELECT written_rows FROM system.query_log WHERE type = 2 AND query_id LIKE 'tributary-%'"
                        + " AND query LIKE 'INSERT INTO `default`.`" + table + "`%' ORDER BY event_time, query_id")
                .stream().map(row -> Long.parseLong(row.get(0))).toList();
    }

    @Test
    void landsAMillionRowsWithCorrectValuesInBatchesOfMaxRows(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS million");
        sql.execute("CREATE TABLE million (id UInt64, name String, amount Decimal(18, 4), created DateTime,"
                + " tags Array(String), kind Enum8('push' = 1, 'pull' = 2), maybe Nullable(Int32), _split String,"
                + " _offset UInt64) ENGINE = MergeTree ORDER BY id");
        long total = 1_000_000;
        GeneratedSource source = new GeneratedSource(4, total, 5_000, i -> utf8("{\"id\":" + i + ",\"name\":\"user-" + i
                + "\",\"amount\":" + (i % 1000) + "." + String.format("%04d", i % 10_000)
                + ",\"created\":\"2024-01-01T00:00:00Z\",\"tags\":[\"t" + (i % 3) + "\",\"x\"],\"kind\":\""
                + (i % 2 == 0 ? "push" : "pull") + "\",\"maybe\":" + (i % 5 == 0 ? "null" : Long.toString(i % 1000)) + "}"));
        try (Pipeline pipeline = pipeline("million", source,
                sink(clickhouse, "million").maxRows(100_000).maxAge(Duration.ofMinutes(5)).build())) {
            pipeline.start();
            await("all records committed", Duration.ofMinutes(5), () -> source.committedCount() == total);
        }

        assertEquals(List.of(List.of("1000000", "1000000", "499999500000")),
                sql.rows("SELECT count(), uniqExact(id), sum(id) FROM million"));
        assertEquals(List.of(List.of("123457", "user-123457", "457.3457", "2024-01-01 00:00:00", "['t1','x']", "pull",
                        "457", "s1", "30864")),
                sql.rows("SELECT id, name, amount, created, tags, kind, maybe, _split, _offset FROM million WHERE id = 123457"));
        assertEquals(List.of(List.of("200000")), sql.rows("SELECT count() FROM million WHERE maybe IS NULL"));
        assertEquals(List.of(100_000L, 100_000L, 100_000L, 100_000L, 100_000L, 100_000L, 100_000L, 100_000L, 100_000L,
                100_000L), insertSizes(sql, "million"));
        assertEquals(0, sql.longValue("SELECT count() FROM million_errors"));
    }

    @Test
    void sealsBatchesAtMaxBytes(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS by_bytes");
        // Every row is exactly 40 bytes of RowBinary: UInt64 + FixedString(32).
        sql.execute("CREATE TABLE by_bytes (id UInt64, payload FixedString(32)) ENGINE = MergeTree ORDER BY id");
        GeneratedSource source = new GeneratedSource(2, 20_000, 1_000,
                i -> utf8("{\"id\":" + i + ",\"payload\":\"" + "p".repeat(32) + "\"}"));
        try (Pipeline pipeline = pipeline("by-bytes", source,
                sink(clickhouse, "by_bytes").maxRows(100_000).maxBytes(40_000).maxAge(Duration.ofMinutes(5)).build())) {
            pipeline.start();
            await("all records committed", Duration.ofMinutes(2), () -> source.committedCount() == 20_000);
        }
        List<Long> sizes = insertSizes(sql, "by_bytes");
        assertEquals(20, sizes.size(), sizes.toString());
        assertTrue(sizes.stream().allMatch(rows -> rows == 1_000), sizes.toString());
        assertEquals(20_000, sql.longValue("SELECT uniqExact(id) FROM by_bytes"));
    }

    @Test
    void resumesByItselfWhenClickHouseComesBackAndLosesNothing(TestkitPaths paths) throws Exception {
        try (ClickHouseServer clickhouse = ClickHouseServer.start(paths)) {
            ClickHouseSql sql = clickhouse.sql();
            sql.execute("CREATE TABLE outage (id UInt64) ENGINE = MergeTree ORDER BY id");
            long total = 200_000;
            GeneratedSource source = new GeneratedSource(3, 50_000, 1_000, i -> utf8("{\"id\":" + i + "}"));
            try (Pipeline pipeline = Pipeline.builder().name("outage").source(source).decoder(JsonDecoder.create())
                    .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table("outage")
                            .maxRows(5_000).maxAge(Duration.ofMillis(200))
                            .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                            .requestTimeout(Duration.ofSeconds(10)).build())
                    .metricsLogInterval(Duration.ZERO).build()) {
                pipeline.start();
                await("some rows landed", Duration.ofMinutes(1), () -> source.committedCount() >= 20_000);

                clickhouse.stop();
                long down = System.nanoTime();
                source.add(total - 50_000); // records keep arriving while ClickHouse is down
                await("an insert retried", Duration.ofMinutes(1), () -> pipeline.metrics().insertRetries() > 0);
                long committedWhileDown = source.committedCount();
                // The outage lasts 10 s, as the acceptance test specifies.
                Thread.sleep(Math.max(0, 10_000 - (System.nanoTime() - down) / 1_000_000));
                assertEquals(committedWhileDown, source.committedCount(), "nothing committed while ClickHouse is down");
                assertEquals(Pipeline.State.RUNNING, pipeline.state());
                clickhouse.start();

                await("all records committed", Duration.ofMinutes(3), () -> source.committedCount() == total);
            }
            assertEquals(total, sql.longValue("SELECT uniqExact(id) FROM outage"), "no id lost");
            assertTrue(sql.longValue("SELECT count() FROM outage") >= total);
            assertEquals(0, sql.longValue("SELECT count() FROM outage_errors"));
        }
    }
}
