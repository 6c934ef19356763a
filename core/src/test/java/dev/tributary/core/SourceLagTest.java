package dev.tributary.core;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceLagTest {

    private static final Instant T0 = Instant.parse("2026-11-28T20:00:00Z");

    @Test
    void aSourceThatDoesNotMeasureItsLagIsNeverReadAsDrained() {
        SourceLag lag = SourceLag.notMeasured(SourceLag.Unit.RECORDS);
        assertFalse(lag.isKnown());
        assertEquals(OptionalLong.empty(), lag.total());
    }

    @Test
    void recordsAreSummedAndMillisTakeTheLargest() {
        List<SplitLag> splits = List.of(SplitLag.known("t-0", 5, T0), SplitLag.known("t-1", 7, T0.plusSeconds(1)));
        assertEquals(OptionalLong.of(12), new SourceLag(SourceLag.Unit.RECORDS, splits, T0).total());
        assertEquals(OptionalLong.of(7), new SourceLag(SourceLag.Unit.MILLIS, splits, T0).total());
        assertEquals(T0, new SourceLag(SourceLag.Unit.RECORDS, splits, T0).oldestReading());
    }

    @Test
    void oneUnknownSplitMakesTheTotalUnknownAndKeepsTheAgeOfItsLastReading() {
        SplitLag stale = SplitLag.unknown("t-1", T0, "broker unreachable");
        SourceLag lag = new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.known("t-0", 0, T0.plusSeconds(30)), stale),
                T0.plusSeconds(30));
        assertFalse(lag.isKnown());
        assertEquals(OptionalLong.empty(), lag.total());
        assertEquals(OptionalLong.empty(), stale.value());
        assertEquals(Duration.ofSeconds(30), stale.ageOfLastReading(T0.plusSeconds(30)).orElseThrow());
        assertTrue(stale.toString().contains("broker unreachable"));
    }

    @Test
    void noSplitAssignedIsKnownZeroAndANeverReadSplitHasNoAge() {
        SourceLag none = new SourceLag(SourceLag.Unit.MILLIS, List.of(), T0);
        assertTrue(none.isKnown());
        assertEquals(OptionalLong.of(0), none.total());
        SplitLag never = SplitLag.unknown("shard-1", null, "not read yet");
        assertTrue(never.ageOfLastReading(T0).isEmpty());
        assertNull(new SourceLag(SourceLag.Unit.MILLIS, List.of(never), T0).oldestReading());
    }

    @Test
    void aKnownLagNeedsAReading() {
        assertThrows(IllegalArgumentException.class, () -> new SplitLag("t-0", 3, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.known("t-0", 1, T0)), T0, false));
    }
}
