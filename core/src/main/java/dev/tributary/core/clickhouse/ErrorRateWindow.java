package dev.tributary.core.clickhouse;

import java.util.ArrayDeque;
import java.util.Locale;

/**
 * The sink's error-rate bound ({@code errorTolerance(maxFailedShare, windowRecords)}): the share of
 * failed records (decode, mapping and insert errors alike) among the most recent records, counted
 * by whole batches — the newest batches that together hold at least {@code windowRecords} records.
 * It trips when that share is above {@code maxFailedShare} once a full window has been seen, so
 * that an operator can have a stopped pipeline rather than a stream diverted wholesale into the
 * error table. Thread-safe: batches are written on several insert threads.
 */
final class ErrorRateWindow {

    private final double maxFailedShare;
    private final long windowRecords;
    private final ArrayDeque<long[]> batches = new ArrayDeque<>(); // {records, failed} per batch, oldest first
    private long records;
    private long failed;

    ErrorRateWindow(double maxFailedShare, long windowRecords) {
        this.maxFailedShare = maxFailedShare;
        this.windowRecords = windowRecords;
    }

    /**
     * Adds one batch's counts.
     *
     * @return null while within the bound, else what was exceeded (the batch's counts are then not kept)
     */
    synchronized String add(long batchRecords, long batchFailed) {
        if (batchRecords <= 0) {
            return null;
        }
        batches.addLast(new long[] {batchRecords, batchFailed});
        records += batchRecords;
        failed += batchFailed;
        while (batches.size() > 1 && records - batches.peekFirst()[0] >= windowRecords) {
            long[] oldest = batches.pollFirst();
            records -= oldest[0];
            failed -= oldest[1];
        }
        if (records >= windowRecords && failed > maxFailedShare * records) {
            String breach = String.format(Locale.ROOT, "%,d of the last %,d records failed (%.1f%%), more than the"
                            + " errorTolerance of %s%% over a window of %,d records", failed, records,
                    100.0 * failed / records, percent(maxFailedShare), windowRecords);
            long[] last = batches.pollLast();
            records -= last[0];
            failed -= last[1];
            return breach;
        }
        return null;
    }

    static String percent(double share) {
        return java.math.BigDecimal.valueOf(share * 100).stripTrailingZeros().toPlainString();
    }
}
