package dev.tributary.testkit;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Comparing two pipelines that ran side by side (one built from a properties file, one with the builders)
 * by what they wrote: each {@code *FromPropertiesIT} waits for both tables and their {@code <table>_errors}
 * tables to be complete, then asserts the rows and the error rows are equal. Kept here once so every module
 * compares the same way, on a ClickHouse server ({@code ClickHouseSql::rows}) or in the embedded engine
 * ({@code ChDb::rows}).
 */
public final class SideBySide {

    /** What a test queries: {@link ClickHouseSql#rows} and {@link ChDb#rows} both fit. */
    @FunctionalInterface
    public interface Rows {
        List<List<String>> rows(String sql);
    }

    /**
     * The error rows' columns in a fixed order; the table's name masked in the message, since the two pipelines
     * write to tables of different names.
     */
    private static final String ERRORS = "SELECT pipeline, split, position, error_kind, replaceAll(message, '%1$s', '<table>'),"
            + " raw_key, raw_value FROM %1$s_errors ORDER BY split, position";

    private SideBySide() {
    }

    /**
     * Waits (a minute at most) until each of {@code tables} holds {@code rows} rows and its {@code <table>_errors}
     * table {@code errors} rows.
     */
    public static void awaitRowsAndErrors(long rows, long errors, Rows db, String... tables) throws InterruptedException {
        for (String table : tables) {
            Await.await(table + ": " + rows + " rows and " + errors + " error rows", Duration.ofMinutes(1),
                    () -> count(db, table) == rows && count(db, table + "_errors") == errors);
        }
    }

    /** The number of rows in {@code table}, or -1 while it does not exist (a sink creates its error table at start). */
    public static long count(Rows db, String table) {
        try {
            return Long.parseLong(db.rows("SELECT count() FROM " + table).get(0).get(0));
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /**
     * Asserts that {@code select} (its {@code %s} the table) gives {@code count} rows on {@code expectedTable} and the
     * same rows, in the same order, on {@code actualTable}.
     *
     * @return the expected rows, for a test's further assertions
     */
    public static List<List<String>> assertSameRows(Rows db, String select, String expectedTable, String actualTable,
                                                    long count) {
        return same(db, select, expectedTable, actualTable, count, "rows");
    }

    /**
     * Asserts that {@code <expectedTable>_errors} holds {@code count} error rows and {@code <actualTable>_errors} the
     * same ones (pipeline, split, position, kind, message with the table's name masked, raw key and value), in the
     * same order.
     *
     * @return the expected error rows (the masked message is column 4), for a test's further assertions
     */
    public static List<List<String>> assertSameErrors(Rows db, String expectedTable, String actualTable, long count) {
        return same(db, ERRORS, expectedTable, actualTable, count, "error rows");
    }

    private static List<List<String>> same(Rows db, String select, String expectedTable, String actualTable, long count,
                                           String what) {
        List<List<String>> expected = db.rows(String.format(select, expectedTable));
        assertEquals(count, expected.size(), () -> what + " of " + expectedTable);
        assertEquals(expected, db.rows(String.format(select, actualTable)),
                () -> what + " of " + actualTable + " against those of " + expectedTable);
        return expected;
    }
}
