package dev.tributary.testkit;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SideBySideTest {

    private static final String ERRORS_OF_A = "SELECT pipeline, split, position, error_kind, replaceAll(message, 'a', '<table>'),"
            + " raw_key, raw_value FROM a_errors ORDER BY split, position";
    private static final String ERRORS_OF_B = ERRORS_OF_A.replace("'a'", "'b'").replace("a_errors", "b_errors");

    /** Answers the queries it knows; any other fails as a query on a missing table does. */
    private static final class Tables implements SideBySide.Rows {
        final Map<String, List<List<String>>> answers = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        Tables answer(String sql, List<List<String>> rows) {
            answers.put(sql, rows);
            return this;
        }

        @Override
        public List<List<String>> rows(String sql) {
            asked.add(sql);
            List<List<String>> rows = answers.get(sql);
            if (rows == null) {
                throw new IllegalStateException("Table does not exist: " + sql);
            }
            return rows;
        }
    }

    @Test
    void countIsMinusOneWhileTheTableDoesNotExist() {
        Tables db = new Tables().answer("SELECT count() FROM t", List.of(List.of("42")));
        assertEquals(42, SideBySide.count(db, "t"));
        assertEquals(-1, SideBySide.count(db, "t_errors"));
    }

    @Test
    void sameRowsReturnsTheExpectedOnesAndFailsOnADifferenceOrAnotherCount() {
        List<List<String>> rows = List.of(List.of("1", "x"), List.of("2", "y"));
        Tables db = new Tables().answer("SELECT * FROM a", rows).answer("SELECT * FROM b", rows)
                .answer("SELECT * FROM c", List.of(List.of("1", "x"), List.of("2", "z")));
        assertEquals(rows, SideBySide.assertSameRows(db, "SELECT * FROM %s", "a", "b", 2));
        assertThrows(AssertionError.class, () -> SideBySide.assertSameRows(db, "SELECT * FROM %s", "a", "b", 3));
        assertThrows(AssertionError.class, () -> SideBySide.assertSameRows(db, "SELECT * FROM %s", "a", "c", 2));
    }

    @Test
    void sameErrorsMasksEachTablesOwnNameAndFailsOnADifference() {
        List<List<String>> errors = List.of(List.of("p", "s", "7", "DECODE", "into <table>: bad", "k", "v"));
        Tables db = new Tables().answer(ERRORS_OF_A, errors).answer(ERRORS_OF_B, errors);
        assertEquals(errors, SideBySide.assertSameErrors(db, "a", "b", 1));
        assertEquals(List.of(ERRORS_OF_A, ERRORS_OF_B), db.asked);
        db.answer(ERRORS_OF_B, List.of(List.of("p", "s", "8", "DECODE", "into <table>: bad", "k", "v")));
        assertThrows(AssertionError.class, () -> SideBySide.assertSameErrors(db, "a", "b", 1));
    }

    @Test
    void awaitsEachTableAndItsErrorTable() throws InterruptedException {
        Tables db = new Tables().answer("SELECT count() FROM a", List.of(List.of("3")))
                .answer("SELECT count() FROM b", List.of(List.of("3"))).answer("SELECT count() FROM b_errors", List.of(List.of("1")));
        // a_errors appears, as a sink creates it, only after a few polls.
        SideBySide.Rows late = sql -> {
            if (sql.equals("SELECT count() FROM a_errors") && db.asked.size() > 5) {
                db.answer(sql, List.of(List.of("1")));
            }
            return db.rows(sql);
        };
        SideBySide.awaitRowsAndErrors(3, 1, late, "a", "b");
        assertEquals("SELECT count() FROM b_errors", db.asked.get(db.asked.size() - 1));
    }
}
