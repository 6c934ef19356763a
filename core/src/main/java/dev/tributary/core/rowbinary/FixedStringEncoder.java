package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.nio.ByteBuffer;

/** {@code FixedString(N)}: bytes or UTF-8 text of at most N bytes, padded with zero bytes; longer is an error. */
final class FixedStringEncoder extends BaseEncoder {

    private static final String EXPECTED = "text or bytes";

    private final int length;
    private final String tooLong;

    FixedStringEncoder(ClickHouseType type, int length) {
        super(type, new byte[length]);
        this.length = length;
        this.tooLong = "at most " + length + (length == 1 ? " byte" : " bytes");
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        int written;
        if (value instanceof CharSequence text) {
            int chars = text.length();
            written = RowBinaryOutput.utf8Length(text, chars);
            check(written, value);
            out.writeUtf8(text, chars, written);
        } else if (value instanceof byte[] bytes) {
            written = bytes.length;
            check(written, value);
            out.writeBytes(bytes);
        } else if (value instanceof ByteBuffer buffer) {
            written = buffer.remaining();
            check(written, value);
            out.writeBytes(buffer);
        } else {
            throw notAccepted(value, EXPECTED);
        }
        out.writeRepeated(0, length - written);
    }

    private void check(int size, Object value) throws ValueConversionException {
        if (size > length) {
            throw fail(value, "is too long (" + size + " bytes)", tooLong);
        }
    }
}
