package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * {@code String}: text as UTF-8, raw bytes as they are, and numbers, booleans and UUIDs as their
 * text. Nested values (List, Map) are refused: keeping them as JSON text is the decoder's business.
 */
final class StringEncoder extends BaseEncoder {

    private static final String EXPECTED = "text, bytes, a number, a Boolean or a UUID";

    StringEncoder(ClickHouseType type) {
        super(type, new byte[1]);
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (value instanceof CharSequence text) {
            out.writeString(text);
        } else if (value instanceof byte[] bytes) {
            out.writeVarUInt(bytes.length);
            out.writeBytes(bytes);
        } else if (value instanceof ByteBuffer buffer) {
            out.writeVarUInt(buffer.remaining());
            out.writeBytes(buffer);
        } else if (value instanceof BigDecimal decimal) {
            NumberLimits.checkBits(decimal, this);
            out.writeString(NumberLimits.text(decimal));
        } else if (value instanceof BigInteger big) {
            NumberLimits.checkBits(big, this);
            out.writeString(big.toString());
        } else if (value instanceof Number || value instanceof Boolean || value instanceof UUID) {
            out.writeString(value.toString());
        } else {
            throw notAccepted(value, EXPECTED + "; nested values must be turned into text (e.g. JSON) first");
        }
    }
}
