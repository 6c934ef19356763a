package dev.tributary.kinesis;

import dev.tributary.core.SplitLag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The staleness rule of a shard's lag, with a clock the test moves. */
class ShardLagTest {

    private static final String SPLIT = "events/shardId-000000000000";
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    /** A clock that stands still until the test moves it. */
    private static final class TestClock extends Clock {
        private Instant now = START;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    private final TestClock clock = new TestClock();
    private final ShardLag lag = new ShardLag(SPLIT, "GetRecords", Duration.ofSeconds(10), "a call is taking long", clock);

    @Test
    void staleAfterIsThreeExpectedIntervalsAndAtLeastTenSeconds() {
        assertEquals(Duration.ofSeconds(10), ShardLag.staleAfter(Duration.ofMillis(200)), "polling every 200 ms");
        assertEquals(Duration.ofSeconds(10), ShardLag.staleAfter(Duration.ofSeconds(1)), "KCL polling every second");
        assertEquals(Duration.ofSeconds(15), ShardLag.staleAfter(ShardLag.FAN_OUT_EVENT_INTERVAL), "fan-out events");
        assertEquals(Duration.ofSeconds(30), ShardLag.staleAfter(Duration.ofSeconds(10)), "a slow poll interval");
    }

    @Test
    void neverMeasuredIsUnknownWithoutALastReading() {
        clock.advance(Duration.ofSeconds(2));
        SplitLag view = lag.view();
        assertFalse(view.isKnown());
        assertNull(view.lastReading());
        assertEquals(SPLIT, view.split());
        assertEquals("no successful GetRecords yet (2.0 s since the shard was started); a call is taking long", view.unknownBecause());
    }

    @Test
    void aReadingIsKnownUntilItIsOlderThanStaleAfter() {
        lag.reading(1_500);
        Instant readAt = clock.instant();
        assertEquals(SplitLag.known(SPLIT, 1_500, readAt), lag.view());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(SplitLag.known(SPLIT, 1_500, readAt), lag.view(), "exactly staleAfter old: still trusted");
        clock.advance(Duration.ofMillis(1));
        SplitLag stale = lag.view();
        assertFalse(stale.isKnown(), "older than staleAfter");
        assertEquals(readAt, stale.lastReading(), "keeps when the last good reading was taken");
        assertEquals(-1, stale.behind(), "never the stale value");
        assertEquals("no successful GetRecords for 10.0 s; a call is taking long", stale.unknownBecause());
    }

    @Test
    void aFailedCallMakesItUnknownAtOnceAndTheNextReadingKnownAgain() {
        lag.reading(0);
        Instant readAt = clock.instant();
        clock.advance(Duration.ofMillis(300));
        lag.failed("GetRecords: connection refused");
        SplitLag failed = lag.view();
        assertFalse(failed.isKnown(), "a zero before an outage is not 'drained'");
        assertEquals(readAt, failed.lastReading());
        assertEquals("no successful GetRecords for 0.3 s; the latest failed: GetRecords: connection refused",
                failed.unknownBecause());

        clock.advance(Duration.ofSeconds(12));
        assertTrue(lag.view().unknownBecause().startsWith("no successful GetRecords for 12.3 s; the latest failed"),
                lag.view().unknownBecause());

        lag.reading(250);
        assertEquals(SplitLag.known(SPLIT, 250, clock.instant()), lag.view(), "known again after the outage");
    }

    @Test
    void aFailureBeforeTheFirstReadingSaysSo() {
        clock.advance(Duration.ofSeconds(1));
        lag.failed("SubscribeToShard: connection reset");
        SplitLag view = lag.view();
        assertNull(view.lastReading());
        assertEquals("no successful GetRecords yet (1.0 s since the shard was started); the latest failed:"
                + " SubscribeToShard: connection reset", view.unknownBecause());
    }

    @Test
    void holdingBackAgesTheReadingAndSaysWhy() {
        lag.reading(40);
        clock.advance(Duration.ofSeconds(3));
        lag.holding();
        clock.advance(Duration.ofSeconds(5));
        lag.holding(); // still holding: the time it started is kept
        assertTrue(lag.view().isKnown(), "a short hold keeps a fresh reading");
        clock.advance(Duration.ofSeconds(4));
        assertEquals("no successful GetRecords for 12.0 s; not fetching for 9.0 s (the pipeline is paused or the shard's"
                + " buffer is full)", lag.view().unknownBecause());

        lag.fetching();
        assertEquals("no successful GetRecords for 12.0 s; a call is taking long", lag.view().unknownBecause(),
                "fetching again: holding is no longer the reason");
    }

    @Test
    void aNegativeReadingCountsAsZero() {
        lag.reading(-5);
        assertEquals(0, lag.view().behind());
    }
}
