package dev.tributary.core;

import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.core.metrics.MetricsSnapshot;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A pipeline's counters, updated from its threads without locks; {@link #snapshot()} reads them
 * all at once for reporting. Its sinks reach it only as a {@link MetricsRecorder}; the rest is the
 * pipeline's own.
 */
final class PipelineMetrics implements MetricsRecorder {

    private final LongAdder recordsRead = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder rowsInserted = new LongAdder();
    private final LongAdder bytesInserted = new LongAdder();
    private final LongAdder batchesInserted = new LongAdder();
    private final LongAdder insertRetries = new LongAdder();
    private final Map<ErrorKind, LongAdder> errors = new EnumMap<>(ErrorKind.class);
    private final LongAdder insertNanosTotal = new LongAdder();
    private final LongAccumulator insertNanosMax = new LongAccumulator(Math::max, 0);
    private final AtomicLong lastInsertNanos = new AtomicLong();
    private final AtomicLong lastCommitEpochMillis = new AtomicLong();
    private final LongAdder commits = new LongAdder();
    private final LongAdder recordsSkipped = new LongAdder();

    PipelineMetrics() {
        for (ErrorKind kind : ErrorKind.values()) {
            errors.put(kind, new LongAdder());
        }
    }

    /** One record polled from the source, holding {@code bytes} bytes of key and value. */
    void recordRead(long bytes) {
        recordsRead.increment();
        bytesRead.add(bytes);
    }

    long recordsRead() {
        return recordsRead.sum();
    }

    @Override
    public void batchInserted(String table, int rows, long bytes, long nanos) {
        rowsInserted.add(rows);
        bytesInserted.add(bytes);
        batchesInserted.increment();
        insertNanosTotal.add(nanos);
        insertNanosMax.accumulate(nanos);
        lastInsertNanos.set(nanos);
    }

    @Override
    public void insertRetried(String table, int attempt, Throwable cause) {
        insertRetries.increment();
    }

    @Override
    public void errorsRecorded(ErrorKind kind, long count) {
        errors.get(kind).add(count);
    }

    void committed() {
        commits.increment();
        lastCommitEpochMillis.set(System.currentTimeMillis());
    }

    /** Records the source could not read because they were gone first (e.g. deleted by retention). */
    void recordsSkipped(long count) {
        recordsSkipped.add(count);
    }

    /** The counters as they are now. */
    MetricsSnapshot snapshot() {
        Map<ErrorKind, Long> errorCounts = new EnumMap<>(ErrorKind.class);
        errors.forEach((kind, adder) -> errorCounts.put(kind, adder.sum()));
        long batches = batchesInserted.sum();
        long lastCommit = lastCommitEpochMillis.get();
        return new MetricsSnapshot(recordsRead.sum(), bytesRead.sum(), rowsInserted.sum(), bytesInserted.sum(), batches,
                insertRetries.sum(), Map.copyOf(errorCounts),
                batches == 0 ? 0 : insertNanosTotal.sum() / batches / 1_000_000.0,
                insertNanosMax.get() / 1_000_000.0, lastInsertNanos.get() / 1_000_000.0,
                commits.sum(), lastCommit == 0 ? null : Instant.ofEpochMilli(lastCommit), recordsSkipped.sum());
    }
}
