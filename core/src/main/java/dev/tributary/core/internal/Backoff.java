package dev.tributary.core.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one retry backoff of every module: exponential from an initial delay, doubling per retry, capped at
 * a maximum, with jitter (half to all of that delay, so that many clients that failed together do not
 * retry together). Immutable and thread-safe.
 */
public final class Backoff {

    private final long initialMillis;
    private final long maxMillis;

    /**
     * @param initial the delay before the first retry (zero: no delay at all)
     * @param max the cap; an {@code initial} above it is cut to it
     */
    public Backoff(Duration initial, Duration max) {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.isNegative()) {
            throw new IllegalArgumentException("Backoff: delays must not be negative, were " + initial + " and " + max);
        }
        this.maxMillis = max.toMillis();
        this.initialMillis = Math.min(initial.toMillis(), maxMillis);
    }

    /**
     * The delay before retry number {@code retry} (0 for the first, a negative number counts as 0) without
     * jitter: {@code initial * 2^retry}, at most {@code max}, never overflowing.
     */
    public long capMillis(int retry) {
        int shift = Math.max(0, retry);
        // initial << shift stays positive while shift is below initial's leading zero bits.
        if (initialMillis == 0 || shift >= Long.numberOfLeadingZeros(initialMillis)) {
            return initialMillis == 0 ? 0 : maxMillis;
        }
        return Math.min(maxMillis, initialMillis << shift);
    }

    /** The delay before retry number {@code retry} (0 for the first): half to all of {@link #capMillis}. */
    public long delayMillis(int retry) {
        long cap = capMillis(retry);
        return cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1);
    }

    /**
     * Sleeps for the delay of {@code retry}, in steps of at most 100 ms so that {@code stop} is noticed quickly.
     *
     * @return false if {@code stop} became true (or the thread was interrupted) before the delay ended
     */
    public boolean pause(int retry, BooleanSupplier stop) {
        return pause(retry, stop, Long.MAX_VALUE);
    }

    /**
     * As {@link #pause(int, BooleanSupplier)}, but never past {@code deadlineNanos} (a
     * {@link System#nanoTime()} value; {@link Long#MAX_VALUE} for none): the wait is cut short there, and true
     * is returned.
     */
    public boolean pause(int retry, BooleanSupplier stop, long deadlineNanos) {
        // Saturated, and kept below 2^62 so that the difference of nanoTime values below cannot wrap.
        long until = System.nanoTime() + Math.min(TimeUnit.MILLISECONDS.toNanos(delayMillis(retry)), Long.MAX_VALUE / 2);
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

    @Override
    public String toString() {
        return "Backoff[" + initialMillis + " ms doubling to " + maxMillis + " ms, with jitter]";
    }
}
