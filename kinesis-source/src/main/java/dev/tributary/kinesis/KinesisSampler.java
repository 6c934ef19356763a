package dev.tributary.kinesis;

import dev.tributary.core.RecordSampler;
import dev.tributary.core.SampleStart;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Reads a few records of a Kinesis stream for a preview, with {@code ListShards},
 * {@code GetShardIterator} and {@code GetRecords} only: it writes no checkpoint, takes no lease and
 * creates no table, so pipelines on the stream — static or lease-based — never notice it. Records
 * aggregated by the Kinesis Producer Library become their user records, as in the sources, and
 * every record carries the Kinesis virtual columns ({@link KinesisVirtualColumns}).
 *
 * <p>Kinesis cannot read "the last N records" of a shard, so the two starts mean:
 * <ul>
 *   <li>{@link SampleStart#EARLIEST}: every shard (closed ones too, which hold the oldest records
 *       after a reshard) from {@code TRIM_HORIZON}, a fair share of {@code maxRecords} from each;</li>
 *   <li>{@link SampleStart#LATEST}: the open shards, from {@link #LATEST_LOOK_BACK} (one minute)
 *       before the sample began by Kinesis' clock to their tip; of what arrived in that minute, the
 *       newest {@code maxRecords}, spread over the shards. A stream that received nothing in the
 *       last minute gives an empty sample: the sampler does not wait for new records.</li>
 * </ul>
 * Each shard is read until it is caught up (an empty read at its tip, or its end), so a sample
 * returns as soon as every shard is caught up or {@code maxRecords} are read, not after the whole
 * timeout. Records come grouped by shard, in the order of the listing, each shard's in order.
 * Built by {@link KinesisBuilder#buildSampler(SampleStart)} from a source's builder. Not thread-safe.
 */
public final class KinesisSampler implements RecordSampler {

    /** How far back {@link SampleStart#LATEST} looks. */
    public static final Duration LATEST_LOOK_BACK = Duration.ofMinutes(1);

    private static final Logger LOG = LoggerFactory.getLogger(KinesisSampler.class);
    /** Kinesis allows 5 {@code GetRecords} calls per second per shard. */
    private static final long MIN_CALL_SPACING_MILLIS = 200;
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    private final StreamSettings settings;
    private final SampleStart start;
    private final Duration apiCallTimeout;
    private KinesisClients clients;

    KinesisSampler(StreamSettings settings, SampleStart start, Duration apiCallTimeout) {
        this.settings = settings;
        this.start = start;
        this.apiCallTimeout = apiCallTimeout;
    }

    /** One shard being sampled: where its next read starts and what was read of it. */
    private static final class Cursor {
        final String shardId;
        final IteratorStart from;
        String iterator;
        String lastSequenceNumber;
        boolean caughtUp;
        long lastCall;
        final Deque<KinesisRecord> rows = new ArrayDeque<>();

        Cursor(String shardId, IteratorStart from) {
            this.shardId = shardId;
            this.from = from;
        }
    }

    @Override
    public List<SourceRecord> sample(int maxRecords, Duration timeout) throws InterruptedException {
        Checks.requireAtLeast("KinesisSampler", maxRecords, 1, "maxRecords");
        Checks.requirePositive("KinesisSampler", timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        if (clients == null) {
            clients = KinesisClients.create(settings, apiCallTimeout, 4);
        }
        DescribeStreamSummaryResponse described = call("find stream " + settings.stream(), deadline,
                () -> clients.sync.describeStreamSummary(request -> settings.stream().applyTo(request)));
        List<ShardInfo> shards = call("list the shards of stream " + settings.stream(), deadline,
                () -> ShardDiscovery.listShards(clients.sync, settings.stream()));
        if (described == null || shards == null) {
            return List.of(); // the timeout passed
        }
        IteratorStart from = start == SampleStart.EARLIEST ? IteratorStart.TRIM_HORIZON
                : IteratorStart.atTimestamp(StreamStartup.serverNow(described).minus(LATEST_LOOK_BACK));
        List<Cursor> cursors = new ArrayList<>();
        for (ShardInfo shard : shards) {
            if (start == SampleStart.EARLIEST || !shard.closed()) {
                cursors.add(new Cursor(shard.shardId(), from));
            }
        }
        int read = 0;
        while (System.nanoTime() < deadline && (start == SampleStart.LATEST || read < maxRecords)) {
            List<Cursor> reading = cursors.stream().filter(cursor -> !cursor.caughtUp).toList();
            if (reading.isEmpty()) {
                break;
            }
            for (Cursor cursor : reading) {
                if (start == SampleStart.EARLIEST && read >= maxRecords) {
                    break;
                }
                // EARLIEST: a fair share of what is still missing; LATEST: everything, the newest kept.
                int limit = start == SampleStart.EARLIEST
                        ? Math.max(1, Math.min(settings.getRecordsLimit(), (maxRecords - read + reading.size() - 1) / reading.size()))
                        : settings.getRecordsLimit();
                int before = cursor.rows.size();
                if (!readOnce(cursor, limit, deadline)) {
                    break; // the timeout passed
                }
                if (start == SampleStart.LATEST) {
                    while (cursor.rows.size() > maxRecords) {
                        cursor.rows.removeFirst();
                    }
                } else {
                    read += cursor.rows.size() - before;
                }
            }
        }
        return collect(cursors, maxRecords);
    }

    /**
     * One {@code GetRecords} call of a shard (with a new iterator when needed), paced to Kinesis'
     * limit; failures that may pass are retried with backoff. Returns false if the timeout passed.
     */
    private boolean readOnce(Cursor cursor, int limit, long deadline) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            long wait = cursor.lastCall + MIN_CALL_SPACING_MILLIS - System.currentTimeMillis();
            if (wait > 0) {
                if (!sleepBefore(wait, deadline)) {
                    return false;
                }
            }
            cursor.lastCall = System.currentTimeMillis();
            try {
                if (cursor.iterator == null) {
                    IteratorStart from = cursor.lastSequenceNumber != null ? IteratorStart.after(cursor.lastSequenceNumber) : cursor.from;
                    cursor.iterator = clients.sync.getShardIterator(request -> from.applyTo(settings.stream().applyTo(request))
                            .shardId(cursor.shardId)).shardIterator();
                }
                String iterator = cursor.iterator;
                GetRecordsResponse response = clients.sync.getRecords(request -> request.shardIterator(iterator).limit(limit));
                accept(cursor, response, limit);
                return true;
            } catch (RuntimeException e) {
                if (KinesisErrors.isPermanent(e)) {
                    throw new IllegalStateException("KinesisSampler: cannot read shard " + cursor.shardId + " of stream "
                            + settings.stream() + " (" + settings.where() + "): " + KinesisErrors.describe(e)
                            + "; check the stream name or ARN, the region and the credentials (" + settings.credentials() + ")", e);
                }
                if (KinesisErrors.isExpiredIterator(e)) {
                    cursor.iterator = null;
                }
                long delay = BACKOFF.delayMillis(attempt - 1);
                LOG.debug("sampling shard {} of stream {}: {}, retrying in {} ms", cursor.shardId, settings.stream(),
                        KinesisErrors.describe(e), delay);
                if (!sleepBefore(delay, deadline)) {
                    return false;
                }
            }
        }
    }

    /**
     * Keeps the rows of a read; a shard is caught up at its end, or when a read returns less than it
     * asked for while Kinesis says it is at the tip ({@code MillisBehindLatest} 0, or not given).
     */
    private void accept(Cursor cursor, GetRecordsResponse response, int limit) {
        for (Record record : response.records()) {
            cursor.rows.addAll(KinesisRecord.rowsOf(settings.stream().name(), cursor.shardId, record, problem -> LOG.warn(
                    "sampling stream {}: record {} of shard {} is read as one plain record: {}", settings.stream(),
                    record.sequenceNumber(), cursor.shardId, problem)));
            cursor.lastSequenceNumber = record.sequenceNumber();
        }
        cursor.iterator = response.nextShardIterator();
        Long behind = response.millisBehindLatest();
        boolean atTip = behind == null || behind == 0;
        if (cursor.iterator == null || (atTip && response.records().size() < limit)) {
            cursor.caughtUp = true;
        }
    }

    /** The rows to return: at most {@code maxRecords}, a fair share of each shard, grouped by shard. */
    private List<SourceRecord> collect(List<Cursor> cursors, int maxRecords) {
        int[] take = new int[cursors.size()];
        int taken = 0;
        boolean more = true;
        while (more && taken < maxRecords) {
            more = false;
            for (int i = 0; i < cursors.size() && taken < maxRecords; i++) {
                if (take[i] < cursors.get(i).rows.size()) {
                    take[i]++;
                    taken++;
                    more = true;
                }
            }
        }
        List<SourceRecord> out = new ArrayList<>(taken);
        for (int i = 0; i < cursors.size(); i++) {
            List<KinesisRecord> rows = new ArrayList<>(cursors.get(i).rows);
            // EARLIEST keeps a shard's first rows; LATEST its newest.
            out.addAll(start == SampleStart.EARLIEST ? rows.subList(0, take[i]) : rows.subList(rows.size() - take[i], rows.size()));
        }
        return out;
    }

    /** A call needed before reading; retried while it may pass. Null if the timeout passed. */
    private <T> T call(String what, long deadline, Callable<T> call) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                if (KinesisErrors.isPermanent(e)) {
                    throw new IllegalStateException("KinesisSampler: cannot " + what + " (" + settings.where() + "): "
                            + KinesisErrors.describe(e) + "; check the stream name or ARN, the region and the credentials ("
                            + settings.credentials() + ")", e);
                }
                long delay = BACKOFF.delayMillis(attempt - 1);
                LOG.debug("sampling: cannot {} yet (attempt {}), retrying in {} ms: {}", what, attempt, delay,
                        KinesisErrors.describe(e));
                if (!sleepBefore(delay, deadline)) {
                    LOG.warn("sampling: cannot {} ({}) within the timeout: {}", what, settings.where(), KinesisErrors.describe(e));
                    return null;
                }
            }
        }
    }

    /** Sleeps {@code millis} unless that passes the deadline; returns whether it slept. */
    private static boolean sleepBefore(long millis, long deadline) throws InterruptedException {
        if (System.nanoTime() + millis * 1_000_000 >= deadline) {
            return false;
        }
        Thread.sleep(millis);
        return true;
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        return KinesisVirtualColumns.ALL;
    }

    /** Releases the clients. */
    @Override
    public void close() {
        if (clients != null) {
            clients.close();
            clients = null;
        }
    }

    @Override
    public String toString() {
        return "KinesisSampler{stream=" + settings.stream() + ", " + settings.where() + ", credentials="
                + settings.credentials() + ", start=" + start + "}";
    }
}
