package dev.tributary.core;

import dev.tributary.core.metrics.MetricsRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The one place every event of a pipeline goes through, from whichever thread it happens on: it updates
 * the counters ({@link PipelineMetrics}) and queues the event for the {@link PipelineListener}s. The
 * sinks reach it as their {@link MetricsRecorder}.
 *
 * <p>Listeners are called on one daemon thread, {@code tributary-<name>-events} (started with the first
 * event), in the order the events were queued, never on the pipeline's or the sink's threads. A listener
 * that throws is logged (WARN, at most once a minute per listener) and called again for later events. The
 * queue holds {@value #QUEUE_CAPACITY} events: when the listeners fall that far behind, further events are
 * dropped and counted in a WARN (at most once a minute) rather than making the pipeline wait; state
 * changes and the failure have room kept for them and are not dropped. At the end ({@link #finish}) the
 * events still queued are delivered, within a bounded wait; events after that are counted, not delivered.
 */
final class PipelineEvents implements MetricsRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** Events that may wait for the listeners; more are dropped (and counted). */
    static final int QUEUE_CAPACITY = 10_000;
    /** Room beyond the capacity for state changes and the failure, which are never dropped for lack of it. */
    private static final int RESERVED = 64;
    private static final long LOG_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final Event END = new Event("end", listener -> { });

    private final String pipeline;
    private final PipelineMetrics metrics;
    private final List<Guarded> listeners;
    /** Null when there is no listener: nothing is queued and no thread is started. */
    private final ArrayBlockingQueue<Event> queue;
    private Thread thread;
    private volatile boolean finished;
    private final AtomicLong dropped = new AtomicLong();
    /** When drops were last logged (System.nanoTime()), or 0 before the first. */
    private final AtomicLong droppedLoggedNanos = new AtomicLong();

    /** What was inserted since the last commit (guarded by itself): the next commit event reports it. */
    private final long[] sinceCommit = new long[3]; // rows, bytes, longest insert in nanoseconds

    PipelineEvents(String pipeline, PipelineMetrics metrics, List<PipelineListener> listeners) {
        this.pipeline = pipeline;
        this.metrics = metrics;
        List<Guarded> guarded = new ArrayList<>();
        listeners.forEach(listener -> guarded.add(new Guarded(listener)));
        this.listeners = List.copyOf(guarded);
        this.queue = listeners.isEmpty() ? null : new ArrayBlockingQueue<>(QUEUE_CAPACITY + RESERVED);
    }

    // ---------------------------------------------------------------- from the sinks' insert threads

    @Override
    public void batchInserted(String table, int rows, long bytes, long nanos) {
        metrics.batchInserted(table, rows, bytes, nanos);
        synchronized (sinceCommit) {
            sinceCommit[0] += rows;
            sinceCommit[1] += bytes;
            sinceCommit[2] = Math.max(sinceCommit[2], nanos);
        }
    }

    @Override
    public void insertRetried(String table, int attempt, Throwable cause) {
        metrics.insertRetried(table, attempt, cause);
        emit("onInsertRetry", listener -> listener.onInsertRetry(pipeline, table, attempt, cause), false);
    }

    @Override
    public void errorsRecorded(ErrorKind kind, long count) {
        metrics.errorsRecorded(kind, count);
        emit("onErrorRecords", listener -> listener.onErrorRecords(pipeline, kind, count), false);
    }

    // ---------------------------------------------------------------- from the pipeline

    /** One record polled, with {@code bytes} bytes of key and value: counted only (no event per record). */
    void recordRead(long bytes) {
        metrics.recordRead(bytes);
    }

    void recordsSkipped(long count) {
        metrics.recordsSkipped(count);
    }

    /** {@code positions} were committed to the source: with what was inserted since the previous commit. */
    void committed(Collection<SourcePosition> positions) {
        metrics.committed();
        long rows;
        long bytes;
        long longest;
        synchronized (sinceCommit) {
            rows = sinceCommit[0];
            bytes = sinceCommit[1];
            longest = sinceCommit[2];
            java.util.Arrays.fill(sinceCommit, 0);
        }
        List<SourcePosition> committed = List.copyOf(positions);
        Duration latency = Duration.ofNanos(longest);
        emit("onBatchCommitted", listener -> listener.onBatchCommitted(pipeline, committed, rows, bytes, latency), false);
    }

    /** Called by the pipeline while it holds its state's lock, so that the events are in the order of the changes. */
    void stateChanged(Pipeline.State from, Pipeline.State to) {
        emit("onStateChange", listener -> listener.onStateChange(pipeline, from, to), true);
    }

    void failed(Throwable failure) {
        emit("onFailure", listener -> listener.onFailure(pipeline, failure), true);
    }

    /**
     * The pipeline has ended: delivers what is queued, waiting at most {@code maxWait} for the listeners,
     * then lets the events thread end. Events after this are counted, not delivered.
     */
    void finish(Duration maxWait) throws InterruptedException {
        Thread events;
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
            events = thread;
        }
        if (events == null) {
            return;
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        boolean ended = queue.offer(END, maxWait.toNanos(), TimeUnit.NANOSECONDS);
        if (ended) {
            TimeUnit.NANOSECONDS.timedJoin(events, Math.max(1, deadline - System.nanoTime()));
        }
        if (events.isAlive()) {
            LOG.warn("pipeline {}: its listeners did not take the last {} events within {}; they are dropped (a listener"
                    + " should hand slow work to a thread of its own)", pipeline, queue.size(), maxWait);
            queue.clear();
            queue.offer(END); // the thread ends after the call it is in
        }
        long lost = dropped.get();
        if (lost > 0) {
            LOG.warn("pipeline {}: {} listener events were dropped in all, the queue of {} being full", pipeline, lost,
                    QUEUE_CAPACITY);
        }
    }

    /** Events dropped because the queue was full. */
    long droppedEvents() {
        return dropped.get();
    }

    /** Queues an event for the listeners; {@code reserved}: a state change or the failure, which may use the reserve. */
    private void emit(String what, Consumer<PipelineListener> call, boolean reserved) {
        if (queue == null) {
            return;
        }
        synchronized (this) {
            if (finished) {
                return;
            }
            if (thread == null) {
                thread = new Thread(this::deliver, "tributary-" + pipeline + "-events");
                thread.setDaemon(true);
                thread.start();
            }
        }
        if ((reserved || queue.size() < QUEUE_CAPACITY) && queue.offer(new Event(what, call))) {
            return;
        }
        long lost = dropped.incrementAndGet();
        long now = System.nanoTime();
        long last = droppedLoggedNanos.get();
        if ((last == 0 || now - last >= LOG_EVERY_NANOS) && droppedLoggedNanos.compareAndSet(last, now)) {
            LOG.warn("pipeline {}: {} listener events dropped so far, {} waiting: the listeners fall behind, and the"
                    + " pipeline does not wait for them (a listener should hand slow work to a thread of its own; drops"
                    + " are logged at most once a minute)", pipeline, lost, QUEUE_CAPACITY);
        }
    }

    /** The events thread: each event to every listener, in order, until the end. */
    private void deliver() {
        try {
            for (Event event; (event = queue.take()) != END; ) {
                for (Guarded listener : listeners) {
                    listener.call(event);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Event(String method, Consumer<PipelineListener> call) {
    }

    /** A listener, and when its failures were last logged (touched by the events thread only). */
    private final class Guarded {
        private final PipelineListener listener;
        private boolean logged;
        private long loggedNanos;
        private long suppressed;

        Guarded(PipelineListener listener) {
            this.listener = listener;
        }

        void call(Event event) {
            try {
                event.call().accept(listener);
            } catch (Throwable e) {
                long now = System.nanoTime();
                if (!logged || now - loggedNanos >= LOG_EVERY_NANOS) {
                    LOG.warn("pipeline {}: listener {} threw from {}; it is called again for later events (its failures"
                            + " are logged at most once a minute; {} not logged since the last): {}", pipeline,
                            listener.getClass().getName(), event.method(), suppressed, e.toString(), e);
                    logged = true;
                    loggedNanos = now;
                    suppressed = 0;
                } else {
                    suppressed++;
                }
            }
        }
    }
}
