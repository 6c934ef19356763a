package dev.tributary.core;

/**
 * A record's value after decoding: fields readable by path. Values are plain Java objects: null,
 * Boolean, Long, BigInteger, BigDecimal, Double, String/CharSequence, byte[], List, Map, and the
 * java.time types.
 */
public interface DecodedRecord {

    /** Returned by {@link #field} for a field the record does not have (as opposed to a null value). */
    Object MISSING = new Object() {
        @Override
        public String toString() {
            return "MISSING";
        }
    };

    /** The value at {@code path}: a value, {@code null}, or {@link #MISSING}. */
    Object field(FieldPath path);
}
