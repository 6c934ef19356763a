package dev.tributary.core.types;

/**
 * {@code DateTime64(P)} or {@code DateTime64(P, 'zone')}: ticks of 10^-P seconds since
 * 1970-01-01 00:00:00 UTC as a signed 64-bit number; P is {@code 0..9}.
 *
 * @param precision digits after the second: 3 for milliseconds, 9 for nanoseconds
 * @param timezone the column's own time zone (a name Java knows), or null when it has none
 */
public record DateTime64Type(int precision, String timezone) implements ClickHouseType, TimeZoned {

    /** The largest precision: nanoseconds. */
    public static final int MAX_PRECISION = 9;

    public DateTime64Type {
        if (precision < 0 || precision > MAX_PRECISION) {
            throw new IllegalArgumentException("DateTime64 precision " + precision + " is outside 0.." + MAX_PRECISION);
        }
        Zones.requireKnown(timezone);
    }

    @Override
    public Kind kind() {
        return Kind.DATETIME64;
    }

    @Override
    public String toString() {
        return "DateTime64(" + precision + (timezone == null ? "" : ", " + TypeText.quoteString(timezone)) + ")";
    }
}
