package dev.tributary.core.pipeline;

import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the sink does with each kind of refusal of the real ClickHouse 18.16: data errors go row by
 * row to the error table; anything else is retried (never diverted into the error table), split
 * when the insert is too large, and given up after the retry budget with the cause named.
 */
@ExtendWith(TestServers.class)
class InsertFailuresIT {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ClickHouseSink.Builder sink(ClickHouseServer clickhouse, String table) {
        return ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                .credentials(clickhouse.user(), clickhouse.password())
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .insertSetting("log_queries", "1");
    }

    private static Pipeline pipeline(String name, GeneratedSource source, ClickHouseSink sink) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create()).sink(sink)
                .metricsLogInterval(Duration.ZERO).build();
    }


    private static void recreate(ClickHouseSql sql, String table, String columns) {
        sql.execute("DROP TABLE IF EXISTS " + table);
        sql.execute("DROP TABLE IF EXISTS " + table + "_errors");
        sql.execute("CREATE TABLE " + table + " (" + columns + ") ENGINE = MergeTree ORDER BY id");
    }

    /** Rows written per successful INSERT into {@code table}, from the server's query log. */
    private static List<Long> insertSizes(ClickHouseSql sql, String table) {
        sql.execute("SYSTEM FLUSH LOGS");
        return sql.rows("SELECT written_rows FROM system.query_log WHERE type = 2 AND query_id LIKE 'tributary-%'"
                        + " AND query LIKE 'INSERT INTO `default`.`" + table + "`%' ORDER BY event_time, query_id")
                .stream().map(row -> Long.parseLong(row.get(0))).toList();
    }

    @Test
    void anUnknownServerErrorIsRetriedAndNotSentToTheErrorTable(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        // throwIf in a MATERIALIZED expression: code 395, which says nothing known about the row.
        recreate(sql, "unknown_refusal", "id UInt64, guard UInt8 MATERIALIZED throwIf(id = 3)");
        GeneratedSource source = new GeneratedSource(1, 100, 100, i -> utf8("{\"id\":" + i + "}"));
        try (Pipeline pipeline = pipeline("unknown-refusal", source,
                sink(clickhouse, "unknown_refusal").maxAge(Duration.ofMillis(200)).build())) {
            pipeline.start();
            try {
                await("the insert retried", Duration.ofSeconds(30), () -> pipeline.metrics().insertRetries() >= 5);
                assertEquals(0, sql.longValue("SELECT count() FROM unknown_refusal"), "the refused batch did not land");
                assertEquals(0, sql.longValue("SELECT count() FROM unknown_refusal_errors"), "nothing diverted");
                assertEquals(0, source.committedCount());
            } finally {
                // The cause goes away (also after a failed assertion, so that the pipeline can stop).
                sql.execute("ALTER TABLE unknown_refusal MODIFY COLUMN guard UInt8 MATERIALIZED 0");
            }
            await("all records committed", Duration.ofSeconds(30), () -> source.committedCount() == 100);
        }
        assertEquals(List.of(List.of("100", "100")), sql.rows("SELECT count(), uniqExact(id) FROM unknown_refusal"));
        assertEquals(0, sql.longValue("SELECT count() FROM unknown_refusal_errors"));
    }

    @Test
    void rowsRefusedForTheirDataStillGoOneByOneToTheErrorTable(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        // A conversion in a MATERIALIZED expression refuses two rows: code 6 (CANNOT_PARSE_TEXT).
        recreate(sql, "data_refusal", "id UInt64, name String, n UInt8 MATERIALIZED toUInt8(name)");
        GeneratedSource source = new GeneratedSource(1, 100, 100, i -> utf8("{\"id\":" + i + ",\"name\":\""
                + (i == 5 || i == 77 ? "x" + i : Long.toString(i)) + "\"}"));
        try (Pipeline pipeline = pipeline("data-refusal", source,
                sink(clickhouse, "data_refusal").maxAge(Duration.ofMillis(200)).build())) {
            pipeline.start();
            await("all records committed", Duration.ofSeconds(30), () -> source.committedCount() == 100);
        }
        assertEquals(List.of(List.of("98", "98")), sql.rows("SELECT count(), uniqExact(id) FROM data_refusal"));
        List<List<String>> errors = sql.rows("SELECT position, error_kind, raw_value, message FROM data_refusal_errors ORDER BY position");
        assertEquals(2, errors.size(), errors.toString());
        assertEquals(List.of("s0@5", "INSERT", "{\"id\":5,\"name\":\"x5\"}"), errors.get(0).subList(0, 3));
        assertEquals(List.of("s0@77", "INSERT", "{\"id\":77,\"name\":\"x77\"}"), errors.get(1).subList(0, 3));
        assertTrue(errors.get(0).get(3).contains("code 6") && errors.get(0).get(3).contains("Cannot parse string 'x5'"),
                errors.get(0).get(3));
    }

    @Test
    void laterBatchesDoNotOvertakeARetryingBatchBeyondTheInFlightBound(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        recreate(sql, "overtake", "id UInt64, guard UInt8 MATERIALIZED throwIf(id < 100)"); // the first batch is refused
        long total = 2_000;
        GeneratedSource source = new GeneratedSource(1, total, 100, i -> utf8("{\"id\":" + i + "}"));
        try (Pipeline pipeline = pipeline("overtake", source, sink(clickhouse, "overtake")
                .maxRows(100).maxAge(Duration.ofMinutes(5)).maxInFlightBatches(2).build())) {
            pipeline.start();
            try {
                await("the first batch retried", Duration.ofSeconds(30), () -> pipeline.metrics().insertRetries() >= 20);
                // Only the one batch behind the retrying one (maxInFlightBatches - 1) may have landed.
                long landed = sql.longValue("SELECT count() FROM overtake");
                assertTrue(landed <= 100, landed + " rows landed while the first batch was retrying");
                assertTrue(source.isPaused(), "the source waits");
                assertEquals(0, source.committedCount());
            } finally {
                sql.execute("ALTER TABLE overtake MODIFY COLUMN guard UInt8 MATERIALIZED 0");
            }
            await("all records committed", Duration.ofSeconds(60), () -> source.committedCount() == total);
        }
        assertEquals(List.of(List.of("2000", "2000")), sql.rows("SELECT count(), uniqExact(id) FROM overtake"));
        assertEquals(0, sql.longValue("SELECT count() FROM overtake_errors"));
    }

    @Test
    void aMemoryLimitThatRefusesTheBatchEveryTimeMakesTheInsertsSmaller(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        recreate(sql, "memory_split", "id UInt64, name String");
        long total = 40_000;
        GeneratedSource source = new GeneratedSource(1, total, 5_000,
                i -> utf8("{\"id\":" + i + ",\"name\":\"name-" + String.format("%07d", i) + "\"}"));
        // With 8 MB a query of 18.16 can insert a few thousand of these rows, not 40,000: code 241 each time.
        try (Pipeline pipeline = pipeline("memory-split", source, sink(clickhouse, "memory_split")
                .maxRows((int) total).maxAge(Duration.ofMinutes(5)).insertSetting("max_memory_usage", "8000000").build())) {
            pipeline.start();
            await("all records committed", Duration.ofSeconds(60), () -> source.committedCount() == total);
        }
        assertEquals(List.of(List.of("40000", "40000")), sql.rows("SELECT count(), uniqExact(id) FROM memory_split"));
        assertEquals(0, sql.longValue("SELECT count() FROM memory_split_errors"));
        List<Long> sizes = insertSizes(sql, "memory_split");
        assertEquals(total, sizes.stream().mapToLong(Long::longValue).sum(), sizes.toString());
        assertTrue(sizes.size() > 1 && sizes.stream().allMatch(size -> size < total), sizes.toString());
    }

    @Test
    void theErrorRateBoundStopsThePipelineWithTheShareTheWindowAndTheLastReason(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        recreate(sql, "error_rate", "id UInt64");
        // From record 500 on, 3 of every 4 records are not JSON.
        GeneratedSource source = new GeneratedSource(1, 2_000, 100,
                i -> utf8(i >= 500 && i % 4 != 0 ? "{broken " + i : "{\"id\":" + i + "}"));
        Pipeline pipeline = pipeline("error-rate", source, sink(clickhouse, "error_rate")
                .maxRows(100).maxAge(Duration.ofMinutes(5)).maxInFlightBatches(1).errorTolerance(0.5, 400).build());
        pipeline.start();
        PipelineException failure = assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofMinutes(1)));
        assertTrue(failure.getMessage().contains("more than the errorTolerance of 50% over a window of 400 records"),
                failure.getMessage());
        assertTrue(failure.getMessage().contains("last reason (DECODE at s0@"), failure.getMessage());
        assertEquals(Pipeline.State.FAILED, pipeline.state());
        // The clean records landed and were committed; the batch that tripped the bound was not
        // committed and wrote nothing to the error table: it holds the failed records of what was committed.
        long committed = source.committedCount();
        assertTrue(committed >= 500 && committed < 2_000, "committed " + committed);
        long failedAmongCommitted = java.util.stream.LongStream.range(500, committed).filter(i -> i % 4 != 0).count();
        assertEquals(failedAmongCommitted, sql.longValue("SELECT count() FROM error_rate_errors"));
    }

    @Test
    void aBatchThatCannotLandWithinTheRetryBudgetFailsThePipelineNamingTheCause(TestkitPaths paths) throws Exception {
        try (ClickHouseServer clickhouse = ClickHouseServer.start(paths)) {
            ClickHouseSql sql = clickhouse.sql();
            sql.execute("CREATE TABLE budget (id UInt64) ENGINE = MergeTree ORDER BY id");
            GeneratedSource source = new GeneratedSource(1, 100, 100, i -> utf8("{\"id\":" + i + "}"));
            Pipeline pipeline = pipeline("budget", source, ClickHouseSink.builder().endpoint(clickhouse.endpoint())
                    .table("budget").maxAge(Duration.ofMillis(200)).retryBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
                    .requestTimeout(Duration.ofSeconds(2)).retryBudget(Duration.ofSeconds(3)).build());
            pipeline.start();
            await("the first records committed", Duration.ofSeconds(30), () -> source.committedCount() == 100);

            clickhouse.stop();
            long down = System.nanoTime();
            source.add(100);
            PipelineException failure = assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofSeconds(30)));
            Duration failedAfter = Duration.ofNanos(System.nanoTime() - down);
            assertTrue(failedAfter.compareTo(Duration.ofSeconds(3)) >= 0 && failedAfter.compareTo(Duration.ofSeconds(15)) < 0,
                    "failed after " + failedAfter);
            String message = failure.getMessage();
            assertTrue(message.contains("could not be made durable for PT") && message.contains("(retryBudget PT3S)"), message);
            assertTrue(message.contains("last error writing rows 0..100 of batch") && message.contains("into default.budget"), message);
            assertTrue(message.contains("Connect"), message); // the cause: the connection is refused
            assertEquals(100, source.committedCount(), "nothing of the failed batch committed");
        }
    }
}
