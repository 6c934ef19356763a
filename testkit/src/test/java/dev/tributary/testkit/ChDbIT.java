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

    /**
     * Well-formed RowBinary whose second row begins with "\n\n" and reads on as SQL: sent inline after
     * the SQL, the engine inserted the first row and ran the rest, "DROP TABLE victim", as a statement.
     */
    @Test
    void dataIsNeverRunAsSql(ChDb chdb) {
        chdb.query("DROP TABLE IF EXISTS victim", "TabSeparated");
        chdb.query("CREATE TABLE victim (a String) ENGINE = Memory", "TabSeparated");
        chdb.query("DROP TABLE IF EXISTS rows_with_sql", "TabSeparated");
        chdb.query("CREATE TABLE rows_with_sql (id UInt32, s String) ENGINE = Memory", "TabSeparated");
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        rows.writeBytes(new byte[] {1, 0, 0, 0, 1, 'x'});
        String rest = "P TABLE victim" + " ".repeat('O' - "P TABLE victim".length());
        rows.writeBytes("\n\nDR".getBytes(StandardCharsets.US_ASCII)); // id 0x52440a0a
        rows.write('O'); // a String of 79 bytes
        rows.writeBytes(rest.getBytes(StandardCharsets.US_ASCII));

        chdb.insertRowBinary("rows_with_sql", rows.toByteArray());

        assertEquals("1", chdb.queryText("EXISTS TABLE victim", "TabSeparated").trim());
        assertEquals("1\tx\t1\n1380190730\tP TABLE victim\t79", chdb.queryText(
                "SELECT id, trimRight(s), length(s) FROM rows_with_sql ORDER BY id", "TabSeparated").trim());
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
