package dev.tributary.core.clickhouse;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorRateWindowTest {

    @Test
    void judgesOnlyOnceAFullWindowWasSeen() {
        ErrorRateWindow window = new ErrorRateWindow(0.5, 1_000);
        assertNull(window.add(100, 100), "100 failed records of 100 are less than a window");
        assertNull(window.add(800, 300)); // 400 of 900: still less than a window
        assertNull(window.add(100, 100)); // 500 of 1,000: not more than half
        assertNull(window.add(100, 100)); // the oldest batch leaves: 500 of 1,000 again
        String breach = window.add(100, 60); // 560 of 1,100 (the window is counted by whole batches)
        assertNotNull(breach);
        assertTrue(breach.contains("560 of the last 1,100 records failed (50.9%)"), breach);
    }

    @Test
    void tripsAboveTheShareAndSaysSo() {
        ErrorRateWindow window = new ErrorRateWindow(0.5, 1_000);
        assertNull(window.add(500, 0));
        String breach = window.add(1_000, 600);
        assertNotNull(breach);
        assertTrue(breach.contains("600 of the last 1,000 records failed (60.0%)"), breach);
        assertTrue(breach.contains("errorTolerance of 50%"), breach);
        assertTrue(breach.contains("window of 1,000 records"), breach);
    }

    @Test
    void oldBatchesLeaveTheWindow() {
        ErrorRateWindow window = new ErrorRateWindow(0.1, 1_000);
        assertNotNull(window.add(1_000, 200)); // 20%: trips, and is not kept
        assertNull(window.add(1_000, 50));
        assertNull(window.add(1_000, 100)); // 10% of the newest 1,000 (the previous batch left the window)
        assertNotNull(window.add(1_000, 101));
    }

    @Test
    void zeroShareTripsOnAnyFailureOnceAWindowWasSeen() {
        ErrorRateWindow window = new ErrorRateWindow(0, 10);
        assertNull(window.add(10, 0));
        assertNotNull(window.add(10, 1));
    }

    @Test
    void retryBudgetStartsAtTheFirstRetry() {
        AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
        RetryBudget budget = new RetryBudget(Duration.ofSeconds(3), now::get);
        assertFalse(budget.exhausted());
        assertEquals(Long.MAX_VALUE, budget.deadlineNanos());
        now.addAndGet(10_000_000_000L);
        budget.retrying();
        assertEquals(now.get() + 3_000_000_000L, budget.deadlineNanos());
        now.addAndGet(2_999_000_000L);
        budget.retrying();
        assertFalse(budget.exhausted());
        now.addAndGet(1_000_000L);
        assertTrue(budget.exhausted());
        assertEquals(Duration.ofSeconds(3), budget.elapsed());
    }
}
