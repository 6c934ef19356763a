package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The error table's DDL on a modern engine (chDB 26.5): created with a TTL that really expires old
 * error rows, and without one when the TTL is turned off; and on 18.16 (no table TTL) without one.
 */
@ExtendWith(TestServers.class)
class ErrorTableChDbTest {

    private static final Duration SEVEN_DAYS = Duration.ofDays(7);

    private static byte[] errorRow(long timeMillis, long offset) {
        RowBinaryOutput out = new RowBinaryOutput();
        TestRecord record = new TestRecord(new TestRecord.Position("s0", offset), "k".getBytes(StandardCharsets.UTF_8),
                "{broken".getBytes(StandardCharsets.UTF_8), timeMillis);
        ErrorTable.encode(new ErrorRecord(timeMillis, record, ErrorKind.DECODE, "malformed"), "p", out);
        return out.toByteArray();
    }

    @Test
    void theErrorTableTtlExpiresOldRowsOnAModernEngine(ChDb chdb) {
        ServerVersion version = ServerVersion.parse(chdb.version());
        chdb.query("DROP TABLE IF EXISTS default.ttl_errors", "TabSeparated");
        chdb.query(ErrorTable.createStatement("default", "ttl_errors", SEVEN_DAYS, version), "TabSeparated");
        String ddl = chdb.queryText("SELECT engine_full FROM system.tables WHERE database = 'default' AND name = 'ttl_errors'",
                "TabSeparated");
        assertTrue(ddl.contains("TTL time + toIntervalSecond(604800)"), ddl);

        long now = System.currentTimeMillis();
        chdb.insertRowBinary("default.ttl_errors", errorRow(now - Duration.ofDays(8).toMillis(), 1));
        chdb.insertRowBinary("default.ttl_errors", errorRow(now, 2));
        chdb.query("OPTIMIZE TABLE default.ttl_errors FINAL", "TabSeparated");
        assertEquals("s0@2", chdb.queryText("SELECT position FROM default.ttl_errors", "TabSeparated").trim(),
                "the 8-day-old row expired, the new one stays");
    }

    @Test
    void noTtlWhenTurnedOffOrOnAServerWithoutTableTtl(ChDb chdb) {
        ServerVersion version = ServerVersion.parse(chdb.version());
        chdb.query("DROP TABLE IF EXISTS default.kept_errors", "TabSeparated");
        chdb.query(ErrorTable.createStatement("default", "kept_errors", Duration.ZERO, version), "TabSeparated");
        String ddl = chdb.queryText("SELECT engine_full FROM system.tables WHERE database = 'default' AND name = 'kept_errors'",
                "TabSeparated");
        assertFalse(ddl.contains("TTL"), ddl);

        ServerVersion old = ServerVersion.parse("18.16.1");
        assertFalse(old.supportsTableTtl());
        assertTrue(ServerVersion.parse("19.6.2").supportsTableTtl());
        assertFalse(ErrorTable.createStatement("default", "e", SEVEN_DAYS, old).contains("TTL"));
    }
}
