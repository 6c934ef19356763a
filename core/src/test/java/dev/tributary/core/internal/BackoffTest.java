package dev.tributary.core.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {

    @Test
    void doublesFromTheInitialDelayUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertEquals(100, backoff.capMillis(0));
        assertEquals(200, backoff.capMillis(1));
        assertEquals(800, backoff.capMillis(3));
        assertEquals(1_000, backoff.capMillis(4));
        assertEquals(1_000, backoff.capMillis(Integer.MAX_VALUE));
        assertEquals(100, backoff.capMillis(-1), "a negative retry number counts as the first");
    }

    @Test
    void aDelayIsHalfToAllOfTheCapped() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
        for (int retry = 0; retry < 200; retry++) {
            long cap = backoff.capMillis(retry);
            long delay = backoff.delayMillis(retry);
            assertTrue(delay >= cap / 2 && delay <= cap, "retry " + retry + ": " + delay + " outside [" + cap / 2 + ", " + cap + "]");
        }
    }

    /** The sink's old backoff shifted a long initial delay past 63 bits: a negative bound, IllegalArgumentException. */
    @Test
    void aLongInitialDelayNeverOverflows() {
        long max = Duration.ofDays(730_000).toMillis();
        Backoff backoff = new Backoff(Duration.ofDays(365_000), Duration.ofDays(730_000));
        for (int retry = 0; retry < 100; retry++) {
            long delay = backoff.delayMillis(retry);
            assertTrue(delay >= 0 && delay <= max, "retry " + retry + ": " + delay);
        }
        assertEquals(Long.MAX_VALUE, new Backoff(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE)).capMillis(63));
        assertEquals(1L << 62, new Backoff(Duration.ofMillis(1), Duration.ofMillis(Long.MAX_VALUE)).capMillis(62));
    }

    @Test
    void anInitialDelayAboveTheMaximumIsCutToIt() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofMillis(50));
        assertEquals(50, backoff.capMillis(0));
        assertEquals(50, backoff.capMillis(5));
    }

    @Test
    void aZeroInitialDelayNeverWaits() {
        Backoff backoff = new Backoff(Duration.ZERO, Duration.ofSeconds(5));
        assertEquals(0, backoff.capMillis(0));
        assertEquals(0, backoff.delayMillis(40));
    }

    @Test
    void negativeDelaysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ofMillis(-1), Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofMillis(-1)));
    }

    @Test
    void aPauseEndsAsSoonAsItIsToldToStop() {
        Backoff backoff = new Backoff(Duration.ofHours(1), Duration.ofHours(1));
        assertFalse(backoff.pause(0, () -> true));
    }

    @Test
    void aPauseEndsAtItsDeadline() {
        Backoff backoff = new Backoff(Duration.ofHours(1), Duration.ofHours(1));
        assertTrue(backoff.pause(0, () -> false, System.nanoTime()));
    }
}
