package dev.tributary.bench.chaos;

import dev.tributary.testkit.Await;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** The waits of the chaos runs: their conditions query the target table, so they are asked every 100 ms. */
final class ChaosWaits {

    private ChaosWaits() {
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Await.await(what, timeout, Duration.ofMillis(100), condition);
    }

    /**
     * Waits until {@code rows} (-1 while it cannot be read) grows past its value now, or {@code finished};
     * {@code beforeEachCheck} runs first each time (restarting a pipeline that died).
     */
    static void awaitProgress(String what, Duration timeout, LongSupplier rows, Runnable beforeEachCheck,
                              BooleanSupplier finished) throws InterruptedException {
        long before = rows.getAsLong();
        await(what, timeout, () -> {
            beforeEachCheck.run();
            long now = rows.getAsLong();
            return now > before && before >= 0 || finished.getAsBoolean();
        });
    }
}
