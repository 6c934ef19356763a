package dev.tributary.kinesis;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The static source's background threads, apart from its logic: the fetch threads its shard readers
 * run on, and the thread that lists shards. Daemon threads, named after the pipeline; stopped by
 * {@link #close}. The pipeline thread itself only drains buffers and commits.
 */
final class ReaderThreads implements AutoCloseable {

    final ScheduledExecutorService fetch;
    final ScheduledExecutorService discovery;

    ReaderThreads(String pipeline, int fetchThreads) {
        this.fetch = Executors.newScheduledThreadPool(fetchThreads, named("tributary-kinesis-" + pipeline + "-fetch"));
        this.discovery = Executors.newSingleThreadScheduledExecutor(named("tributary-kinesis-" + pipeline + "-discovery"));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger sequence = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + sequence.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Stops both at once; tasks running are interrupted. */
    @Override
    public void close() {
        discovery.shutdownNow();
        fetch.shutdownNow();
    }
}
