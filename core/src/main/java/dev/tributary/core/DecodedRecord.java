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

    /**
     * The whole record as a tree of plain values, for someone to look at it (a preview) or to infer
     * a table from it: {@code Map<String, Object>} (in the record's own field order), {@code List},
     * and the scalar values of {@link #field} (null, Boolean, Long, BigInteger, BigDecimal, Double,
     * String, byte[], the java.time types, UUID). A fresh tree or one not to be modified. Null when
     * this record cannot show one (the default). Never called on a pipeline's path: a record that is
     * decoded lazily decodes here, and one whose bytes turn out to be broken throws
     * {@link FieldDecodeException} with the reason.
     */
    default Object tree() {
        return null;
    }
}
