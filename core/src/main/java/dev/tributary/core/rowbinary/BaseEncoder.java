package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.Map;

/** What every encoder has: its type, its zero value's bytes, and the ways a value fails. */
abstract class BaseEncoder implements ColumnEncoder {

    private final ClickHouseType type;
    private final byte[] zero;

    /**
     * @param type the type named in errors and returned by {@link #type()}: the column's type, which
     *     may wrap the one this encoder converts to (e.g. {@code LowCardinality(String)})
     * @param zero the RowBinary bytes of the type's default value
     */
    BaseEncoder(ClickHouseType type, byte[] zero) {
        this.type = type;
        this.zero = zero.clone();
    }

    @Override
    public final ClickHouseType type() {
        return type;
    }

    @Override
    public final void encodeZero(RowBinaryOutput out) {
        out.writeBytes(zero);
    }

    final byte[] zeroBytes() {
        return zero.clone();
    }

    final ValueConversionException fail(Object value, String problem) {
        return new ValueConversionException(value, type, problem);
    }

    final ValueConversionException fail(Object value, String problem, String detail) {
        return new ValueConversionException(value, type, problem, detail);
    }

    /** For a value of a Java class this encoder does not take; {@code expected} lists what it takes. */
    final ValueConversionException notAccepted(Object value, String expected) {
        if (value == null) {
            return fail(null, "is not allowed", "the type is not Nullable");
        }
        String problem;
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            problem = "is raw bytes, which are not accepted";
        } else if (value instanceof Collection<?> || value instanceof Map<?, ?> || value.getClass().isArray()) {
            problem = "is a nested value (" + value.getClass().getSimpleName() + "), which is not accepted";
        } else {
            problem = "is of type " + value.getClass().getSimpleName() + ", which is not accepted";
        }
        return fail(value, problem, "expected " + expected);
    }
}
