package dev.tributary.examples;

import dev.tributary.core.SourceLag;
import dev.tributary.core.SplitLag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When {@code --until-drained} stops: a lag known and 0; an unknown lag waits, then fails naming its age and reason. */
class QuickstartDrainTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static SourceLag lag(SplitLag... splits) {
        return new SourceLag(SourceLag.Unit.RECORDS, List.of(splits), T0);
    }

    @Test
    void drainedIsAKnownLagOfZero() {
        assertTrue(Quickstart.drain(lag(SplitLag.known("t/0", 0, T0), SplitLag.known("t/1", 0, T0)), T0, T0, TIMEOUT).done());
        Quickstart.Drain behind = Quickstart.drain(lag(SplitLag.known("t/0", 0, T0), SplitLag.known("t/1", 3, T0)), T0, T0, TIMEOUT);
        assertFalse(behind.done());
        assertNull(behind.failure());
    }

    @Test
    void anUnknownLagIsNeverDrainedItWaitsThenFailsWithItsAgeAndReason() {
        SourceLag unknown = lag(SplitLag.known("t/0", 0, T0),
                SplitLag.unknown("t/1", T0.minusSeconds(5), "no broker answered listOffsets within 5 s"));
        Quickstart.Drain waiting = Quickstart.drain(unknown, T0.plus(TIMEOUT), T0, TIMEOUT);
        assertFalse(waiting.done());
        assertNull(waiting.failure(), "still within the timeout: keep waiting");

        Quickstart.Drain failed = Quickstart.drain(unknown, T0.plus(TIMEOUT).plusSeconds(1), T0, TIMEOUT);
        assertFalse(failed.done());
        assertEquals("not drained: the lag has been unknown for 121.0 s (since 2026-11-28T12:00:00Z), more than 120 s:"
                + " no broker answered listOffsets within 5 s [t/1, last good reading 126 s ago]", failed.failure());
    }

    @Test
    void aSourceThatDoesNotMeasureItsLagIsNeverDrained() {
        SourceLag notMeasured = SourceLag.notMeasured(SourceLag.Unit.RECORDS);
        assertFalse(Quickstart.drain(notMeasured, T0, T0, TIMEOUT).done());
        assertEquals("not drained: the lag has been unknown for 121.0 s (since 2026-11-28T12:00:00Z), more than 120 s:"
                + " this source does not measure its lag", Quickstart.drain(notMeasured, T0.plusSeconds(121), T0, TIMEOUT).failure());
    }

    @Test
    void theProgressLineShowsTheTotalOrWhyItIsUnknown() {
        assertEquals("1,234", Quickstart.lagText(lag(SplitLag.known("t/0", 1234, T0)), T0));
        assertEquals("unknown (no partition assigned yet [t, never read])",
                Quickstart.lagText(lag(SplitLag.unknown("t", null, "no partition assigned yet")), T0));
        assertEquals("unknown (down [t/0, last good reading 1 s ago; t/1, last good reading 1 s ago; t/2, last good reading"
                        + " 1 s ago; and 2 more])",
                Quickstart.lagText(lag(SplitLag.unknown("t/0", T0.minusSeconds(1), "down"),
                        SplitLag.unknown("t/1", T0.minusSeconds(1), "down"), SplitLag.unknown("t/2", T0.minusSeconds(1), "down"),
                        SplitLag.unknown("t/3", T0.minusSeconds(1), "down"), SplitLag.unknown("t/4", T0.minusSeconds(1), "down")), T0));
    }
}
