package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ValueConversionException;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The bounds that keep number conversion cheap whatever a record holds. A JSON number of a few
 * bytes such as {@code 1e999999999} or {@code 1e-99999999} is a BigDecimal with a scale near the
 * int limits: expanding it ({@code toPlainString}, {@code setScale}, {@code toBigIntegerExact})
 * would build a billion digits or a billion-digit power of ten. The encoders decide such values
 * from the unscaled value's size and the scale alone, never by expanding them.
 */
final class NumberLimits {

    /**
     * Unscaled values (BigInteger, BigDecimal) of more bits than this (about 2,466 digits) are
     * refused by every type: none holds them, and even {@code precision()} of a million-bit value
     * costs a large power of ten.
     */
    static final int MAX_BITS = 8192;
    /** Numeric text longer than this is refused (as the JSON decoder refuses longer numbers). */
    static final int MAX_TEXT_LENGTH = 1000;
    /** A BigDecimal into String is written plain unless that would pad it with more zeros than this. */
    static final int MAX_PLAIN_ZEROS = 100;

    private NumberLimits() {
    }

    /** Refuses a BigInteger or BigDecimal whose unscaled value exceeds {@link #MAX_BITS}; other values pass. */
    static void checkBits(Object value, BaseEncoder encoder) throws ValueConversionException {
        int bits;
        if (value instanceof BigInteger big) {
            bits = big.bitLength();
        } else if (value instanceof BigDecimal decimal) {
            bits = decimal.unscaledValue().bitLength();
        } else {
            return;
        }
        if (bits > MAX_BITS) {
            throw encoder.fail(value, "has too many digits", "at most " + MAX_BITS + " bits, about 2466 digits");
        }
    }

    /** Refuses numeric text longer than {@link #MAX_TEXT_LENGTH}: parsing a megabyte of digits costs seconds. */
    static void checkTextLength(CharSequence text, BaseEncoder encoder) throws ValueConversionException {
        if (text.length() > MAX_TEXT_LENGTH) {
            throw encoder.fail(text, "is too long for a number (" + text.length() + " characters)",
                    "at most " + MAX_TEXT_LENGTH);
        }
    }

    /**
     * The number of digits before the point of a non-zero {@code decimal} (precision − scale; zero or
     * less for |value| < 1), computed in long arithmetic: it overflows an int at extreme scales.
     * Call after {@link #checkBits}.
     */
    static long integerDigits(BigDecimal decimal) {
        return (long) decimal.precision() - decimal.scale();
    }

    /**
     * Whether a non-zero {@code decimal} (checked by {@link #checkBits}) has a fractional part,
     * without dividing by a huge power of ten: a positive scale beyond the precision means
     * 0 < |value| < 1; otherwise the scale is small and the test is cheap.
     */
    static boolean hasFraction(BigDecimal decimal) {
        if (decimal.scale() <= 0) {
            return false;
        }
        if (decimal.scale() >= decimal.precision()) {
            return true;
        }
        return decimal.stripTrailingZeros().scale() > 0;
    }

    /**
     * The text of {@code decimal} (checked by {@link #checkBits}) for a String column: plain
     * ({@code 0.00001}, {@code 1000}) unless that needs more than {@link #MAX_PLAIN_ZEROS} zeros
     * of padding, else Java's scientific form ({@code 1E+999999999}), so that a few bytes of input
     * never become a gigabyte of text.
     */
    static String text(BigDecimal decimal) {
        long scale = decimal.scale();
        int precision = decimal.precision();
        long padding = scale < 0 ? -scale : scale - precision;
        return padding <= MAX_PLAIN_ZEROS ? decimal.toPlainString() : decimal.toString();
    }
}
