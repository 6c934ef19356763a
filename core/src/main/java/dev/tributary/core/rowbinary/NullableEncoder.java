package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

/** {@code Nullable(T)}: byte 1 for NULL, else byte 0 and the value as T. */
final class NullableEncoder extends BaseEncoder {

    private final ColumnEncoder element;

    NullableEncoder(ClickHouseType type, ColumnEncoder element) {
        super(type, new byte[] {1});
        this.element = element;
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (value == null) {
            out.writeByte(1);
            return;
        }
        int start = out.size();
        out.writeByte(0);
        try {
            element.encode(value, out);
        } catch (ValueConversionException e) {
            out.truncate(start);
            throw e;
        }
    }
}
