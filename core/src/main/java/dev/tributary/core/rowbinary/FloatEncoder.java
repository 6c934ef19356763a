package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * {@code Float32} and {@code Float64}, from any Java number (rounded to the nearest float) or
 * numeric text, including ClickHouse's {@code nan}, {@code inf}, {@code -inf} and Java's
 * {@code NaN}, {@code Infinity} (case-insensitive).
 */
final class FloatEncoder extends BaseEncoder {

    private static final String EXPECTED = "a number or numeric text";
    private static final long NEGATIVE_NAN_BITS = 0xFFF8000000000000L;

    private final boolean single;

    FloatEncoder(ClickHouseType type, boolean single) {
        super(type, new byte[single ? 4 : 8]);
        this.single = single;
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (value instanceof Double d) {
            write(d, out);
        } else if (value instanceof Float f) {
            write(f, out);
        } else if (Integral.isJavaInteger(value)) {
            long l = ((Number) value).longValue();
            // A long rounds to the nearest float directly; through a double it could round twice.
            if (single) {
                out.writeIntLE(Float.floatToRawIntBits((float) l));
            } else {
                out.writeLongLE(Double.doubleToRawLongBits((double) l));
            }
        } else if (value instanceof BigDecimal decimal) {
            NumberLimits.checkBits(decimal, this); // doubleValue() of a huge one goes through its full text
            write(single ? decimal.floatValue() : decimal.doubleValue(), out); // rounded once, straight to the type
        } else if (value instanceof BigInteger big) {
            NumberLimits.checkBits(big, this);
            write(single ? big.floatValue() : big.doubleValue(), out);
        } else if (value instanceof CharSequence text) {
            write(parse(text, value), out);
        } else {
            throw notAccepted(value, EXPECTED);
        }
    }

    private void write(double d, RowBinaryOutput out) {
        if (!single) {
            out.writeLongLE(Double.doubleToRawLongBits(d));
        } else if (Double.isNaN(d)) {
            // Keep the sign of a NaN (ClickHouse writes -nan as such); the payload is the quiet NaN.
            out.writeIntLE(Double.doubleToRawLongBits(d) < 0 ? 0xFFC00000 : 0x7FC00000);
        } else {
            out.writeIntLE(Float.floatToRawIntBits((float) d));
        }
    }

    private void write(float f, RowBinaryOutput out) {
        if (single) {
            out.writeIntLE(Float.floatToRawIntBits(f));
        } else {
            out.writeLongLE(Double.doubleToRawLongBits(f));
        }
    }

    /** Numeric text, checked by hand: Java's parser would also take hex floats and a d/f suffix. */
    private double parse(CharSequence text, Object value) throws ValueConversionException {
        NumberLimits.checkTextLength(text, this);
        int length = text.length();
        int i = length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        boolean negative = i == 1 && text.charAt(0) == '-';
        if (i < length && !isDigit(text.charAt(i)) && text.charAt(i) != '.') {
            String word = text.subSequence(i, length).toString();
            if (word.equalsIgnoreCase("nan")) {
                return negative ? Double.longBitsToDouble(NEGATIVE_NAN_BITS) : Double.NaN;
            }
            if (word.equalsIgnoreCase("inf") || word.equalsIgnoreCase("infinity")) {
                return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            throw fail(value, "is not a number");
        }
        int digits = 0;
        while (i < length && isDigit(text.charAt(i))) {
            i++;
            digits++;
        }
        if (i < length && text.charAt(i) == '.') {
            i++;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits > 0 && i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
            i++;
            if (i < length && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
                i++;
            }
            int exponentStart = i;
            while (i < length && isDigit(text.charAt(i))) {
                i++;
            }
            if (i == exponentStart) {
                throw fail(value, "is not a number");
            }
        }
        if (digits == 0 || i != length) {
            throw fail(value, "is not a number");
        }
        String checked = text.toString();
        return single ? Float.parseFloat(checked) : Double.parseDouble(checked);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
