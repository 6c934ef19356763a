package dev.tributary.core.clickhouse;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How long one batch may go on failing to be made durable before it fails for good (the sink's
 * {@code retryBudget}, one hour by default). The clock starts at the batch's first retry and runs
 * until the whole batch is durable; one instance per batch being written, used by one thread.
 */
final class RetryBudget {

    private final Duration budget;
    private final LongSupplier nanoClock;
    private long firstRetryNanos;
    private boolean started;

    RetryBudget(Duration budget) {
        this(budget, System::nanoTime);
    }

    RetryBudget(Duration budget, LongSupplier nanoClock) {
        this.budget = budget;
        this.nanoClock = nanoClock;
    }

    /** Notes a failure that is about to be retried; starts the clock on the first one. */
    void retrying() {
        if (!started) {
            started = true;
            firstRetryNanos = nanoClock.getAsLong();
        }
    }

    /** Whether the budget is used up: no more retries. */
    boolean exhausted() {
        return started && nanoClock.getAsLong() - firstRetryNanos >= budget.toNanos();
    }

    /** When the budget runs out, as a {@link System#nanoTime()} value (far in the future before the first retry). */
    long deadlineNanos() {
        return started ? firstRetryNanos + budget.toNanos() : Long.MAX_VALUE;
    }

    /** How long the batch has been failing. */
    Duration elapsed() {
        return started ? Duration.ofNanos(nanoClock.getAsLong() - firstRetryNanos) : Duration.ZERO;
    }

    Duration budget() {
        return budget;
    }
}
