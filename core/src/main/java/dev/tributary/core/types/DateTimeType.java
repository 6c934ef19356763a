package dev.tributary.core.types;

/**
 * {@code DateTime} or {@code DateTime('zone')}: seconds since 1970-01-01 00:00:00 UTC as an
 * unsigned 32-bit number, shown in the column's time zone.
 *
 * @param timezone the column's own time zone (a name Java knows), or null when it has none
 */
public record DateTimeType(String timezone) implements ClickHouseType, TimeZoned {

    /** {@code DateTime} without a time zone of its own. */
    public static final DateTimeType WITHOUT_TIMEZONE = new DateTimeType(null);

    public DateTimeType {
        Zones.requireKnown(timezone);
    }

    @Override
    public Kind kind() {
        return Kind.DATETIME;
    }

    @Override
    public String toString() {
        return timezone == null ? "DateTime" : "DateTime(" + TypeText.quoteString(timezone) + ")";
    }
}
