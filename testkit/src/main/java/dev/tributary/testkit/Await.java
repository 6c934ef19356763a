package dev.tributary.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waiting in tests for a condition nobody can signal (rows in a table, a consumer's commit),
 * by polling it until a deadline; never a fixed sleep.
 */
public final class Await {

    private Await() {
    }

    /**
     * Polls {@code condition} every few milliseconds until it holds.
     *
     * @throws AssertionError naming {@code what} if it does not hold within {@code timeout}
     */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
