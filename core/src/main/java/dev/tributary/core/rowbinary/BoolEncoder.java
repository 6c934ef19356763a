package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.math.BigDecimal;
import java.math.BigInteger;

/** {@code Bool}: one byte, 1 or 0, from a Boolean, the numbers 0 and 1, or the text true/false/1/0. */
final class BoolEncoder extends BaseEncoder {

    private static final String EXPECTED = "a Boolean, 0 or 1, or the text true, false, 1 or 0";

    BoolEncoder(ClickHouseType type) {
        super(type, new byte[1]);
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        out.writeByte(toBoolean(value) ? 1 : 0);
    }

    private boolean toBoolean(Object value) throws ValueConversionException {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof CharSequence text) {
            String s = text.toString();
            if (s.equalsIgnoreCase("true") || s.equals("1")) {
                return true;
            }
            if (s.equalsIgnoreCase("false") || s.equals("0")) {
                return false;
            }
            throw fail(value, "is not a boolean", "expected true, false, 1 or 0");
        }
        if (Integral.isJavaInteger(value) || value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return zeroOrOne(d == 1, d == 0, value);
        }
        if (value instanceof BigInteger || value instanceof BigDecimal) {
            NumberLimits.checkBits(value, this); // precision() of a huge one costs a huge power of ten
            BigDecimal d = value instanceof BigInteger big ? new BigDecimal(big) : (BigDecimal) value;
            return zeroOrOne(d.compareTo(BigDecimal.ONE) == 0, d.signum() == 0, value);
        }
        throw notAccepted(value, EXPECTED);
    }

    private boolean zeroOrOne(boolean one, boolean zero, Object value) throws ValueConversionException {
        if (one || zero) {
            return one;
        }
        throw fail(value, "is not a boolean", "only 0 and 1 are");
    }
}
