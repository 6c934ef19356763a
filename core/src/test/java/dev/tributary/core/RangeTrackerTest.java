package dev.tributary.core;

import dev.tributary.core.testing.TestRecord.Position;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeTrackerTest {

    private long now = 1_000;
    private final RangeTracker tracker = new RangeTracker(() -> now);

    private static Position at(String split, long offset) {
        return new Position(split, offset);
    }

    private static PendingRange range(String split, long first, long last, long sealedAt) {
        return new PendingRange(at(split, first), at(split, last), sealedAt);
    }

    @Test
    void newRangesRunFromTheFirstToTheLastRecordSinceTheLastSealAndStayPendingUntilTheyLand() {
        for (long offset = 3; offset <= 7; offset++) {
            assertEquals(RangeTracker.Before.APPEND, tracker.before(at("a", offset)));
            assertFalse(tracker.appended(at("a", offset)));
        }
        tracker.appended(at("b", 0));
        Map<String, PendingRange> sealing = tracker.rangesToSeal(null);
        assertEquals(Map.of("a", range("a", 3, 7, 1_000), "b", range("b", 0, 0, 1_000)), sealing);
        assertEquals(Map.of("a", List.of(range("a", 3, 7, 1_000))), tracker.pendingWith(sealing, List.of("a")));
        tracker.sealed(sealing);
        assertEquals(Map.of(), tracker.rangesToSeal(null), "nothing open");

        now = 2_000;
        tracker.appended(at("a", 8));
        Map<String, PendingRange> next = tracker.rangesToSeal(null);
        assertEquals(Map.of("a", List.of(range("a", 3, 7, 1_000), range("a", 8, 8, 2_000))),
                tracker.pendingWith(next, List.of("a")));
        tracker.sealed(next);

        tracker.landed(Map.of("a", sealing.get("a"), "b", sealing.get("b")), Map.of("a", at("a", 7), "b", at("b", 0)));
        assertEquals(Map.of("a", List.of(range("a", 8, 8, 2_000)), "b", List.of()),
                tracker.pendingWith(Map.of(), List.of("a", "b")));
        assertEquals(List.of(at("a", 7), at("b", 0)), tracker.durablePositions(List.of("a", "b")));
    }

    @Test
    void aReplayedRangeIsSealedRightAfterItsLastRecordWithItsFirstSealTimeAndNeverCutEarly() {
        PendingRange first = range("a", 10, 12, 500);
        PendingRange second = range("a", 13, 20, 600);
        tracker.assigned("a", List.of(first, second));
        tracker.appended(at("b", 0));

        assertEquals(RangeTracker.Before.APPEND, tracker.before(at("a", 10)));
        assertFalse(tracker.appended(at("a", 10)));
        assertTrue(tracker.midReplay());
        // A seal for size or age leaves the replayed split open.
        assertEquals(Map.of("b", range("b", 0, 0, 1_000)), tracker.rangesToSeal(null));
        tracker.sealed(tracker.rangesToSeal(null));

        tracker.appended(at("a", 11));
        assertTrue(tracker.appended(at("a", 12)), "the range is complete at its last record");
        Map<String, PendingRange> sealing = tracker.rangesToSeal("a");
        assertEquals(Map.of("a", first), sealing);
        // The pending list keeps the range not replayed yet after the one sealed.
        assertEquals(List.of(first, second), tracker.pendingWith(sealing, List.of("a")).get("a"));
        tracker.sealed(sealing);
        assertEquals(List.of(second), tracker.replaying("a"));
        assertEquals(List.of(first, second), tracker.pendingWith(Map.of(), List.of("a")).get("a"));
    }

    @Test
    void aReplayedRangeWhoseLastRecordsAreGoneIsSealedBeforeTheFirstRecordPastIt() {
        PendingRange gone = range("a", 10, 12, 500);
        tracker.assigned("a", List.of(gone));
        tracker.appended(at("a", 10));
        assertEquals(RangeTracker.Before.SEAL_FIRST, tracker.before(at("a", 15)));
        Map<String, PendingRange> sealing = tracker.rangesToSeal("a");
        assertEquals(Map.of("a", gone), sealing);
        tracker.sealed(sealing);
        assertEquals(RangeTracker.Before.APPEND, tracker.before(at("a", 15)));
        tracker.appended(at("a", 15));
        assertEquals(Map.of("a", range("a", 15, 15, 1_000)), tracker.rangesToSeal(null));
    }

    @Test
    void aReplayedRangeOfWhichNothingCameIsDroppedAndRecordsBeforeARangeAreSealedApart() {
        tracker.assigned("a", List.of(range("a", 10, 12, 500), range("a", 20, 25, 600)));
        // Everything of the first range is gone: the record after it starts a new range.
        assertEquals(RangeTracker.Before.APPEND, tracker.before(at("a", 14)));
        assertEquals(List.of(range("a", 20, 25, 600)), tracker.replaying("a"));
        tracker.appended(at("a", 14));
        assertFalse(tracker.midReplay());
        // Records before the next replayed range must not join it.
        assertEquals(RangeTracker.Before.SEAL_FIRST, tracker.before(at("a", 20)));
        assertEquals(Map.of("a", range("a", 14, 14, 1_000)), tracker.rangesToSeal("a"));
    }

    @Test
    void forgettingASplitDropsItsOpenInFlightAndReplayedRanges() {
        tracker.assigned("a", List.of(range("a", 10, 12, 500)));
        tracker.appended(at("a", 10));
        tracker.forget(List.of("a"));
        assertEquals(Map.of(), tracker.rangesToSeal(null), "nothing open");
        assertEquals(List.of(), tracker.replaying("a"));
        assertEquals(Map.of("a", List.of()), tracker.pendingWith(Map.of(), List.of("a")));
    }
}
