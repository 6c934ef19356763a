package dev.tributary.core;

import java.time.Duration;
import java.util.Collection;

/**
 * Told what a pipeline does, for an application that embeds it (alerts, dashboards, audit). Register
 * one or more with {@link Pipeline.Builder#listener(PipelineListener)}.
 *
 * <p>Calls come from one thread of the pipeline's own ({@code tributary-<name>-events}), never from its
 * reading or inserting threads, in the order the events happened; a slow listener delays later calls, not
 * the pipeline (events wait in a queue). The queue holds 10,000 events: a listener that falls further
 * behind loses the events that do not fit (counted in a WARN at most once a minute; state changes and the
 * failure are always kept), so slow work belongs on a thread of the listener's own. A listener that
 * throws is logged (WARN, at most once a minute per listener) and called again for the next event; it
 * never breaks the pipeline. When the pipeline ends, the events still queued are delivered (waiting at
 * most 5 s, or {@code shutdownTimeout} if shorter) before {@link Pipeline#awaitTermination()} returns, so
 * the final state change has been told by then. Every method does nothing by default.
 */
public interface PipelineListener {

    /** The pipeline went from {@code from} to {@code to}. */
    default void onStateChange(String pipeline, Pipeline.State from, Pipeline.State to) {
    }

    /**
     * Rows became durable and their positions were committed to the source.
     *
     * @param positions     the last durable position of each split in the commit
     * @param rows          rows inserted into the table(s) since the previous commit
     * @param bytes         bytes sent for them
     * @param insertLatency the longest insert among them
     */
    default void onBatchCommitted(String pipeline, Collection<SourcePosition> positions, long rows, long bytes,
                                  Duration insertLatency) {
    }

    /** {@code count} records were written to the error table with this {@code kind}. */
    default void onErrorRecords(String pipeline, ErrorKind kind, long count) {
    }

    /** An insert into {@code table} failed with a retryable error and is tried again ({@code attempt} from 1). */
    default void onInsertRetry(String pipeline, String table, int attempt, Throwable cause) {
    }

    /** The pipeline failed and stopped; nothing more is committed. Followed by the change to FAILED. */
    default void onFailure(String pipeline, Throwable failure) {
    }
}
