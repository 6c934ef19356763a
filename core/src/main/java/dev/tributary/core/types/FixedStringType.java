package dev.tributary.core.types;

/** {@code FixedString(N)}: exactly N bytes, shorter values padded with zero bytes. */
public record FixedStringType(int length) implements ClickHouseType {

    /** ClickHouse's limit on N. */
    public static final int MAX_LENGTH = 0xFFFFFF;

    public FixedStringType {
        if (length < 1 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("FixedString length " + length + " is outside 1.." + MAX_LENGTH);
        }
    }

    @Override
    public Kind kind() {
        return Kind.FIXED_STRING;
    }

    @Override
    public String toString() {
        return "FixedString(" + length + ")";
    }
}
