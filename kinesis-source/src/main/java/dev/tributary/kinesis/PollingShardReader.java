package dev.tributary.kinesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;

import java.time.Duration;

/**
 * Reads a shard with {@code GetShardIterator} and {@code GetRecords}, one call every poll interval
 * (Kinesis allows five per second per shard, shared by every consumer), at most
 * {@code getRecordsLimit} records and never more than the buffer has room for (in records, and in
 * bytes at the average record size of the last fetch).
 *
 * <p>Runs as a task that reschedules itself on the shared fetch threads, so one task per shard is
 * ever running and its fields need no locking.
 */
final class PollingShardReader extends ShardReader {

    private static final Logger LOG = LoggerFactory.getLogger(PollingShardReader.class);

    private IteratorStart start;
    private String iterator;

    PollingShardReader(FetchContext context, String shardId) {
        super(context, shardId, "GetRecords", Duration.ofMillis(context.pollIntervalMillis()));
    }

    @Override
    void begin(IteratorStart start) {
        this.start = start;
        schedule(this::fetch, 0);
    }

    /** Where a new iterator starts: after the last record fetched, else where the reader started. */
    private IteratorStart resumePoint() {
        String last = lastFetched();
        return last != null ? IteratorStart.after(last) : start;
    }

    private void fetch() {
        if (isClosed()) {
            return;
        }
        if (mustHold()) {
            schedule(this::fetch, context.pollIntervalMillis());
            return;
        }
        try {
            if (iterator == null) {
                IteratorStart from = resumePoint();
                iterator = context.kinesis().getShardIterator(request -> from.applyTo(context.stream().applyTo(request))
                        .shardId(shardId)).shardIterator();
            }
            String current = iterator;
            int limit = fetchLimit();
            GetRecordsResponse response = context.kinesis().getRecords(request -> request.shardIterator(current).limit(limit));
            onSuccess();
            iterator = response.nextShardIterator();
            if (!accept(response)) {
                schedule(this::fetch, context.pollIntervalMillis());
            }
        } catch (RuntimeException e) {
            // Never let the task die: every failure is retried.
            if (KinesisErrors.isExpiredIterator(e)) {
                // Re-created from the last record fetched: at once the first time, with backoff if it repeats.
                iterator = null;
                LOG.info("pipeline {}: the iterator of shard {} expired; continuing from {}", context.pipeline(), describe(),
                        resumePoint());
                long delay = onFailure("GetRecords", e);
                schedule(this::fetch, failures() == 1 ? 0 : delay);
            } else {
                schedule(this::fetch, onFailure(iterator == null ? "GetShardIterator" : "GetRecords", e));
            }
        }
    }
}
