package dev.tributary.core.types;

import java.time.ZoneId;

/** A date-time type that may have a time zone of its own: {@link DateTimeType} and {@link DateTime64Type}. */
public sealed interface TimeZoned permits DateTimeType, DateTime64Type {

    /** The column's own time zone (a name Java knows), or null when it has none. */
    String timezone();

    /** Whether the column has a time zone of its own. */
    default boolean hasTimezone() {
        return timezone() != null;
    }

    /** The column's zone, or {@code fallback} when it has none. */
    default ZoneId zoneOr(ZoneId fallback) {
        return timezone() == null ? fallback : ZoneId.of(timezone());
    }
}
