package dev.tributary.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServers.class)
class ChDbIT {

    @Test
    void reportsItsVersion(ChDb chdb) {
        assertTrue(chdb.version().startsWith("26.5."), chdb.version());
    }

    @Test
    void givesTheEnginesRowBinaryEncoding(ChDb chdb) {
        assertArrayEquals(HexFormat.of().parseHex("ffffffff"), chdb.rowBinary("-1", "Int32"));
        assertArrayEquals(HexFormat.of().parseHex("0568656c6c6f"), chdb.rowBinary("'hello'", "String"));
        assertArrayEquals(HexFormat.of().parseHex("01"), chdb.rowBinary("NULL", "Nullable(UInt8)"));
        // 2^255 - 1: the top bit of the last (little-endian) byte is clear, all others set.
        byte[] int256Max = chdb.rowBinary("'57896044618658097711785492504343953926634992332820282019728792003956564819967'", "Int256");
        assertEquals(32, int256Max.length);
        assertEquals((byte) 0x7f, int256Max[31]);
    }

    @Test
    void roundTripsRowBinaryRowsThroughATable(ChDb chdb) {
        chdb.query("CREATE TABLE IF NOT EXISTS roundtrip (id UInt32, at DateTime64(3, 'Asia/Shanghai'), name Nullable(String))"
                + " ENGINE = MergeTree ORDER BY id", "TabSeparated");
        chdb.query("TRUNCATE TABLE roundtrip", "TabSeparated");
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        rows.writeBytes(chdb.rowBinary("7", "UInt32"));
        rows.writeBytes(chdb.rowBinary("'2024-02-29 12:34:56.789'", "DateTime64(3, 'Asia/Shanghai')"));
        rows.writeBytes(chdb.rowBinary("'Grüße'", "Nullable(String)"));

        chdb.insertRowBinary("roundtrip", rows.toByteArray());

        String json = chdb.queryText("SELECT id, at, name FROM roundtrip", "JSONEachRow").trim();
        assertEquals("{\"id\":7,\"at\":\"2024-02-29 12:34:56.789\",\"name\":\"Grüße\"}", json);
        assertArrayEquals(rows.toByteArray(), chdb.query("SELECT * FROM roundtrip", "RowBinary"));
    }

    /**
     * Every byte value in String values, including the pair "\n\n" at which the engine ends data sent
     * inline after the SQL ("Cannot read all data" before inserts went through a file), reads back unchanged.
     */
    @Test
    void insertsEveryByteValueWithoutLoss(ChDb chdb) {
        chdb.query("DROP TABLE IF EXISTS every_byte", "TabSeparated");
        chdb.query("CREATE TABLE every_byte (id UInt32, s String) ENGINE = MergeTree ORDER BY id", "TabSeparated");
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        int id = 0;
        for (int first = 0; first < 256; first++) {
            for (int second = 0; second < 256; second++) {
                rows.writeBytes(new byte[] {(byte) id, (byte) (id >>> 8), (byte) (id >>> 16), (byte) (id >>> 24)});
                id++;
                rows.writeBytes(new byte[] {2, (byte) first, (byte) second});
            }
        }
        byte[] data = rows.toByteArray();

        chdb.insertRowBinary("every_byte", data);

        assertArrayEquals(data, chdb.query("SELECT id, s FROM every_byte ORDER BY id", "RowBinary"));
    }

    @Test
    void reportsQueryErrors(ChDb chdb) {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> chdb.query("SELECT * FROM no_such_table_here", "TabSeparated"));
        assertTrue(error.getMessage().contains("no_such_table_here"), error.getMessage());
    }

    /**
     * The JVM turns SIGSEGV into NullPointerException; if chdb_connect's handlers were left in place
     * this loop would hang or crash the JVM.
     */
    @Test
    void leavesTheJvmSignalHandlersWorking(ChDb chdb) {
        chdb.version();
        int caught = 0;
        for (int i = 0; i < 200_000; i++) {
            try {
                nullString(i).length();
            } catch (NullPointerException expected) {
                caught++;
            }
        }
        assertEquals(200_000, caught);
        assertEquals("ok", new String(chdb.query("SELECT 'ok'", "TabSeparatedRaw"), StandardCharsets.UTF_8).trim());
    }

    private static String nullString(int i) {
        return i < 0 ? "never" : null;
    }
}
