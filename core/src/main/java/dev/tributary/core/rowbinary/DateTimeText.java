package dev.tributary.core.rowbinary;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;

/**
 * Date and date-time text, parsed by hand (no regex, no formatter per value), and the calendar
 * arithmetic the date encoders share.
 *
 * <p>Accepted: {@code YYYY-MM-DD}, optionally followed by {@code T}, {@code t} or a space and
 * {@code hh:mm}, {@code hh:mm:ss} or {@code hh:mm:ss.f…} (any number of fraction digits; beyond 9
 * they are dropped), optionally followed (after an optional space) by {@code Z} or an offset
 * {@code ±hh}, {@code ±hhmm}, {@code ±hh:mm}.
 */
final class DateTimeText {

    static final int SECONDS_PER_DAY = 86_400;
    static final String FORMATS = "expected YYYY-MM-DD, YYYY-MM-DD hh:mm:ss[.fff] or ISO 8601 such as"
            + " 2024-01-31T12:00:00.5+01:00";

    /** What {@link #parse} returns for text that is not a valid date or date-time. */
    static final long INVALID = -1;
    /**
     * {@link #parse}'s result packs, from the low bits: the epoch day + {@link #DAY_BIAS} (22 bits:
     * years 0000 to 9999), the second of the day (17), whether an offset was given (1) and the
     * offset + {@link #OFFSET_BIAS} seconds (17). A long rather than an object: parsed per value on
     * the hot path. The fraction is read by {@link #nano}.
     */
    private static final long DAY_BIAS = 719_528;
    private static final int OFFSET_BIAS = 18 * 3600;

    private DateTimeText() {
    }

    /** The parsed text (read with {@link #epochDay(long)} etc.), or {@link #INVALID}. */
    static long parse(CharSequence text) {
        int length = text.length();
        if (length < 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return INVALID;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)) {
            return INVALID;
        }
        long epochDay = epochDay(year, month, day);
        if (length == 10) {
            return pack(epochDay, 0, false, 0);
        }
        char separator = text.charAt(10);
        if (separator != 'T' && separator != 't' && separator != ' ' || length < 16 || text.charAt(13) != ':') {
            return INVALID;
        }
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = 0;
        int i = 16;
        if (i < length && text.charAt(i) == ':') {
            second = digits(text, 17, 2);
            i = 19;
            if (i < length && text.charAt(i) == '.') {
                int start = ++i;
                while (i < length && isDigit(text.charAt(i))) {
                    i++;
                }
                if (i == start) {
                    return INVALID;
                }
            }
        }
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return INVALID;
        }
        int secondOfDay = hour * 3600 + minute * 60 + second;
        if (i == length) {
            return pack(epochDay, secondOfDay, false, 0);
        }
        if (text.charAt(i) == ' ') {
            i++;
        }
        int offset = offsetSeconds(text, i);
        return offset == Integer.MIN_VALUE ? INVALID : pack(epochDay, secondOfDay, true, offset);
    }

    private static long pack(long epochDay, int secondOfDay, boolean hasOffset, int offsetSeconds) {
        return (epochDay + DAY_BIAS) | (long) secondOfDay << 22 | (hasOffset ? 1L << 39 : 0)
                | (long) (offsetSeconds + OFFSET_BIAS) << 40;
    }

    /** The day of a {@link #parse} result, since 1970-01-01. */
    static long epochDay(long parsed) {
        return (parsed & 0x3F_FFFF) - DAY_BIAS;
    }

    /** The second of the day of a {@link #parse} result. */
    static int secondOfDay(long parsed) {
        return (int) (parsed >>> 22 & 0x1_FFFF);
    }

    /** Whether the text {@link #parse} read gave an offset (or Z). */
    static boolean hasOffset(long parsed) {
        return (parsed & 1L << 39) != 0;
    }

    /** The offset of a {@link #parse} result with {@link #hasOffset}, in seconds. */
    static int offsetSeconds(long parsed) {
        return (int) (parsed >>> 40 & 0x1_FFFF) - OFFSET_BIAS;
    }

    /**
     * The nanoseconds of the fraction of text {@link #parse} accepted ({@code hh:mm:ss.f…}; digits
     * beyond 9 dropped), 0 without one.
     */
    static int nano(CharSequence text) {
        int length = text.length();
        if (length < 21 || text.charAt(19) != '.') {
            return 0;
        }
        int nano = 0;
        int digits = 0;
        for (int i = 20; i < length && isDigit(text.charAt(i)); i++) {
            if (digits++ < 9) {
                nano = nano * 10 + text.charAt(i) - '0';
            }
        }
        for (; digits < 9; digits++) {
            nano *= 10;
        }
        return nano;
    }

    /** {@code Z} or {@code ±hh[[:]mm]} from {@code i} to the end, in seconds; MIN_VALUE when it is not one. */
    private static int offsetSeconds(CharSequence text, int i) {
        int length = text.length();
        if (i == length - 1 && (text.charAt(i) == 'Z' || text.charAt(i) == 'z')) {
            return 0;
        }
        if (i >= length || text.charAt(i) != '+' && text.charAt(i) != '-') {
            return Integer.MIN_VALUE;
        }
        int sign = text.charAt(i) == '-' ? -1 : 1;
        int rest = length - i - 1;
        int hours = digits(text, i + 1, 2);
        int minutes;
        if (rest == 2) {
            minutes = 0;
        } else if (rest == 4) {
            minutes = digits(text, i + 3, 2);
        } else if (rest == 5 && text.charAt(i + 3) == ':') {
            minutes = digits(text, i + 4, 2);
        } else {
            return Integer.MIN_VALUE;
        }
        if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59 || hours == 18 && minutes > 0) {
            return Integer.MIN_VALUE;
        }
        return sign * (hours * 3600 + minutes * 60);
    }

    /** The value of {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(CharSequence text, int from, int count) {
        if (from + count > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + c - '0';
        }
        return value;
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
    static long epochDay(int year, int month, int day) {
        long y = month <= 2 ? year - 1 : year;
        long era = Math.floorDiv(y, 400);
        long yearOfEra = y - era * 400;
        long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
        long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    /**
     * The epoch second of a local date-time in a zone, as ClickHouse resolves it: in an overlap the
     * earlier offset, in a gap (a time that does not exist) the offset after the transition.
     *
     * @param fixed the zone's offset when it never changes (then {@code rules} is not consulted), else null
     */
    static long epochSecond(long epochDay, int secondOfDay, ZoneRules rules, ZoneOffset fixed) {
        long local = epochDay * SECONDS_PER_DAY + secondOfDay;
        if (fixed != null) {
            return local - fixed.getTotalSeconds();
        }
        return epochSecond(LocalDateTime.of(LocalDate.ofEpochDay(epochDay), LocalTime.ofSecondOfDay(secondOfDay)), rules);
    }

    /** {@link #epochSecond(long, int, ZoneRules, ZoneOffset)} for a LocalDateTime (its nanos are ignored). */
    static long epochSecond(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (!offsets.isEmpty()) {
            return local.toEpochSecond(offsets.get(0));
        }
        ZoneOffsetTransition gap = rules.getTransition(local);
        return local.toEpochSecond(gap.getOffsetAfter());
    }
}
