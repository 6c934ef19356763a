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

/**
 * When {@code --until-drained} stops: a lag known and 0 with nothing read during the last interval and
 * everything read handled; an unknown lag waits, then fails naming its age and reason.
 */
class QuickstartDrainTest {

    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** 10 records read, none during the last interval, all handled. */
    private static final Quickstart.Progress SETTLED = new Quickstart.Progress(10, 0, 10);

    private static SourceLag lag(SplitLag... splits) {
        return new SourceLag(SourceLag.Unit.RECORDS, List.of(splits), T0);
    }

    @Test
    void drainedIsAKnownLagOfZero() {
        assertTrue(Quickstart.drain(lag(SplitLag.known("t/0", 0, T0), SplitLag.known("t/1", 0, T0)), SETTLED, T0, T0, TIMEOUT).done());
        Quickstart.Drain behind = Quickstart.drain(lag(SplitLag.known("t/0", 0, T0), SplitLag.known("t/1", 3, T0)), SETTLED, T0, T0, TIMEOUT);
        assertFalse(behind.done());
        assertNull(behind.failure());
    }

    /** A lag of 0 may only say that everything was fetched (Kinesis' MillisBehindLatest): the records must have landed too. */
    @Test
    void aLagOfZeroIsNotDrainedWhileRecordsAreStillReadOrNotHandled() {
        SourceLag zero = new SourceLag(SourceLag.Unit.MILLIS, List.of(SplitLag.known("s/shardId-0", 0, T0)), T0);
        assertTrue(Quickstart.drain(zero, SETTLED, T0, T0, TIMEOUT).done());
        Quickstart.Drain stillReading = Quickstart.drain(zero, new Quickstart.Progress(10, 4, 10), T0, T0, TIMEOUT);
        assertFalse(stillReading.done(), "4 records read during the last interval");
        assertNull(stillReading.failure());
        assertFalse(Quickstart.drain(zero, new Quickstart.Progress(10, 0, 9), T0, T0, TIMEOUT).done(),
                "one record read is neither inserted nor in the error table yet");
    }

    /** Nothing to read (an empty topic): a known lag of 0, nothing read, nothing to handle — drained at once. */
    @Test
    void anEmptySourceIsDrainedAtOnce() {
        assertTrue(Quickstart.drain(lag(SplitLag.known("t/0", 0, T0)), new Quickstart.Progress(0, 0, 0), T0, T0, TIMEOUT).done());
    }

    @Test
    void anUnknownLagIsNeverDrainedItWaitsThenFailsWithItsAgeAndReason() {
        SourceLag unknown = lag(SplitLag.known("t/0", 0, T0),
                SplitLag.unknown("t/1", T0.minusSeconds(5), "no broker answered listOffsets within 5 s"));
        Quickstart.Drain waiting = Quickstart.drain(unknown, SETTLED, T0.plus(TIMEOUT), T0, TIMEOUT);
        assertFalse(waiting.done());
        assertNull(waiting.failure(), "still within the timeout: keep waiting");

        Quickstart.Drain failed = Quickstart.drain(unknown, SETTLED, T0.plus(TIMEOUT).plusSeconds(1), T0, TIMEOUT);
        assertFalse(failed.done());
        assertEquals("not drained: the lag has been unknown for 121.0 s (since 2026-11-28T12:00:00Z), more than 120 s:"
                + " no broker answered listOffsets within 5 s [t/1, last good reading 126 s ago]", failed.failure());
    }

    @Test
    void aSourceThatDoesNotMeasureItsLagIsNeverDrained() {
        SourceLag notMeasured = SourceLag.notMeasured(SourceLag.Unit.RECORDS);
        assertFalse(Quickstart.drain(notMeasured, SETTLED, T0, T0, TIMEOUT).done());
        assertEquals("not drained: the lag has been unknown for 121.0 s (since 2026-11-28T12:00:00Z), more than 120 s:"
                + " this source does not measure its lag", Quickstart.drain(notMeasured, SETTLED, T0.plusSeconds(121), T0, TIMEOUT).failure());
    }

    @Test
    void theProgressLineShowsTheTotalOrWhyItIsUnknown() {
        assertEquals("1,234", Quickstart.lagText(lag(SplitLag.known("t/0", 1234, T0)), T0));
        assertEquals("1,500 ms", Quickstart.lagText(new SourceLag(SourceLag.Unit.MILLIS,
                List.of(SplitLag.known("s/shardId-0", 1500, T0)), T0), T0));
        assertEquals("unknown (no partition assigned yet [t, never read])",
                Quickstart.lagText(lag(SplitLag.unknown("t", null, "no partition assigned yet")), T0));
        assertEquals("unknown (down [t/0, last good reading 1 s ago; t/1, last good reading 1 s ago; t/2, last good reading"
                        + " 1 s ago; and 2 more])",
                Quickstart.lagText(lag(SplitLag.unknown("t/0", T0.minusSeconds(1), "down"),
                        SplitLag.unknown("t/1", T0.minusSeconds(1), "down"), SplitLag.unknown("t/2", T0.minusSeconds(1), "down"),
                        SplitLag.unknown("t/3", T0.minusSeconds(1), "down"), SplitLag.unknown("t/4", T0.minusSeconds(1), "down")), T0));
    }
}
