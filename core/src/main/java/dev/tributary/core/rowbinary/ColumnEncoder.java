package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

/**
 * Converts decoded Java values to one ClickHouse type and appends them in RowBinary. Get one from
 * {@link ColumnEncoders#forType}; encoders are immutable and may be shared between threads.
 */
public interface ColumnEncoder {

    /** The column type this encoder writes. */
    ClickHouseType type();

    /**
     * Converts {@code value} to {@link #type()} and appends its RowBinary encoding to {@code out}.
     * The accepted Java values and the conversion rules are in {@code docs/type-conversions.md}.
     *
     * <p>When it throws, {@code out} is left exactly as it was before the call: nothing of a value
     * that fails is written, not even part of a nested one.
     *
     * @throws ValueConversionException when {@code value} cannot be converted: wrong Java type, bad
     *     text, out of range, or null for a type that is not Nullable
     */
    void encode(Object value, RowBinaryOutput out) throws ValueConversionException;

    /**
     * Appends the value ClickHouse fills in for a column missing from an insert when it has no
     * DEFAULT: 0, empty string, 1970-01-01 (1900-01-01 for Date32), the smallest Enum value, an
     * empty Array or Map, NULL for Nullable, and a Tuple of those.
     */
    void encodeZero(RowBinaryOutput out);
}
