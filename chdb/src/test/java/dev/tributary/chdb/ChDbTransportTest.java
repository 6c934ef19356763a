package dev.tributary.chdb;

import dev.tributary.core.clickhouse.ClickHouseException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The embedded transport against the real chDB 26.5 engine in this JVM. */
class ChDbTransportTest {

    private static ChDbTransport chdb;

    @BeforeAll
    static void open() {
        chdb = TestEngine.open();
    }

    @AfterAll
    static void close() {
        chdb.close();
    }

    private static String text(byte[] output) {
        return new String(output, StandardCharsets.UTF_8).trim();
    }

    private static void table(String name, String definition) throws ClickHouseException {
        chdb.execute("DROP TABLE IF EXISTS " + name);
        chdb.execute("CREATE TABLE " + name + " " + definition);
    }

    /** One RowBinary row (UInt32 id, String s). */
    private static void row(ByteArrayOutputStream rows, int id, byte[] value) {
        rows.write(id);
        rows.write(id >>> 8);
        rows.write(id >>> 16);
        rows.write(id >>> 24);
        int length = value.length;
        while (length >= 0x80) { // LEB128 length
            rows.write((length & 0x7f) | 0x80);
            length >>>= 7;
        }
        rows.write(length);
        rows.writeBytes(value);
    }

    @Test
    void reportsTheModernEngineVersion() throws ClickHouseException {
        assertTrue(text(chdb.query("SELECT version() FORMAT TabSeparated")).startsWith("26.5."));
        assertTrue(chdb.describe().startsWith("embedded chDB 26.5.3 at "), chdb.describe());
        assertTrue(chdb.describe().contains(TestEngine.DATA_PATH.toString()), chdb.describe());
    }

    /**
     * Every byte value, alone, in all 65,536 ordered pairs (which include "\n\n", where the engine ends
     * data sent inline after the SQL) and all together, lands in String values and reads back unchanged.
     */
    @Test
    void passesEveryByteValueWithoutLoss() throws ClickHouseException {
        table("every_byte", "(id UInt32, s String) ENGINE = MergeTree ORDER BY id");
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        int id = 0;
        for (int b = 0; b < 256; b++) {
            row(rows, id++, new byte[] {(byte) b});
        }
        for (int first = 0; first < 256; first++) {
            for (int second = 0; second < 256; second++) {
                row(rows, id++, new byte[] {(byte) first, (byte) second});
            }
        }
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
        }
        row(rows, id++, all);
        byte[] data = rows.toByteArray();

        chdb.insert("`every_byte`", List.of(), data, 0, data.length, "RowBinary", "q-every-byte", Map.of());

