package dev.tributary.core.types;

/**
 * {@code Decimal(P, S)}: P decimal digits in all ({@code 1..76}), S of them after the point
 * ({@code 0..P}). {@code Decimal32(S)}, {@code Decimal64(S)}, {@code Decimal128(S)} and
 * {@code Decimal256(S)} are read as {@code Decimal(9, S)}, {@code Decimal(18, S)},
 * {@code Decimal(38, S)} and {@code Decimal(76, S)}, as ClickHouse prints them; the precision
 * picks the storage width ({@link #storageBits()}).
 */
public record DecimalType(int precision, int scale) implements ClickHouseType {

    /** The largest precision ClickHouse supports (Decimal256). */
    public static final int MAX_PRECISION = 76;

    public DecimalType {
        if (precision < 1 || precision > MAX_PRECISION) {
            throw new IllegalArgumentException("Decimal precision " + precision + " is outside 1.." + MAX_PRECISION);
        }
        if (scale < 0 || scale > precision) {
            throw new IllegalArgumentException("Decimal scale " + scale + " is outside 0..precision (" + precision + ")");
        }
    }

    /** The largest precision stored in {@code bits}-wide integers: 9, 18, 38 or 76. */
    public static int maxPrecisionOf(int bits) {
        return switch (bits) {
            case 32 -> 9;
            case 64 -> 18;
            case 128 -> 38;
            case 256 -> MAX_PRECISION;
            default -> throw new IllegalArgumentException("no Decimal is " + bits + " bits wide");
        };
    }

    /** The width of the integer that holds the unscaled value: 32, 64, 128 or 256 bits. */
    public int storageBits() {
        if (precision <= 9) {
            return 32;
        }
        if (precision <= 18) {
            return 64;
        }
        return precision <= 38 ? 128 : 256;
    }

    @Override
    public Kind kind() {
        return Kind.DECIMAL;
    }

    @Override
    public String toString() {
        return "Decimal(" + precision + ", " + scale + ")";
    }
}
