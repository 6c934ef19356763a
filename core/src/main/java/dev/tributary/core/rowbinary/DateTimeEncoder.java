package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;

/**
 * {@code DateTime} (UInt32 seconds, 1970-01-01 00:00:00 to 2106-02-07 06:28:15 UTC) and
 * {@code DateTime64(P)} (Int64 ticks of 10^-P s, local 1900-01-01 00:00:00 to 2299-12-31
 * 23:59:59.99… in the column's zone, and within Int64).
 *
 * <p>Text and java.time values without an offset are local times in the column's zone, or in the
 * default zone when the column has none. Fractions beyond the precision are truncated as
 * ClickHouse truncates them: date-times (text, java.time) drop the extra digits of the fraction
 * (towards the past), numbers of seconds drop them towards zero. Out of range is an error, never
 * clamped. See {@code docs/type-conversions.md} for epoch numbers and epoch text.
 */
final class DateTimeEncoder extends BaseEncoder {

    private static final String EXPECTED = "date-time text, epoch seconds, or an Instant, LocalDateTime,"
            + " OffsetDateTime, ZonedDateTime or LocalDate";
    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L,
            10_000_000L, 100_000_000L, 1_000_000_000L};
    private static final int MAX_EPOCH_SECONDS_DIGITS = 10;
    private static final int MAX_INTEGER_DIGITS = 25;

    private final boolean wide;
    private final int precision;
    private final long ticksPerSecond;
    private final long nanosPerTick;
    private final ZoneRules rules;
    private final ZoneOffset fixedOffset;
    private final long minTicks;
    private final long maxTicks;
    private final String range;

    /**
     * @param precision -1 for {@code DateTime}, else the precision of {@code DateTime64}
     * @param zone the column's zone, or the default zone when it has none
     */
    DateTimeEncoder(ClickHouseType type, int precision, ZoneId zone) {
        super(type, new byte[precision < 0 ? 4 : 8]);
        this.wide = precision >= 0;
        this.precision = Math.max(precision, 0);
        this.ticksPerSecond = POWERS_OF_TEN[this.precision];
        this.nanosPerTick = POWERS_OF_TEN[9 - this.precision];
        this.rules = zone.getRules();
        this.fixedOffset = rules.isFixedOffset() ? rules.getOffset(Instant.EPOCH) : null;
        if (wide) {
            long first = DateTimeText.epochSecond(DateTimeText.epochDay(1900, 1, 1), 0, rules, fixedOffset);
            long end = DateTimeText.epochSecond(DateTimeText.epochDay(2300, 1, 1), 0, rules, fixedOffset);
            this.minTicks = first * ticksPerSecond;
            this.maxTicks = lastTickBefore(end, ticksPerSecond);
            this.range = show(minTicks, zone) + " .. " + show(maxTicks, zone) + " " + zone.getId();
        } else {
            this.minTicks = 0;
            this.maxTicks = 0xFFFF_FFFFL;
            this.range = show(minTicks, ZoneOffset.UTC) + " .. " + show(maxTicks, ZoneOffset.UTC) + " UTC";
        }
    }

    /** The tick before epoch second {@code end}, or the largest Int64 when that is earlier (precision 9). */
    private static long lastTickBefore(long end, long ticksPerSecond) {
        try {
            return Math.multiplyExact(end, ticksPerSecond) - 1;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        long ticks;
        if (value instanceof Instant instant) {
            ticks = ticks(instant.getEpochSecond(), instant.getNano(), value);
        } else if (value instanceof CharSequence text) {
            ticks = fromText(text, value);
        } else if (Integral.isJavaInteger(value)) {
            ticks = ticks(((Number) value).longValue(), 0, value);
        } else if (value instanceof OffsetDateTime dateTime) {
            ticks = ticks(dateTime.toEpochSecond(), dateTime.getNano(), value);
        } else if (value instanceof ZonedDateTime dateTime) {
            ticks = ticks(dateTime.toEpochSecond(), dateTime.getNano(), value);
        } else if (value instanceof LocalDateTime dateTime) {
            ticks = ticks(DateTimeText.epochSecond(dateTime, rules), dateTime.getNano(), value);
        } else if (value instanceof LocalDate date) {
            ticks = ticks(DateTimeText.epochSecond(date.toEpochDay(), 0, rules, fixedOffset), 0, value);
        } else if (value instanceof BigInteger big) {
            ticks = ticks(big.bitLength() < 64 ? big.longValue() : Long.MAX_VALUE, 0, value);
        } else if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            ticks = fromSeconds(value);
        } else {
            throw notAccepted(value, EXPECTED);
        }
        if (ticks < minTicks || ticks > maxTicks) {
            throw fail(value, "is out of range", range);
        }
        if (wide) {
            out.writeLongLE(ticks);
        } else {
            out.writeIntLE((int) ticks);
        }
    }

    /** Ticks of an epoch second and a nano of that second (0..999999999), extra digits dropped. */
    private long ticks(long epochSecond, int nano, Object value) throws ValueConversionException {
        try {
            return Math.addExact(Math.multiplyExact(epochSecond, ticksPerSecond), nano / nanosPerTick);
        } catch (ArithmeticException e) {
            throw fail(value, "is out of range", range);
        }
    }

    /** Seconds with a fraction: ticks rounded towards zero, as ClickHouse converts numbers. */
    private long fromSeconds(Object value) throws ValueConversionException {
        BigDecimal seconds;
        if (value instanceof BigDecimal decimal) {
            seconds = decimal;
        } else {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw fail(value, "is not a finite number");
            }
            seconds = value instanceof Float f ? new BigDecimal(Float.toString(f)) : BigDecimal.valueOf(d);
        }
        NumberLimits.checkBits(seconds, this);
        long integerDigits = NumberLimits.integerDigits(seconds);
        if (seconds.signum() != 0 && integerDigits > MAX_INTEGER_DIGITS) {
            throw fail(value, "is out of range", range);
        }
        if (seconds.signum() == 0 || integerDigits + precision <= 0) {
            return 0; // less than one tick, cut towards zero (1e-99999999 is never divided by 10^99999999)
        }
        try {
            return seconds.movePointRight(precision).setScale(0, RoundingMode.DOWN).longValueExact();
        } catch (ArithmeticException e) {
            throw fail(value, "is out of range", range);
        }
    }

    private long fromText(CharSequence text, Object value) throws ValueConversionException {
        if (isEpochText(text)) {
            return fromEpochText(text, value);
        }
        long parsed = DateTimeText.parse(text);
        if (parsed == DateTimeText.INVALID) {
            throw fail(value, "is not a date-time", DateTimeText.FORMATS);
        }
        long epochDay = DateTimeText.epochDay(parsed);
        int secondOfDay = DateTimeText.secondOfDay(parsed);
        long epochSecond = DateTimeText.hasOffset(parsed)
                ? epochDay * DateTimeText.SECONDS_PER_DAY + secondOfDay - DateTimeText.offsetSeconds(parsed)
                : DateTimeText.epochSecond(epochDay, secondOfDay, rules, fixedOffset);
        return ticks(epochSecond, DateTimeText.nano(text), value);
    }

    /** {@code [+-]digits[.digits]}: a number of seconds (or ms, µs, ns) since the epoch. */
    private static boolean isEpochText(CharSequence text) {
        int length = text.length();
        int i = length > 0 && (text.charAt(0) == '-' || text.charAt(0) == '+') ? 1 : 0;
        int start = i;
        while (i < length && DateTimeText.isDigit(text.charAt(i))) {
            i++;
        }
        if (i == start) {
            return false;
        }
        if (i < length && text.charAt(i) == '.') {
            int fraction = ++i;
            while (i < length && DateTimeText.isDigit(text.charAt(i))) {
                i++;
            }
            return i == length && i > fraction;
        }
        return i == length;
    }

    /**
     * Epoch text as ClickHouse reads it: up to 10 digits are seconds (with an optional fraction);
     * exactly 13, 16 or 19 digits are milli-, micro- or nanoseconds. Other lengths are refused
     * rather than guessed at. Digits beyond the precision are dropped towards zero.
     */
    private long fromEpochText(CharSequence text, Object value) throws ValueConversionException {
        int length = text.length();
        boolean negative = text.charAt(0) == '-';
        int i = negative || text.charAt(0) == '+' ? 1 : 0;
        int start = i;
        long units = 0;
        boolean overflow = false;
        while (i < length && text.charAt(i) != '.') {
            long next = units * 10 + text.charAt(i++) - '0';
            overflow |= units > Long.MAX_VALUE / 10 || next < 0;
            units = next;
        }
        int digits = i - start;
        int unitScale = switch (digits) {
            case 13 -> 3;
            case 16 -> 6;
            case 19 -> 9;
            default -> digits <= MAX_EPOCH_SECONDS_DIGITS ? 0 : -1;
        };
        if (unitScale < 0 || unitScale > 0 && i < length) {
            throw fail(value, "has " + digits + " digits, which is no epoch time",
                    "up to 10 digits of seconds (with an optional fraction), or 13, 16 or 19 digits of milli-, micro- or nanoseconds");
        }
        if (overflow) {
            throw fail(value, "is out of range", range);
        }
        long ticks;
        if (unitScale > precision) {
            ticks = units / POWERS_OF_TEN[unitScale - precision];
        } else {
            long fraction = 0;
            for (int place = 0, j = i + 1; place < precision; place++, j++) {
                fraction = fraction * 10 + (j < length ? text.charAt(j) - '0' : 0);
            }
            try {
                ticks = Math.addExact(Math.multiplyExact(units, POWERS_OF_TEN[precision - unitScale]), fraction);
            } catch (ArithmeticException e) {
                throw fail(value, "is out of range", range);
            }
        }
        return negative ? -ticks : ticks;
    }

    /** A tick count as {@code YYYY-MM-DD hh:mm:ss[.fff]} in {@code zone}, for messages. */
    private String show(long ticks, ZoneId zone) {
        long second = Math.floorDiv(ticks, ticksPerSecond);
        long fraction = Math.floorMod(ticks, ticksPerSecond);
        ZoneOffset offset = zone.getRules().getOffset(Instant.ofEpochSecond(second));
        String text = LocalDateTime.ofEpochSecond(second, 0, offset).toString().replace('T', ' ');
        if (text.length() == 16) {
            text += ":00"; // LocalDateTime leaves out zero seconds
        }
        if (precision == 0 || !wide) {
            return text;
        }
        String digits = Long.toString(fraction + ticksPerSecond).substring(1);
        return text + "." + digits;
    }
}
