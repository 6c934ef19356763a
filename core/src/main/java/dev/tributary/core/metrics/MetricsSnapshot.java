package dev.tributary.core.metrics;

import dev.tributary.core.ErrorKind;

import java.time.Instant;
import java.util.Map;

/**
 * A pipeline's counters at one moment.
 *
 * @param recordsRead      records polled from the source
 * @param bytesRead        bytes of those records' keys and values as fetched (what the managed service
 *                         reports as fetched bytes)
 * @param rowsInserted     rows that landed in the target table
 * @param bytesInserted    bytes sent for those rows (the Native blocks or RowBinary inserted)
 * @param batchesInserted  successful inserts into the target table
 * @param insertRetries    inserts tried again after a retryable failure
 * @param errors           records written to the error table, by kind
 * @param insertMillisMean mean insert latency
 * @param insertMillisMax  longest insert
 * @param insertMillisLast latest insert
 * @param commits          commits to the source
 * @param lastCommit       time of the latest commit, or null if none yet
 * @param recordsSkipped   records the source never read because they were gone first (e.g. a
 *                         committed Kafka offset that fell out of retention): a gap, reported
 */
public record MetricsSnapshot(long recordsRead, long bytesRead, long rowsInserted, long bytesInserted, long batchesInserted,
                              long insertRetries, Map<ErrorKind, Long> errors, double insertMillisMean,
                              double insertMillisMax, double insertMillisLast, long commits, Instant lastCommit,
                              long recordsSkipped) {

    /** Records written to the error table, all kinds together. */
    public long errorsTotal() {
        return errors.values().stream().mapToLong(Long::longValue).sum();
    }

    /** One line for a log. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "read=%d read_bytes=%d inserted=%d bytes=%d batches=%d errors=%d %s retries=%d insert_ms(mean/max/last)=%.1f/%.1f/%.1f commits=%d last_commit=%s skipped=%d",
                recordsRead, bytesRead, rowsInserted, bytesInserted, batchesInserted, errorsTotal(), errors, insertRetries,
                insertMillisMean, insertMillisMax, insertMillisLast, commits, lastCommit == null ? "-" : lastCommit,
                recordsSkipped);
    }
}
