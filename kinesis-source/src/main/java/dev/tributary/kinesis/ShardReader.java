package dev.tributary.kinesis;

import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitLag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.ChildShard;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one shard in the background into a bounded buffer that the pipeline thread drains in
 * {@code poll} (a split reader, as in Flink). A reader fetches only while the source is not paused
 * and its buffer has room, so memory stays bounded by {@code maxBufferedRecords} and
 * {@code maxBufferedBytes} (plus one fetch).
 * It retries every failure with backoff — reading resumes by itself after an outage — and re-creates
 * expired iterators from the last record it fetched.
 *
 * <p>Thread use: {@link #start}, {@link #drainTo}, {@link #isDrainedAtEnd}, {@link #resume} and
 * {@link #close} are called on the pipeline thread; fetching happens on the fetch threads (and, for
 * fan-out, the SDK's event threads).
 */
abstract class ShardReader implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardReader.class);
    private static final long ASSUMED_RECORD_BYTES = 1 << 20;

    final FetchContext context;
    final String shardId;
    private final Queue<KinesisRecord> buffer = new ConcurrentLinkedQueue<>();
    private final AtomicInteger buffered = new AtomicInteger();
    private final AtomicLong bufferedBytes = new AtomicLong();
    /** The average size of the records of the last fetch (0 before the first), to size the next one. */
    private volatile long averageRecordBytes;
    private volatile boolean ended;
    private volatile boolean closed;
    /** The sequence number of the last record fetched into the buffer (where to resume fetching). */
    private volatile String lastFetched;
    /**
     * A start inside an aggregated record (its user records up to the checkpointed one are skipped);
     * cleared by the first record fetched, which is that record unless it has left the stream.
     */
    private volatile IteratorStart resumeInside;
    private int failures;
    private final Reachability reachability = new Reachability();
    private final ShardLag lag;

    /**
     * @param call             what answers with the shard's lag, for messages ("GetRecords")
     * @param expectedInterval how often such an answer comes when all is well
     */
    ShardReader(FetchContext context, String shardId, String call, Duration expectedInterval) {
        this.context = context;
        this.shardId = shardId;
        this.lag = new ShardLag(KinesisPosition.split(context.stream().name(), shardId), call,
                ShardLag.staleAfter(expectedInterval), "a call is taking long (up to apiCallTimeout)", Clock.systemUTC());
    }

    /** Starts fetching in the background from {@code start}. */
    final void start(IteratorStart start) {
        if (start.type() == ShardIteratorType.AT_SEQUENCE_NUMBER) {
            resumeInside = start;
        }
        begin(start);
    }

    /** Starts fetching in the background from {@code start} (the reader's own way). */
    abstract void begin(IteratorStart start);

    /** The source is no longer paused: fetch again. */
    void resume() {
    }

    /** {@code ListShards} says the shard is closed (fan-out readers confirm its end with it). */
    void onClosedInListing() {
    }

    /** Something may have been drained: fan-out readers ask for more events. */
    void afterDrain() {
    }

    /** {@code stream/shardId}, for messages. */
    final String describe() {
        return context.stream().name() + "/" + shardId;
    }

    final boolean isClosed() {
        return closed;
    }

    final String lastFetched() {
        return lastFetched;
    }

    /** How many more records the buffer may take now. */
    final int room() {
        return context.maxBufferedRecords() - buffered.get();
    }

    /**
     * How many records the next fetch may ask for: what the buffer has room for, in records and in
     * bytes at the average size of the last fetch's records. Before the first fetch the size is
     * taken to be 1 MiB (Kinesis' default record size limit), so even the first fetch stays within
     * the byte bound.
     */
    final int fetchLimit() {
        long roomBytes = context.maxBufferedBytes() - bufferedBytes.get();
        long average = averageRecordBytes > 0 ? averageRecordBytes : ASSUMED_RECORD_BYTES;
        long byBytes = Math.max(1, roomBytes / average);
        return (int) Math.max(1, Math.min(Math.min(context.getRecordsLimit(), room()), byBytes));
    }

    /** The bytes held by the buffer now (an estimate of the heap used). */
    final long bufferedBytes() {
        return bufferedBytes.get();
    }

    /** Whether fetching should wait: paused, buffer full (in records or bytes), or closed. */
    final boolean mustHold() {
        boolean hold = closed || context.paused() || room() <= 0 || bufferedBytes.get() >= context.maxBufferedBytes();
        if (hold) {
            reachability.reached(); // no calls while holding: a pause is not an outage
            lag.holding();
        } else {
            lag.fetching();
        }
        return hold;
    }

    /**
     * Adds fetched records to the buffer, in order, and wakes the pipeline thread. A record
     * aggregated by the Kinesis Producer Library becomes its user records ({@link KplAggregate}).
     */
    final void deliver(List<Record> records, Long behind) {
        if (behind != null) {
            lag.reading(behind);
        }
        if (records.isEmpty() || closed) {
            return;
        }
        String stream = context.stream().name();
        IteratorStart inside = resumeInside;
        resumeInside = null;
        long bytes = 0;
        int added = 0;
        for (Record record : records) {
            for (KinesisRecord kinesisRecord : KinesisRecord.rowsOf(stream, shardId, record, problem -> LOG.warn(
                    "pipeline {}: record {} of shard {} is read as one plain record: {}", context.pipeline(),
                    record.sequenceNumber(), describe(), problem))) {
                if (inside != null && inside.skips(kinesisRecord.position())) {
                    continue; // committed before the restart
                }
                bytes += kinesisRecord.estimatedBytes();
                buffer.add(kinesisRecord);
                added++;
            }
        }
        lastFetched = records.get(records.size() - 1).sequenceNumber();
        // Per Kinesis record: what a GetRecords limit counts.
        averageRecordBytes = Math.max(1, bytes / records.size());
        bufferedBytes.addAndGet(bytes);
        buffered.addAndGet(added);
        context.signal().raise();
    }

    /** The shard was read to its end (after every record was delivered). */
    final void end(List<ChildShard> children) {
        if (ended) {
            return;
        }
        ended = true;
        LOG.info("pipeline {}: reached the end of shard {}{}", context.pipeline(), describe(),
                children == null || children.isEmpty() ? "" : "; child shards "
                        + children.stream().map(ChildShard::shardId).toList());
        context.signal().raise();
    }

    final boolean isEnded() {
        return ended;
    }

    /**
     * Moves up to {@code max} buffered records to {@code out}, in order.
     *
     * @return the last record moved, or null if none
     */
    final KinesisRecord drainTo(List<SourceRecord> out, int max) {
        KinesisRecord last = null;
        int moved = 0;
        long bytes = 0;
        while (moved < max) {
            KinesisRecord record = buffer.poll();
            if (record == null) {
                break;
            }
            out.add(record);
            bytes += record.estimatedBytes();
            last = record;
            moved++;
        }
        if (moved > 0) {
            buffered.addAndGet(-moved);
            bufferedBytes.addAndGet(-bytes);
        }
        return last;
    }

    /** Whether the shard ended and every record of it left the buffer. */
    final boolean isDrainedAtEnd() {
        // 'ended' is set after the last delivery: read it first, then the buffer.
        return ended && buffer.isEmpty();
    }

    /** The shard's lag as last measured, unknown once that is no longer true ({@link ShardLag}). Safe from any thread. */
    final SplitLag lag() {
        return lag.view();
    }

    /**
     * Schedules {@code task} on the fetch threads after {@code delayMillis} (unless closed).
     */
    final void schedule(Runnable task, long delayMillis) {
        if (closed) {
            return;
        }
        try {
            context.executor().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the source is closing
        }
    }

    /**
     * Notes a failed fetch and returns how long to wait before the next attempt. Throttling is
     * expected and logged quietly; anything else is a warning with the stream and shard.
     */
    final synchronized long onFailure(String what, Throwable error) {
        failures++;
        if (!closed) {
            reachability.failed(what, error);
            if (!KinesisErrors.isThrottling(error) && !KinesisErrors.isExpiredIterator(error)) {
                lag.failed(what + ": " + KinesisErrors.describe(error));
            }
        }
        long delay = context.backoff().delayMillis(failures - 1);
        if (closed) {
            return delay; // interrupted by close: nothing to report
        }
        if (KinesisErrors.isThrottling(error) || KinesisErrors.isExpiredIterator(error)) {
            LOG.debug("pipeline {}: {} of shard {}: {}, retrying in {} ms", context.pipeline(), what,
                    describe(), KinesisErrors.describe(error), delay);
        } else {
            LOG.warn("pipeline {}: {} of shard {} failed (attempt {}), retrying in {} ms: {}", context.pipeline(), what,
                    describe(), failures, delay, KinesisErrors.describe(error));
        }
        return delay;
    }

    /** Notes a successful fetch. */
    final synchronized void onSuccess() {
        reachability.reached();
        if (failures > 0) {
            LOG.info("pipeline {}: reading shard {} again after {} failed attempts", context.pipeline(), describe(), failures);
            failures = 0;
        }
    }

    /** Whether this reader's calls reach Kinesis. */
    final Reachability reachability() {
        return reachability;
    }

    final synchronized int failures() {
        return failures;
    }

    /** The records and position of a {@code GetRecords} answer; returns whether the shard ended. */
    final boolean accept(GetRecordsResponse response) {
        deliver(response.records(), response.millisBehindLatest());
        if (response.nextShardIterator() == null) {
            end(response.childShards());
            return true;
        }
        return false;
    }

    /** Stops fetching; records still buffered are dropped (they were not handed out, so not committed). */
    @Override
    public void close() {
        closed = true;
    }
}
