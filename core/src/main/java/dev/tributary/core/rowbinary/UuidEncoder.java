package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * {@code UUID}: written as two little-endian 64-bit halves, the high half first (the layout
 * ClickHouse uses; client-v2's {@code writeUUID} gets it backwards). From a {@link UUID}, text
 * ({@code 8-4-4-4-12} hex digits or 32 hex digits, any case) or 16 bytes in text order.
 */
final class UuidEncoder extends BaseEncoder {

    private static final String EXPECTED = "a UUID, UUID text or 16 bytes";
    private static final String FORMAT = "expected 8-4-4-4-12 or 32 hex digits";

    UuidEncoder(ClickHouseType type) {
        super(type, new byte[16]);
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        long high;
        long low;
        if (value instanceof UUID uuid) {
            high = uuid.getMostSignificantBits();
            low = uuid.getLeastSignificantBits();
        } else if (value instanceof CharSequence text) {
            int length = text.length();
            if (length == 36) {
                if (text.charAt(8) != '-' || text.charAt(13) != '-' || text.charAt(18) != '-' || text.charAt(23) != '-') {
                    throw fail(value, "is not a UUID", FORMAT);
                }
                high = hex(text, 0, 8, value) << 32 | hex(text, 9, 13, value) << 16 | hex(text, 14, 18, value);
                low = hex(text, 19, 23, value) << 48 | hex(text, 24, 36, value);
            } else if (length == 32) {
                high = hex(text, 0, 16, value);
                low = hex(text, 16, 32, value);
            } else {
                throw fail(value, "is not a UUID", FORMAT);
            }
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            ByteBuffer bytes = Bytes.asBuffer(value);
            if (bytes.remaining() != 16) {
                throw fail(value, "is not 16 bytes long");
            }
            high = Bytes.bigEndianLong(bytes, bytes.position());
            low = Bytes.bigEndianLong(bytes, bytes.position() + 8);
        } else {
            throw notAccepted(value, EXPECTED);
        }
        out.writeLongLE(high);
        out.writeLongLE(low);
    }

    private long hex(CharSequence text, int from, int to, Object value) throws ValueConversionException {
        long result = 0;
        for (int i = from; i < to; i++) {
            int digit = Bytes.hexDigit(text.charAt(i));
            if (digit < 0) {
                throw fail(value, "is not a UUID", FORMAT);
            }
            result = result << 4 | digit;
        }
        return result;
    }
}
