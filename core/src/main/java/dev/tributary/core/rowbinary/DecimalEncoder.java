package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DecimalType;
import dev.tributary.core.types.ValueConversionException;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * {@code Decimal(P, S)}: the value times 10^S as a 32-, 64-, 128- or 256-bit integer. Exact: a
 * value with more fractional digits than S, or more than P - S integer digits, is an error, never
 * rounded or wrapped. Java ints and longs take an arithmetic path with no BigDecimal.
 */
final class DecimalEncoder extends BaseEncoder {

    private static final String EXPECTED = "a number or decimal text";
    private static final long[] POWERS_OF_TEN = powersOfTen();

    private final int scale;
    private final int integerDigits;
    private final int bytes;
    /** 10^S when it fits in a long, else 0. */
    private final long scaleFactor;
    /** Longs with an absolute value below this have few enough integer digits; 0 when every long has. */
    private final long longLimit;
    private final String tooManyDigits;
    private final String tooManyDecimals;

    DecimalEncoder(ClickHouseType type, DecimalType decimal) {
        super(type, new byte[decimal.storageBits() / 8]);
        this.scale = decimal.scale();
        this.integerDigits = decimal.precision() - decimal.scale();
        this.bytes = decimal.storageBits() / 8;
        this.scaleFactor = scale < POWERS_OF_TEN.length ? POWERS_OF_TEN[scale] : 0;
        this.longLimit = integerDigits < POWERS_OF_TEN.length ? POWERS_OF_TEN[integerDigits] : 0;
        this.tooManyDigits = "at most " + integerDigits + " digits before the point";
        this.tooManyDecimals = "at most " + scale + " digits after the point; values are not rounded";
    }

    private static long[] powersOfTen() {
        long[] powers = new long[19];
        powers[0] = 1;
        for (int i = 1; i < powers.length; i++) {
            powers[i] = powers[i - 1] * 10;
        }
        return powers;
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (Integral.isJavaInteger(value) && scaleFactor != 0) {
            encodeLong(((Number) value).longValue(), value, out);
        } else {
            encodeDecimal(toBigDecimal(value), value, out);
        }
    }

    private void encodeLong(long v, Object value, RowBinaryOutput out) throws ValueConversionException {
        if (longLimit != 0 && (v >= longLimit || v <= -longLimit)) {
            throw fail(value, "has too many digits", tooManyDigits);
        }
        // The product fits in 128 bits, and in 64 when the storage is 32 or 64 bits wide.
        long low = v * scaleFactor;
        switch (bytes) {
            case 4 -> out.writeIntLE((int) low);
            case 8 -> out.writeLongLE(low);
            default -> {
                long high = Math.multiplyHigh(v, scaleFactor);
                out.writeLongLE(low);
                out.writeLongLE(high);
                out.writeRepeated(high < 0 ? 0xFF : 0, bytes - 16);
            }
        }
    }

    private BigDecimal toBigDecimal(Object value) throws ValueConversionException {
        if (value instanceof BigDecimal decimal) {
            return decimal;
        }
        if (value instanceof CharSequence text) {
            NumberLimits.checkTextLength(text, this);
            try {
                return new BigDecimal(text.toString());
            } catch (NumberFormatException e) {
                throw fail(value, "is not a decimal number");
            }
        }
        if (value instanceof BigInteger big) {
            NumberLimits.checkBits(big, this);
            return new BigDecimal(big);
        }
        if (Integral.isJavaInteger(value)) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw fail(value, "is not a finite number");
            }
            // The shortest text that reads back as the same float or double: 0.1f is 0.1, not 0.100000001490116…
            return value instanceof Float f ? new BigDecimal(Float.toString(f)) : BigDecimal.valueOf(d);
        }
        throw notAccepted(value, EXPECTED);
    }

    private void encodeDecimal(BigDecimal decimal, Object value, RowBinaryOutput out) throws ValueConversionException {
        NumberLimits.checkBits(decimal, this);
        BigDecimal exact = decimal;
        if (exact.scale() > scale) {
            exact = exact.stripTrailingZeros();
            if (exact.scale() > scale) {
                throw fail(value, "has too many digits after the point", tooManyDecimals);
            }
        }
        // Checked before setScale, which would otherwise expand a huge exponent such as 1e999999999.
        if (exact.signum() != 0 && NumberLimits.integerDigits(exact) > integerDigits) {
            throw fail(value, "has too many digits", tooManyDigits);
        }
        BigInteger unscaled = exact.setScale(scale).unscaledValue();
        switch (bytes) {
            case 4 -> out.writeIntLE(unscaled.intValue());
            case 8 -> out.writeLongLE(unscaled.longValue());
            default -> Integral.writeBig(unscaled, bytes, out);
        }
    }
}
