package dev.tributary.core.types;

import java.time.DateTimeException;
import java.time.ZoneId;

/** Checks the time zone names of {@code DateTime} and {@code DateTime64} types. */
final class Zones {

    private Zones() {
    }

    /** Refuses a zone that Java does not know: values could not be converted in it. */
    static void requireKnown(String timezone) {
        if (timezone == null) {
            return;
        }
        try {
            ZoneId.of(timezone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("unknown time zone " + TypeText.quoteString(timezone), e);
        }
    }
}
