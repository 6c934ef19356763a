package dev.tributary.core.clickhouse;

import dev.tributary.core.SinkContext;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The error table on the real 18.16 server: created without a TTL (18.16 has none), checked by column type. */
@ExtendWith(TestServers.class)
class ErrorTableIT {

    private static ClickHouseSink sink(ClickHouseServer clickhouse, String table) {
        return ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                .credentials(clickhouse.user(), clickhouse.password()).build();
    }

    private static SinkContext context() {
        MetricsRecorder metrics = MetricsRecorder.NONE;
        return new SinkContext() {
            @Override
            public String pipelineName() {
                return "error-table-it";
            }

            @Override
            public MetricsRecorder metrics() {
                return metrics;
            }
        };
    }

    private static void recreate(ClickHouseSql sql, String table) {
        sql.execute("DROP TABLE IF EXISTS " + table);
        sql.execute("DROP TABLE IF EXISTS " + table + "_errors");
        sql.execute("CREATE TABLE " + table + " (id UInt64) ENGINE = MergeTree ORDER BY id");
    }

    @Test
    void anExistingErrorTableWithAWrongColumnTypeIsRefusedAtOpenNamingTheColumnAndTheFix(ClickHouseServer clickhouse) {
        ClickHouseSql sql = clickhouse.sql();
        recreate(sql, "typed");
        // The right names, but raw_value cannot hold NULL (a tombstone's value): error rows would be garbled.
        sql.execute("CREATE TABLE typed_errors (time DateTime, pipeline String, split String, position String,"
                + " error_kind String, message String, raw_key Nullable(String), raw_value String)"
                + " ENGINE = MergeTree ORDER BY time");
        try (ClickHouseSink sink = sink(clickhouse, "typed")) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> sink.open(context()));
            String message = error.getMessage();
            assertTrue(message.contains("default.typed_errors"), message);
            assertTrue(message.contains("raw_value"), message);
            assertTrue(message.contains("has type String"), message);
            assertTrue(message.contains("expected Nullable(String)"), message);
            assertTrue(message.contains("ALTER TABLE"), message);
        }
    }

    @Test
    void anExistingErrorTableWithCompatibleTypesIsAccepted(ClickHouseServer clickhouse) {
        ClickHouseSql sql = clickhouse.sql();
        recreate(sql, "compatible");
        // Same bytes in RowBinary: a time zone on the DateTime, LowCardinality strings, an extra column with a default.
        sql.execute("CREATE TABLE compatible_errors (time DateTime('UTC'), pipeline LowCardinality(String), split String,"
                + " position String, error_kind LowCardinality(String), message String, raw_key Nullable(String),"
                + " raw_value Nullable(String), note String DEFAULT 'x') ENGINE = MergeTree ORDER BY time");
        try (ClickHouseSink sink = sink(clickhouse, "compatible")) {
            assertEquals("compatible", sink.open(context()).table());
        }
    }

    @Test
    void on1816TheErrorTableIsCreatedWithoutATtlAndThatIsLoggedOnce(ClickHouseServer clickhouse) {
        ClickHouseSql sql = clickhouse.sql();
        recreate(sql, "no_ttl");
        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (ClickHouseSink sink = sink(clickhouse, "no_ttl")) {
            sink.open(context());
        } finally {
            System.setErr(stderr);
        }
        String logs = captured.toString(StandardCharsets.UTF_8);
        stderr.print(logs);
        assertEquals(1, sql.longValue("SELECT count() FROM system.tables WHERE database = 'default' AND name = 'no_ttl_errors'"));
        assertFalse(sql.value("SHOW CREATE TABLE no_ttl_errors").contains("TTL"));
        assertEquals(1, logs.split("cannot set a TTL", -1).length - 1, logs);
        assertTrue(logs.contains("ClickHouse 18.16"), logs);
    }
}
