package dev.tributary.kinesis;

/**
 * Whether the calls of one reader (or of shard discovery) reach Kinesis: since when they have been
 * failing, and the last failure. An answer that says "slow down" (throttling) counts as reached.
 * Written by the fetch threads, read by the pipeline thread, which fails the source once the
 * failures have lasted {@code unreachableTimeout}.
 */
final class Reachability {

    private long failingSinceNanos;
    private long failingSinceMillis;
    private int failures;
    private String lastCall;
    private Throwable lastError;

    /** A call got an answer (or none is being tried: the clock starts again at the next failure). */
    synchronized void reached() {
        failingSinceNanos = 0;
        failures = 0;
        lastCall = null;
        lastError = null;
    }

    /** {@code call} failed with {@code error}. */
    synchronized void failed(String call, Throwable error) {
        if (KinesisErrors.isThrottling(error) || KinesisErrors.isExpiredIterator(error)) {
            reached(); // Kinesis answered
            return;
        }
        if (failures == 0) {
            failingSinceNanos = System.nanoTime();
            failingSinceMillis = System.currentTimeMillis();
        }
        failures++;
        lastCall = call;
        lastError = error;
    }

    /**
     * A description of the failures if they have lasted at least {@code timeoutNanos}, else null.
     */
    synchronized String failingLongerThan(long timeoutNanos) {
        if (failures == 0 || System.nanoTime() - failingSinceNanos < timeoutNanos) {
            return null;
        }
        long seconds = (System.nanoTime() - failingSinceNanos) / 1_000_000_000L;
        return "for " + seconds + " s (since " + java.time.Instant.ofEpochMilli(failingSinceMillis) + ", " + failures
                + " failed " + lastCall + " calls; the last: " + KinesisErrors.describe(lastError) + ")";
    }

    synchronized Throwable lastError() {
        return lastError;
    }
}
