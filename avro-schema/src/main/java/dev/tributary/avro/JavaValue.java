package dev.tributary.avro;

import dev.tributary.core.types.ClickHouseType.Kind;

/**
 * The kinds of Java value the Avro reader hands to a column encoder when it does not write the
 * bytes itself, and which ClickHouse types take each kind (the rules of
 * {@code docs/type-conversions.md}). Checked when a plan is compiled, so that an Avro type a column
 * can never take is refused once, with a reason, instead of failing message by message.
 */
enum JavaValue {
    BOOLEAN("a boolean"),
    INTEGER("an integer"),
    FLOATING("a floating-point number"),
    DECIMAL("a decimal"),
    TEXT("text"),
    BYTES("bytes"),
    UUID("a UUID"),
    DATE("a date"),
    INSTANT("a timestamp");

    private final String description;

    JavaValue(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }

    /** Whether a column of this kind (LowCardinality and Nullable taken off) takes this kind of value. */
    boolean acceptedBy(Kind kind) {
        return switch (kind) {
            case INT8, INT16, INT32, INT64, INT128, INT256, UINT8, UINT16, UINT32, UINT64, UINT128, UINT256 ->
                    is(BOOLEAN, INTEGER, FLOATING, DECIMAL, TEXT);
            case FLOAT32, FLOAT64, DECIMAL -> is(INTEGER, FLOATING, DECIMAL, TEXT);
            case BOOL -> is(BOOLEAN, INTEGER, FLOATING, DECIMAL, TEXT);
            case STRING -> is(BOOLEAN, INTEGER, FLOATING, DECIMAL, TEXT, BYTES, UUID);
            case FIXED_STRING -> is(TEXT, BYTES);
            case DATE, DATE32 -> is(INTEGER, TEXT, DATE, INSTANT);
            case DATETIME, DATETIME64 -> is(INTEGER, FLOATING, DECIMAL, TEXT, DATE, INSTANT);
            case ENUM8, ENUM16 -> is(INTEGER, TEXT);
            case UUID -> is(TEXT, BYTES, UUID);
            case IPV4 -> is(INTEGER, TEXT, BYTES);
            case IPV6 -> is(TEXT, BYTES);
            case JSON -> is(TEXT); // the text of one JSON object
            default -> false;
        };
    }

    private boolean is(JavaValue... accepted) {
        for (JavaValue value : accepted) {
            if (value == this) {
                return true;
            }
        }
        return false;
    }
}
