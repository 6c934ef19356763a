package dev.tributary.kafka.reliability;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One input of the bad-input corpus and what must become of it. Format-neutral: the value is the
 * raw bytes of a Kafka record, so JSON cases and (later) Avro cases share this type and
 * {@link BadInputCorpusIT}'s checks.
 *
 * @param name    what the case is, for messages
 * @param key     the record's key bytes, or null
 * @param value   the record's value bytes, or null for a tombstone
 * @param outcome where the record must end up
 */
record CorpusCase(String name, byte[] key, byte[] value, Outcome outcome) {

    /** Where a record must end up. */
    sealed interface Outcome permits Refused, Lands {
    }

    /** In the error table, with this error kind and a reason that contains every fragment (case-insensitive). */
    record Refused(String kind, List<String> reasonContains) implements Outcome {
    }

    /**
     * In the table, with these column values (as ClickHouse prints them in TabSeparated, via SQL
     * expressions over the row: a column name or e.g. {@code hex(name)}).
     */
    record Lands(Map<String, String> expected) implements Outcome {
    }

    static CorpusCase refused(String name, byte[] value, String kind, String... reason) {
        return new CorpusCase(name, null, value, new Refused(kind, List.of(reason)));
    }

    /** Lands with {@code expressionsAndValues}: expression, expected text, expression, expected text, … */
    static CorpusCase lands(String name, byte[] value, String... expressionsAndValues) {
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < expressionsAndValues.length; i += 2) {
            expected.put(expressionsAndValues[i], expressionsAndValues[i + 1]);
        }
        return new CorpusCase(name, null, value, new Lands(expected));
    }

    CorpusCase withKey(byte[] newKey) {
        return new CorpusCase(name, newKey, value, outcome);
    }

    boolean isRefused() {
        return outcome instanceof Refused;
    }

    @Override
    public String toString() {
        return name + " (" + (value == null ? "tombstone" : value.length + " bytes") + (key == null ? "" : ", key "
                + Arrays.toString(key)) + ")";
    }
}
