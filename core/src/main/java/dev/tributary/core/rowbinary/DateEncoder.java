package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneRules;

/**
 * {@code Date} (UInt16 days since 1970-01-01, up to 2149-06-06) and {@code Date32} (Int32 days,
 * 1900-01-01 to 2299-12-31). A date-time gives its own date part (text as written, an
 * OffsetDateTime or ZonedDateTime in its own zone); an Instant, having no zone, is taken in the
 * default zone. Integers are days since 1970-01-01.
 */
final class DateEncoder extends BaseEncoder {

    private static final String EXPECTED = "a LocalDate, date or date-time text, a date-time, or a day number";
    private static final long DATE_MAX = 65_535;
    private static final long DATE32_MIN = DateTimeText.epochDay(1900, 1, 1);
    private static final long DATE32_MAX = DateTimeText.epochDay(2299, 12, 31);

    private final boolean date32;
    private final long minDay;
    private final long maxDay;
    private final String range;
    private final String dayRange;
    private final ZoneRules defaultZone;

    DateEncoder(ClickHouseType type, boolean date32, ZoneId defaultZone) {
        super(type, date32 ? int32(DATE32_MIN) : new byte[2]);
        this.date32 = date32;
        this.minDay = date32 ? DATE32_MIN : 0;
        this.maxDay = date32 ? DATE32_MAX : DATE_MAX;
        this.range = LocalDate.ofEpochDay(minDay) + ".." + LocalDate.ofEpochDay(maxDay);
        this.dayRange = range + ", days " + minDay + ".." + maxDay + " since 1970-01-01";
        this.defaultZone = defaultZone.getRules();
    }

    /** Date32's default is its first day, 1900-01-01, not 1970-01-01 (checked against ClickHouse). */
    private static byte[] int32(long value) {
        return new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)};
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        long day;
        if (value instanceof LocalDate date) {
            day = date.toEpochDay();
        } else if (value instanceof CharSequence text) {
            long parsed = DateTimeText.parse(text);
            if (parsed == DateTimeText.INVALID) {
                throw fail(value, "is not a date", DateTimeText.FORMATS);
            }
            day = DateTimeText.epochDay(parsed);
        } else if (value instanceof LocalDateTime dateTime) {
            day = dateTime.toLocalDate().toEpochDay();
        } else if (value instanceof OffsetDateTime dateTime) {
            day = dateTime.toLocalDate().toEpochDay();
        } else if (value instanceof ZonedDateTime dateTime) {
            day = dateTime.toLocalDate().toEpochDay();
        } else if (value instanceof Instant instant) {
            long local = instant.getEpochSecond() + defaultZone.getOffset(instant).getTotalSeconds();
            day = Math.floorDiv(local, DateTimeText.SECONDS_PER_DAY);
        } else if (value instanceof Number) {
            day = Integral.toLong(value, this, dayRange);
            if (day < minDay || day > maxDay) {
                throw fail(value, "is out of range", dayRange);
            }
        } else {
            throw notAccepted(value, EXPECTED);
        }
        if (day < minDay || day > maxDay) {
            throw fail(value, "is out of range", range);
        }
        if (date32) {
            out.writeIntLE((int) day);
        } else {
            out.writeShortLE((int) day);
        }
    }
}