        assertEquals(String.valueOf(id), text(chdb.query("SELECT count() FROM every_byte FORMAT TabSeparated")));
        byte[] readBack = chdb.query("SELECT id, s FROM every_byte ORDER BY id FORMAT RowBinary");
        assertEquals(HexFormat.of().formatHex(data), HexFormat.of().formatHex(readBack));
    }

    /** A row whose bytes after "\n\n" read as SQL is a row, never a statement (inline data ran it). */
    @Test
    void dataIsNeverRunAsSql() throws ClickHouseException {
        table("victim", "(a String) ENGINE = Memory");
        table("rows_with_sql", "(id UInt32, s String) ENGINE = Memory");
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        row(rows, 1, "x".getBytes(StandardCharsets.UTF_8));
        String sql = "\n\nDROP TABLE victim";
        rows.writeBytes(sql.substring(0, 4).getBytes(StandardCharsets.US_ASCII)); // id 0x52440a0a
        rows.write('O'); // a String of 79 bytes: the rest of the statement and spaces
        rows.writeBytes((sql.substring(5) + " ".repeat('O' - sql.substring(5).length())).getBytes(StandardCharsets.US_ASCII));
        byte[] data = rows.toByteArray();

        chdb.insert("`rows_with_sql`", List.of(), data, 0, data.length, "RowBinary", "q-sql", Map.of());

        assertEquals("1", text(chdb.query("EXISTS TABLE victim FORMAT TabSeparated")));
        assertEquals("1\tx\t1\n1380190730\tP TABLE victim\t79", text(chdb.query(
                "SELECT id, trimRight(s), length(s) FROM rows_with_sql ORDER BY id FORMAT TabSeparated")));
    }

    @Test
    void insertsOnlyTheGivenSliceOfTheArray() throws ClickHouseException {
        table("slice", "(id UInt32, s String) ENGINE = Memory");
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        rows.writeBytes(new byte[] {(byte) 0xde, (byte) 0xad}); // not part of the data
        row(rows, 7, "\n\nseven".getBytes(StandardCharsets.UTF_8));
        rows.write(0xff); // nor this
        byte[] buffer = rows.toByteArray();

        chdb.insert("`slice`", List.of("`id`", "`s`"), buffer, 2, buffer.length - 3, "RowBinary", "q-slice", Map.of());

        assertEquals("7\t\\n\\nseven", text(chdb.query("SELECT id, s FROM slice FORMAT TabSeparated")));
    }

    @Test
    void executesQueriesAndInsertsRoundTrip() throws ClickHouseException {
        table("round_trip", "(id UInt32, s String) ENGINE = MergeTree ORDER BY id");
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        row(rows, 1, "one".getBytes(StandardCharsets.UTF_8));
        row(rows, 2, "Grüße".getBytes(StandardCharsets.UTF_8));
        byte[] data = rows.toByteArray();

        chdb.insert("`round_trip`", List.of("`id`", "`s`"), data, 0, data.length, "RowBinary", "q-rt", Map.of());

        assertEquals("{\"id\":1,\"s\":\"one\"}\n{\"id\":2,\"s\":\"Grüße\"}",
                text(chdb.query("SELECT id, s FROM round_trip ORDER BY id FORMAT JSONEachRow")));
        assertEquals("id\tUInt32\ns\tString", text(chdb.query(
                "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = 'round_trip'"
                        + " ORDER BY position FORMAT TabSeparated")));
    }

    @Test
    void rowBinaryWithDefaultsFillsDefaultsAndSkipsComputedColumns() throws ClickHouseException {
        table("defaults", "(id UInt32, s String DEFAULT concat('id-', toString(id)), m UInt32 MATERIALIZED id * 10,"
                + " a UInt32 ALIAS id + 1) ENGINE = MergeTree ORDER BY id");
        // id = 5 given (flag 0 + value), s left to its DEFAULT (flag 1).
        byte[] data = {0, 5, 0, 0, 0, 1};

        chdb.insert("`defaults`", List.of("`id`", "`s`"), data, 0, data.length, "RowBinaryWithDefaults", "q-def",
                Map.of("async_insert", "0"));

        assertEquals("5\tid-5\t50\t6", text(chdb.query("SELECT id, s, m, a FROM defaults FORMAT TabSeparated")));
    }

    /** The file's structure is the named columns in the order named, not the table's order. */
    @Test
    void readsTheColumnsInTheOrderTheInsertNamesThem() throws ClickHouseException {
        table("reordered", "(id UInt32, s String, n UInt8 DEFAULT 7) ENGINE = MergeTree ORDER BY id");
        // s = "ab", then id = 9; n is not named and takes its DEFAULT.
        byte[] data = {2, 'a', 'b', 9, 0, 0, 0};

        chdb.insert("`reordered`", List.of("`s`", "`id`"), data, 0, data.length, "RowBinary", "q-order",
                Map.of("async_insert", "0"));

        assertEquals("9\tab\t7", text(chdb.query("SELECT id, s, n FROM reordered FORMAT TabSeparated")));
    }

    @Test
    void appliesPerInsertSettingsSuchAsTheDeduplicationToken() throws ClickHouseException {
        table("dedup", "(id UInt32, s String) ENGINE = MergeTree ORDER BY id"
                + " SETTINGS non_replicated_deduplication_window = 100");
        Map<String, String> settings = Map.of("insert_deduplication_token", "batch 'forty-two' \\ 42", "async_insert", "0",
                "insert_deduplicate", "1");
        for (int i = 1; i <= 3; i++) {
            ByteArrayOutputStream rows = new ByteArrayOutputStream();
            row(rows, i, "try".getBytes(StandardCharsets.UTF_8)); // different bytes, one token
            byte[] data = rows.toByteArray();
            chdb.insert("`dedup`", List.of(), data, 0, data.length, "RowBinary", "q-dedup-" + i, settings);
        }
        assertEquals("1", text(chdb.query("SELECT count() FROM dedup FORMAT TabSeparated")));
    }

    @Test
    void anUnknownTableFailsWithCode60() {
        ClickHouseException select = assertThrows(ClickHouseException.class,
                () -> chdb.query("SELECT * FROM no_such_table FORMAT TabSeparated"));
        assertEquals(60, select.code());
        assertEquals(0, select.httpStatus());
        assertTrue(select.getMessage().contains("no_such_table"), select.getMessage());

        byte[] data = {1, 0, 0, 0};
        ClickHouseException insert = assertThrows(ClickHouseException.class,
                () -> chdb.insert("`no_such_table`", List.of(), data, 0, data.length, "RowBinary", "q-unknown", Map.of()));
        assertEquals(60, insert.code());
        assertTrue(insert.getMessage().contains("q-unknown"), insert.getMessage());
    }

    @Test
    void badDataFailsWithTheEnginesDataCode() throws ClickHouseException {
        table("bad_data", "(id UInt32, s String) ENGINE = Memory");
        byte[] truncated = {1, 0, 0, 0, 9, 'a', 'b'}; // a String of 9 bytes with 2 present
        ClickHouseException error = assertThrows(ClickHouseException.class,
                () -> chdb.insert("`bad_data`", List.of(), truncated, 0, truncated.length, "RowBinary", "q-bad", Map.of()));
        assertEquals(33, error.code(), error.getMessage()); // CANNOT_READ_ALL_DATA
        assertEquals("0", text(chdb.query("SELECT count() FROM bad_data FORMAT TabSeparated")));

        ClickHouseException syntax = assertThrows(ClickHouseException.class, () -> chdb.execute("CREATE TABLE ("));
        assertEquals(62, syntax.code()); // SYNTAX_ERROR
    }

    @Test
    void anEmptyInsertInsertsNothing() throws ClickHouseException {
        table("empty_insert", "(id UInt32) ENGINE = Memory");
        chdb.insert("`empty_insert`", List.of(), new byte[0], 0, 0, "RowBinary", "q-empty", Map.of());
        assertEquals("0", text(chdb.query("SELECT count() FROM empty_insert FORMAT TabSeparated")));
    }

    @Test
    void refusesSettingNamesThatAreNotIdentifiers() {
        byte[] data = {1, 0, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> chdb.insert("`x`", List.of(), data, 0, data.length,
                "RowBinary", "q", Map.of("a = 1, b", "2")));
    }

    @Test
    void concurrentCallersAreSerialisedWithoutLoss() throws Exception {
        table("concurrent", "(id UInt32, s String) ENGINE = MergeTree ORDER BY id");
        int threads = 4;
        int insertsPerThread = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < insertsPerThread; i++) {
                        ByteArrayOutputStream rows = new ByteArrayOutputStream();
                        row(rows, thread * 1000 + i, ("t" + thread + "\n\n" + i).getBytes(StandardCharsets.UTF_8));
                        byte[] data = rows.toByteArray();
                        chdb.insert("`concurrent`", List.of(), data, 0, data.length, "RowBinary", "q-c", Map.of());
                        chdb.query("SELECT count() FROM concurrent FORMAT TabSeparated");
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(threads * insertsPerThread + "\t" + threads * insertsPerThread, text(chdb.query(
                "SELECT count(), uniqExact(s) FROM concurrent WHERE position(s, '\\n\\n') > 0 FORMAT TabSeparated")));
    }

    @Test
    void transportsOnOneDataPathShareTheEngineAndAnotherPathIsRefused() throws ClickHouseException {
        table("shared", "(id UInt32) ENGINE = MergeTree ORDER BY id");
        chdb.execute("INSERT INTO shared VALUES (1)");
        try (ChDbTransport second = TestEngine.open()) {
            assertEquals("1", text(second.query("SELECT count() FROM shared FORMAT TabSeparated")));
        }
        // closing the second one leaves the engine open for the first
        assertEquals("1", text(chdb.query("SELECT count() FROM shared FORMAT TabSeparated")));

        IllegalStateException other = assertThrows(IllegalStateException.class,
                () -> ChDbTarget.builder().dataPath(TestEngine.DATA_PATH.resolveSibling("other-chdb")).build().open());
        assertTrue(other.getMessage().contains("one data path per process"), other.getMessage());
    }

    /** The JVM turns SIGSEGV into NullPointerException: it still can after the engine connected. */
    @Test
    void leavesTheJvmSignalHandlersWorking() throws ClickHouseException {
        int caught = 0;
        for (int i = 0; i < 200_000; i++) {
            try {
                nullString(i).length();
            } catch (NullPointerException expected) {
                caught++;
            }
        }
        assertEquals(200_000, caught);
        assertEquals("ok", text(chdb.query("SELECT 'ok' FORMAT TabSeparatedRaw")));
    }

    private static String nullString(int i) {
        return i < 0 ? "never" : null;
    }

    @Test
    void aClosedTransportRefusesStatements() throws ClickHouseException {
        ChDbTransport second = TestEngine.open();
        second.close();
        ClickHouseException error = assertThrows(ClickHouseException.class, () -> second.execute("SELECT 1"));
        assertTrue(error.getMessage().contains("closed"), error.getMessage());
        assertFalse(text(chdb.query("SELECT 1 FORMAT TabSeparated")).isEmpty());
    }
}
