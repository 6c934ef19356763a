package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ValueConversionException;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact integer values of Java numbers and of integer text, for the encoders of integer-like types,
 * and the little-endian two's complement writing of wide integers.
 */
final class Integral {

    static final String NUMBER_OR_TEXT = "an integer number or integer text";
    /** Integer text longer than this may not fit in a long; it goes the BigInteger way. */
    private static final int MAX_LONG_DIGITS = 18;
    /** BigDecimals with more integer digits than this are out of range of every type (avoids huge expansions). */
    private static final int MAX_INTEGER_DIGITS = 80;

    private Integral() {
    }

    /** Whether {@code value} is a Java Long, Integer, Short or Byte, whose {@code longValue()} is exact. */
    static boolean isJavaInteger(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte;
    }

    /**
     * The exact value of an integral {@code value}: a Java integer, an integral BigDecimal, Double or
     * Float, or integer text ({@code [+-]digits}). Booleans are not taken here (the callers that
     * accept them do so first).
     *
     * @param range the allowed range, for the out-of-range message
     */
    static long toLong(Object value, BaseEncoder encoder, String range) throws ValueConversionException {
        if (isJavaInteger(value)) {
            return ((Number) value).longValue();
        }
        if (value instanceof CharSequence text) {
            NumberLimits.checkTextLength(text, encoder);
            int digits = digitCount(text);
            if (digits < 0) {
                throw encoder.fail(value, "is not an integer");
            }
            if (digits <= MAX_LONG_DIGITS) {
                return parseShortInteger(text);
            }
        } else if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
                return (long) d;
            }
        }
        BigInteger big = toBigInteger(value, encoder, range);
        if (big.bitLength() > 63) {
            throw encoder.fail(value, "is out of range", range);
        }
        return big.longValue();
    }

    /** As {@link #toLong}, for values of any size. */
    static BigInteger toBigInteger(Object value, BaseEncoder encoder, String range) throws ValueConversionException {
        if (value instanceof BigInteger big) {
            return big;
        }
        if (isJavaInteger(value)) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        if (value instanceof CharSequence text) {
            NumberLimits.checkTextLength(text, encoder);
            int digits = digitCount(text);
            if (digits < 0) {
                throw encoder.fail(value, "is not an integer");
            }
            return digits <= MAX_LONG_DIGITS ? BigInteger.valueOf(parseShortInteger(text)) : new BigInteger(text.toString());
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d) || d != Math.rint(d)) {
                throw encoder.fail(value, "is not an integer");
            }
            return new BigDecimal(d).toBigInteger();
        }
        if (value instanceof BigDecimal decimal) {
            return exactInteger(decimal, value, encoder, range);
        }
        throw encoder.notAccepted(value, NUMBER_OR_TEXT);
    }

    private static BigInteger exactInteger(BigDecimal decimal, Object value, BaseEncoder encoder, String range)
            throws ValueConversionException {
        NumberLimits.checkBits(decimal, encoder);
        if (decimal.signum() == 0) {
            return BigInteger.ZERO;
        }
        // Decided from the scale first: 1e-99999999 would otherwise be divided by 10^99999999.
        if (NumberLimits.hasFraction(decimal)) {
            throw encoder.fail(value, "is not an integer");
        }
        if (NumberLimits.integerDigits(decimal) > MAX_INTEGER_DIGITS) {
            throw encoder.fail(value, "is out of range", range);
        }
        return decimal.toBigIntegerExact();
    }


    /** The number of digits of integer text ({@code [+-]?[0-9]+}), or -1 when it is not one. */
    static int digitCount(CharSequence text) {
        int length = text.length();
        int start = length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        if (start == length) {
            return -1;
        }
        for (int i = start; i < length; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return length - start;
    }

    /** Integer text of at most 18 digits, already checked by {@link #digitCount}. */
    static long parseShortInteger(CharSequence text) {
        boolean negative = text.charAt(0) == '-';
        int i = negative || text.charAt(0) == '+' ? 1 : 0;
        long value = 0;
        for (int length = text.length(); i < length; i++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return negative ? -value : value;
    }

    /** Writes {@code value} as a {@code bytes}-wide little-endian two's complement integer, sign-extended. */
    static void writeLong(long value, int bytes, RowBinaryOutput out) {
        out.writeLongLE(value);
        if (bytes > 8) {
            out.writeRepeated(value < 0 ? 0xFF : 0, bytes - 8);
        }
    }

    /** Writes {@code value}, which fits, as a {@code bytes}-wide little-endian two's complement integer. */
    static void writeBig(BigInteger value, int bytes, RowBinaryOutput out) {
        if (value.bitLength() <= 63) {
            writeLong(value.longValue(), bytes, out);
            return;
        }
        byte[] bigEndian = value.toByteArray();
        int written = Math.min(bigEndian.length, bytes);
        for (int i = 0; i < written; i++) {
            out.writeByte(bigEndian[bigEndian.length - 1 - i]);
        }
        out.writeRepeated(value.signum() < 0 ? 0xFF : 0, bytes - written);
    }
}
