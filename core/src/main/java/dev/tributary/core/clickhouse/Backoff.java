package dev.tributary.core.clickhouse;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/** Exponential backoff with jitter, from an initial delay doubling up to a maximum. */
final class Backoff {

    /** Attempts before giving up while connecting at start (about a minute with the defaults). */
    private static final int OPEN_ATTEMPTS = 12;

    private final long initialMillis;
    private final long maxMillis;

    Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
    }

    /** The delay before attempt {@code attempt + 1}: between half and all of the exponential delay. */
    long delayMillis(int attempt) {
        long exponential = attempt >= 30 ? maxMillis : Math.min(maxMillis, initialMillis << attempt);
        return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
    }

    /**
     * Sleeps for the delay of {@code attempt}, in short steps so that {@code stop} is noticed quickly.
     *
     * @return false if {@code stop} became true (or the thread was interrupted) before the delay ended
     */
    boolean pause(int attempt, BooleanSupplier stop) {
        return pause(attempt, stop, Long.MAX_VALUE);
    }

    /**
     * As {@link #pause(int, BooleanSupplier)}, but never past {@code deadlineNanos} (a
     * {@link System#nanoTime()} value): the wait is cut short there, and true is returned.
     */
    boolean pause(int attempt, BooleanSupplier stop, long deadlineNanos) {
        long until = System.nanoTime() + delayMillis(attempt) * 1_000_000;
        if (deadlineNanos != Long.MAX_VALUE && deadlineNanos - until < 0) {
            until = deadlineNanos; // nanoTime values are compared by difference: they may be negative
        }
        try {
            while (System.nanoTime() - until < 0) {
                if (stop.getAsBoolean()) {
                    return false;
                }
                Thread.sleep(Math.max(1, Math.min(100, (until - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return !stop.getAsBoolean();
    }

    /**
     * Runs {@code action}, retrying failures that mean "ClickHouse is unreachable for now" a bounded
     * number of times; any other failure, or the last retryable one, becomes an
     * {@link IllegalStateException} saying what could not be done.
     */
    <T> T retryWhileUnreachable(String what, Callable<T> action) {
        for (int attempt = 0; ; attempt++) {
            try {
                return action.call();
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                InsertFailure failure = InsertFailure.classify(e);
                if (!failure.isKnownTransient() || attempt + 1 >= OPEN_ATTEMPTS
                        || !pause(attempt, () -> false)) {
                    throw new IllegalStateException("cannot " + what + ": " + failure.message(), e);
                }
            }
        }
    }
}
