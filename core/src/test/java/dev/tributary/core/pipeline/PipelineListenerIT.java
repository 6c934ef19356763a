package dev.tributary.core.pipeline;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A listener on a pipeline writing to ClickHouse 18.16: what it is told matches what landed. */
@ExtendWith(TestServers.class)
class PipelineListenerIT {

    private static final int TOTAL = 600;

    /**
     * Record {@code i}: every 20th (from 3) not JSON (DECODE), from 7 an id that is no number (MAPPING), from 11 a
     * name the table's MATERIALIZED {@code toUInt8(name)} refuses (INSERT); the rest good.
     */
    private static byte[] value(long i) {
        String text = switch ((int) (i % 20)) {
            case 3 -> "not json " + i;
            case 7 -> "{\"id\": \"abc\", \"name\": \"1\"}";
            case 11 -> "{\"id\": " + i + ", \"name\": \"x" + i + "\"}";
            default -> "{\"id\": " + i + ", \"name\": \"" + (i % 100) + "\"}";
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ClickHouseSink.Builder sink(ClickHouseServer clickhouse, String table) {
        return ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                .credentials(clickhouse.user(), clickhouse.password());
    }

    @Test
    void toldRowsAndErrorsAddUpToWhatLandedAndTheStatesComeInOrder(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS listened");
        sql.execute("DROP TABLE IF EXISTS listened_errors");
        sql.execute("CREATE TABLE listened (id UInt64, name String, n UInt8 MATERIALIZED toUInt8(name))"
                + " ENGINE = MergeTree ORDER BY id");
        long bad = TOTAL / 20;
        long good = TOTAL - 3 * bad;
        GeneratedSource source = new GeneratedSource(2, TOTAL, 50, PipelineListenerIT::value);
        PipelineListenerTest.Recording listener = new PipelineListenerTest.Recording();
        Pipeline pipeline = Pipeline.builder().name("listened").source(source).decoder(JsonDecoder.create())
                .sink(sink(clickhouse, "listened").maxRows(150).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).listener(listener).build();
        try (pipeline) {
            pipeline.start();
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == TOTAL);
        }
        List<String> events = List.copyOf(listener.events);
        assertEquals(List.of("state listened CREATED->RUNNING", "state listened RUNNING->STOPPING",
                "state listened STOPPING->STOPPED"), events.stream().filter(e -> e.startsWith("state")).toList());
        assertEquals("state listened STOPPING->STOPPED", events.get(events.size() - 1), "told before close() returned");

        assertEquals(good, sql.longValue("SELECT count() FROM listened"));
        assertEquals(good, listener.committedRows.get(), "the commits' rows add up to the rows inserted");
        assertTrue(listener.committedBytes.get() > 0, "bytes sent");
        assertTrue(listener.longestLatencyNanos.get() > 0, "an insert latency");
        for (ErrorKind kind : List.of(ErrorKind.DECODE, ErrorKind.MAPPING, ErrorKind.INSERT)) {
            assertEquals(bad, listener.errors.get(kind.ordinal()).get(), "error records told, " + kind);
            assertEquals(bad, sql.longValue("SELECT count() FROM listened_errors WHERE error_kind = '" + kind + "'"),
                    "error rows, " + kind);
        }
        assertEquals(good, pipeline.metrics().rowsInserted());
        assertEquals(3 * bad, pipeline.metrics().errorsTotal());
    }

    @Test
    void aPipelineThatFailsTellsItsRetriesThenTheFailureThenTheChangeToFailed(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS listened_guard");
        sql.execute("DROP TABLE IF EXISTS listened_guard_errors");
        sql.execute("CREATE TABLE listened_guard (id UInt64) ENGINE = MergeTree ORDER BY id");
        // An error table of the right columns that refuses every row (throwIf: code 395, retried until the budget ends).
        sql.execute("CREATE TABLE listened_guard_errors (time DateTime, pipeline String, split String, position String,"
                + " error_kind String, message String, raw_key Nullable(String), raw_value Nullable(String),"
                + " extra UInt8 MATERIALIZED throwIf(length(message) >= 0)) ENGINE = MergeTree ORDER BY time");
        GeneratedSource source = new GeneratedSource(1, 10, 100,
                i -> (i == 5 ? "{broken" : "{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        PipelineListenerTest.Recording listener = new PipelineListenerTest.Recording();
        Pipeline pipeline = Pipeline.builder().name("listened-guard").source(source).decoder(JsonDecoder.create())
                .sink(sink(clickhouse, "listened_guard").maxAge(Duration.ofMillis(200))
                        .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).retryBudget(Duration.ofSeconds(2)).build())
                .metricsLogInterval(Duration.ZERO).listener(listener).build();
        pipeline.start();
        PipelineException failure = assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofMinutes(1)));
        assertTrue(failure.getMessage().contains("error table"), failure.getMessage());

        List<String> events = List.copyOf(listener.events);
        assertEquals("state listened-guard CREATED->RUNNING", events.get(0), events.toString());
        assertEquals(List.of("failure listened-guard " + failure.getCause(), "state listened-guard RUNNING->FAILED"),
                events.subList(events.size() - 2, events.size()), "told before awaitTermination threw: " + events);
        List<String> retries = events.stream().filter(e -> e.startsWith("retry")).toList();
        assertTrue(!retries.isEmpty(), events.toString());
        assertTrue(retries.get(0).startsWith("retry listened-guard default.listened_guard_errors 1 "), retries.get(0));
        assertTrue(retries.get(0).contains("395"), "the cause, with the server's code: " + retries.get(0));
        assertTrue(events.stream().noneMatch(e -> e.startsWith("commit")), "nothing committed: " + events);
        assertEquals(Pipeline.State.FAILED, pipeline.state());
        assertEquals(0, source.committedCount());
    }
}
