package dev.tributary.kinesis;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the pipeline thread waiting in {@code poll} when a fetcher has something for it (records,
 * the end of a shard) or when {@code wakeup()} is called. A signal raised while nobody waits is
 * kept for the next wait, so none is lost.
 */
final class Signal {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition raisedCondition = lock.newCondition();
    private boolean raised;

    void raise() {
        lock.lock();
        try {
            raised = true;
            raisedCondition.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until raised or {@code nanos} passed, and lowers the signal. */
    void await(long nanos) {
        lock.lock();
        try {
            long remaining = nanos;
            while (!raised && remaining > 0) {
                remaining = raisedCondition.awaitNanos(remaining);
            }
            raised = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }
}
