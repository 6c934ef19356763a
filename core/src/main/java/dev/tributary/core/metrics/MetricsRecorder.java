package dev.tributary.core.metrics;

import dev.tributary.core.ErrorKind;

/**
 * Where a sink reports what it did, for the pipeline's counters ({@link MetricsSnapshot}) and its
 * listeners ({@code PipelineListener}): handed to the sink as {@code SinkContext.metrics()}. Called
 * from the sink's insert threads; implementations are thread-safe and never block.
 */
public interface MetricsRecorder {

    /** Reports nothing: for a sink opened outside a pipeline (a tool, a test). */
    MetricsRecorder NONE = new MetricsRecorder() {
        @Override
        public void batchInserted(String table, int rows, long bytes, long nanos) {
        }

        @Override
        public void insertRetried(String table, int attempt, Throwable cause) {
        }

        @Override
        public void errorsRecorded(ErrorKind kind, long count) {
        }
    };

    /**
     * One successful insert into {@code table} (database-qualified) of {@code rows} rows in {@code bytes}
     * bytes as sent (the Native block or the RowBinary rows), which took {@code nanos}.
     */
    void batchInserted(String table, int rows, long bytes, long nanos);

    /**
     * An insert into {@code table} failed for a reason that may pass and is tried again; {@code attempt}
     * counts from 1 for the first retry of that insert.
     */
    void insertRetried(String table, int attempt, Throwable cause);

    /** {@code count} records of one kind were written to the error table. */
    void errorsRecorded(ErrorKind kind, long count);
}
