package dev.tributary.chdb.contract;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.testing.GeneratedSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline end to end, on ClickHouse 18.16 over HTTP and on the 26.5 engine (moved from core's PipelineIT). */
class PipelineContractIT {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static ClickHouseSink.Builder sink(ContractTarget clickhouse, String table) {
        return clickhouse.sink(table);
    }

    private static Pipeline pipeline(String name, GeneratedSource source, ClickHouseSink sink) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create()).sink(sink)
                .metricsLogInterval(Duration.ZERO).build();
    }

    @BothTargets
    void aLoneRecordIsVisibleWithinMaxAgePlusOneSecond(ContractTarget clickhouse) throws Exception {
        ContractTarget sql = clickhouse;
        sql.execute("DROP TABLE IF EXISTS lone");
        sql.execute("CREATE TABLE lone (id UInt64) ENGINE = MergeTree ORDER BY id");
        GeneratedSource source = new GeneratedSource(1, 0, 100, i -> utf8("{\"id\":" + (i + 1) + "}"));
        Duration maxAge = Duration.ofSeconds(2);
        try (Pipeline pipeline = pipeline("lone", source, sink(clickhouse, "lone").maxAge(maxAge).build())) {
            pipeline.start();
            await("pipeline running", Duration.ofSeconds(30), () -> pipeline.state() == Pipeline.State.RUNNING);
            long sent = System.nanoTime();
            source.add(1);
            await("the record in ClickHouse", maxAge.plusSeconds(5), () -> sql.longValue("SELECT count() FROM lone") == 1);
            Duration visibleAfter = Duration.ofNanos(System.nanoTime() - sent);
            assertTrue(visibleAfter.compareTo(maxAge.plusSeconds(1)) <= 0, "visible after " + visibleAfter);
        }
    }

    @BothTargets
    void stopsWithoutCommittingWhenTheErrorTableCannotBeWritten(ContractTarget clickhouse) throws Exception {
        ContractTarget sql = clickhouse;
        sql.execute("DROP TABLE IF EXISTS guarded");
        sql.execute("DROP TABLE IF EXISTS guarded_errors");
        sql.execute("CREATE TABLE guarded (id UInt64) ENGINE = MergeTree ORDER BY id");
        // An error table with the right column names but a type no error row fits: every write fails.
        sql.execute("CREATE TABLE guarded_errors (time DateTime, pipeline String, split String, position String,"
                + " error_kind String, message String, raw_key Nullable(String), raw_value Nullable(String),"
                + " extra UInt8 MATERIALIZED throwIf(length(message) >= 0)) ENGINE = MergeTree ORDER BY time");
        GeneratedSource source = new GeneratedSource(1, 10, 100, i -> utf8(i == 5 ? "{broken" : "{\"id\":" + i + "}"));
        // throwIf's code (395) says nothing known about the rows: retried, until the retry budget ends.
        Pipeline pipeline = pipeline("guarded", source, sink(clickhouse, "guarded").maxAge(Duration.ofMillis(200))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200)).retryBudget(Duration.ofSeconds(2)).build());
        pipeline.start();
        PipelineException failure = assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofMinutes(1)));
        assertTrue(failure.getMessage().contains("error table"), failure.getMessage());
        assertEquals(Pipeline.State.FAILED, pipeline.state());
        assertEquals(0, source.committedCount(), "nothing committed");
    }

    @BothTargets
    void missingFieldsTakeTheZeroValueOrFailInStrictMode(ContractTarget clickhouse) throws Exception {
        ContractTarget sql = clickhouse;
        for (String table : List.of("lenient", "strict")) {
            sql.execute("DROP TABLE IF EXISTS " + table);
            sql.execute("DROP TABLE IF EXISTS " + table + "_errors");
            sql.execute("CREATE TABLE " + table + " (id UInt64, name String, n Nullable(Int32), d Date,"
                    + " computed UInt64 MATERIALIZED id * 2) ENGINE = MergeTree ORDER BY id");
        }
        for (boolean strict : List.of(false, true)) {
            String table = strict ? "strict" : "lenient";
            GeneratedSource source = new GeneratedSource(1, 2, 100, i -> utf8(i == 0 ? "{\"id\":1}" : "{\"id\":2,\"name\":null}"));
            try (Pipeline pipeline = Pipeline.builder().name(table).source(source).decoder(JsonDecoder.create())
                    .mapper(DefaultSchemaMapper.builder().strict(strict).build())
                    .sink(sink(clickhouse, table).maxAge(Duration.ofMillis(200)).build())
                    .metricsLogInterval(Duration.ZERO).build()) {
                pipeline.start();
                await("records committed", Duration.ofMinutes(1), () -> source.committedCount() == 2);
            }
        }
        assertEquals(List.of(Arrays.asList("1", "", null, "0", "2"), Arrays.asList("2", "", null, "0", "4")),
                sql.rows("SELECT id, name, n, toUInt16(d), computed FROM lenient ORDER BY id"));
        assertEquals(0, sql.longValue("SELECT count() FROM strict"));
        List<List<String>> errors = sql.rows("SELECT error_kind, message FROM strict_errors ORDER BY position");
        assertEquals(2, errors.size());
        assertEquals(ErrorKind.MAPPING.name(), errors.get(0).get(0));
        assertTrue(errors.get(0).get(1).contains("column name: missing value"), errors.get(0).get(1));
        assertTrue(errors.get(1).get(1).contains("column name: null value"), errors.get(1).get(1));
    }

    @BothTargets
    void failsAtStartWhenTheTableIsMissing(ContractTarget clickhouse) {
        GeneratedSource source = new GeneratedSource(1, 1, 10, i -> utf8("{}"));
        Pipeline pipeline = pipeline("missing", source, sink(clickhouse, "no_such_table_anywhere").build());
        pipeline.start();
        PipelineException failure = assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofMinutes(1)));
        assertInstanceOf(IllegalStateException.class, failure.getCause());
        assertTrue(failure.getMessage().contains("default.no_such_table_anywhere does not exist"), failure.getMessage());
    }
}
