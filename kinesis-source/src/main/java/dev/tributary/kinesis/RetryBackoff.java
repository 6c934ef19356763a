package dev.tributary.kinesis;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: from an initial delay, doubling, up to a maximum. */
record RetryBackoff(Duration initial, Duration max) {

    /** The delay before retry number {@code failures} (1 for the first): half to all of the exponential delay. */
    long delayMillis(int failures) {
        long initialMillis = initial.toMillis();
        long maxMillis = max.toMillis();
        int shift = Math.max(0, Math.min(failures - 1, 30));
        long exponential = Math.min(maxMillis, initialMillis << shift);
        return exponential / 2 + ThreadLocalRandom.current().nextLong(exponential / 2 + 1);
    }
}
