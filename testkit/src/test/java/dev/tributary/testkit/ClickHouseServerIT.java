package dev.tributary.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServers.class)
class ClickHouseServerIT {

    @Test
    void createsInsertsAndSelects(ClickHouseServer clickhouse) {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS smoke");
        sql.execute("CREATE TABLE smoke (id UInt32, name String, tags Array(String), maybe Nullable(Int64))"
                + " ENGINE = MergeTree ORDER BY id");
        sql.execute("INSERT INTO smoke VALUES (1, 'a\\tb', ['x', 'y'], NULL), (2, 'Grüße', [], -5)");

        List<List<String>> rows = sql.rows("SELECT id, name, tags, maybe FROM smoke ORDER BY id");

        assertEquals(List.of(
                java.util.Arrays.asList("1", "a\tb", "['x','y']", null),
                List.of("2", "Grüße", "[]", "-5")), rows);
        assertEquals(2, sql.longValue("SELECT count() FROM smoke"));
        assertFalse(sql.version().isBlank());
    }

    @Test
    void insertsRowBinaryOverHttp(ClickHouseServer clickhouse) {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS smoke_binary");
        sql.execute("CREATE TABLE smoke_binary (id UInt32, name String) ENGINE = MergeTree ORDER BY id");
        byte[] name = "tributary".getBytes(StandardCharsets.UTF_8);
        ByteBuffer row = ByteBuffer.allocate(4 + 1 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        row.putInt(42).put((byte) name.length).put(name);

        sql.insert("smoke_binary", "RowBinary", row.array());

        assertEquals(List.of(List.of("42", "tributary")), sql.rows("SELECT id, name FROM smoke_binary"));
    }

    @Test
    void reportsServerErrorsWithTheirMessage(ClickHouseServer clickhouse) {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> clickhouse.sql().rows("SELECT * FROM no_such_table"));
        assertTrue(error.getMessage().contains("no_such_table"), error.getMessage());
    }

    @Test
    void restartsWithItsData(TestkitPaths paths) {
        // A server of its own, so that stopping it does not disturb the shared one.
        try (ClickHouseServer clickhouse = ClickHouseServer.start(paths)) {
            clickhouse.sql().execute("CREATE TABLE kept (id UInt8) ENGINE = MergeTree ORDER BY id");
            clickhouse.sql().execute("INSERT INTO kept VALUES (7)");
            long pid = clickhouse.pid();

            clickhouse.stop();
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopped by its pid");
            clickhouse.start();

            assertEquals("7", clickhouse.sql().value("SELECT id FROM kept"));
        }
    }
}
