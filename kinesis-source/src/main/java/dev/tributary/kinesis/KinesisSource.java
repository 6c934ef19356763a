package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;
import dev.tributary.core.RecordCodec;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitLag;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads an Amazon Kinesis data stream with the AWS SDK v2, by polling ({@code GetRecords}) or with
 * enhanced fan-out ({@code SubscribeToShard} over HTTP/2). Each shard is a split named
 * {@code <stream>/<shardId>}.
 *
 * <p>Shards are read in the background by one reader each, into bounded buffers that {@link #poll}
 * drains on the pipeline thread; {@link #pause()} stops the fetching. New shards are discovered
 * with {@code ListShards} every {@code shardDiscoveryInterval}; a child shard is read only after
 * each of its parents was read to its end and everything read from it was committed (its
 * {@link Checkpoint#SHARD_END} marker saved), so the records of a partition key stay in order across
 * splits and merges. A shard that ends is reported finished to the pipeline, which then flushes and
 * commits what it read from it.
 *
 * <p>This class is the {@link Source} contract; the work is done by {@link ShardLifecycle} (starting
 * and finishing shards, with {@link ShardTracker}'s lineage rules), the {@link ShardReader}s (one per
 * shard, on the {@link ReaderThreads}), {@link ShardDiscovery}, {@link CheckpointQueue} and
 * {@link StreamStartup}. Its settings shared with {@link LeaseKinesisSource} are {@link KinesisBuilder}'s.
 *
 * <p>Checkpoints go to a {@link CheckpointStore} (by default a ClickHouse table) from
 * {@link #commit}, i.e. once the sink has made the records durable; a restart resumes after them.
 * A shard without a checkpoint gets its resolved starting position saved as a start marker before
 * it is read, so that a starting position applies once. For exactly-once delivery (when the store
 * {@linkplain CheckpointStore#keepsPendingRanges() keeps pending ranges}) each shard's pending ranges
 * are saved with its checkpoint, as one value ({@link #commit(Collection, Map)}), and handed back when
 * the shard is next assigned ({@link #pendingRanges}); they are its next records, and a shard with
 * pending ranges is not finished. Shard buffers are bounded in records and
 * bytes; Kinesis unreachable for {@code unreachableTimeout} fails {@link #poll}.
 * Several instances can share a stream with a static {@link ShardAssignment}.
 *
 * <pre>{@code
 * KinesisSource source = KinesisSource.builder()
 *         .streamName("events")
 *         .region("eu-west-1")
 *         .credentials(KinesisCredentials.assumeRole("arn:aws:iam::123456789012:role/reader", "tributary",
 *                 KinesisCredentials.defaultChain()))
 *         .startingPosition(StartingPosition.TRIM_HORIZON)
 *         .checkpointStore(ClickHouseCheckpointStore.builder().endpoint("http://127.0.0.1:8123").build())
 *         .build();
 * }</pre>
 * Secrets (keys, session tokens, external ids, the store's password) never appear in logs,
 * exceptions or {@code toString()}.
 */
public final class KinesisSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisSource.class);

    private final Config config;
    private final AtomicBoolean paused = new AtomicBoolean();
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final Signal signal = new Signal();

    // Set by open, on the pipeline thread.
    private String pipeline;
    private KinesisClients clients;
    private ReaderThreads threads;
    private ShardDiscovery discovery;
    private CheckpointQueue checkpoints;
    /** The shards being read; volatile: progress queries come from other threads. */
    private volatile ShardLifecycle shards;
    /** Whether a shard listing was applied: before it, no shard read is not "nothing to read". */
    private volatile boolean listed;

    private KinesisSource(Config config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void open(SourceContext context) {
        if (clients != null) {
            throw new IllegalStateException("KinesisSource for stream " + config.common.stream() + " is already open");
        }
        pipeline = context.pipelineName();
        String application = config.common.applicationName() != null ? config.common.applicationName() : pipeline;
        StreamStartup startup = new StreamStartup(pipeline, config);
        try {
            clients = KinesisClients.create(config);
            DescribeStreamSummaryResponse described = startup.awaitStream(clients.sync);
            String streamArn = described.streamDescriptionSummary().streamARN();
            // Taken at once: serverNow trusts this machine's clock only within the second of the answer.
            Instant latestStart = StreamStartup.serverNow(described);
            CheckpointStore store = config.checkpointStore;
            startup.call("open the checkpoint store " + store, () -> {
                store.open();
                return null;
            });
            Map<String, Checkpoint> stored = startup.call("read the checkpoints from " + store,
                    () -> store.load(application, config.common.stream().name()));
            String consumerArn = config.common.fanOutConsumer() == null ? null : startup.call("register the enhanced fan-out consumer "
                    + config.common.fanOutConsumer(), () -> FanOutConsumer.ensureActive(clients.sync, streamArn, config.common.fanOutConsumer(),
                    startup.deadline()));
            threads = new ReaderThreads(pipeline, config.fetchThreads);
            Backoff backoff = new Backoff(config.retryInitial, config.retryMax);
            FetchContext fetch = new FetchContext(pipeline, config.common.stream(), clients.sync, clients.async, consumerArn, threads.fetch,
                    paused, signal, config.common.maxBufferedRecordsPerShard(), config.common.maxBufferedBytesPerShard(), config.common.getRecordsLimit(),
                    config.common.pollInterval().toMillis(), backoff);
            discovery = new ShardDiscovery(pipeline, clients.sync, config.common.stream(), store, application,
                    config.shardDiscoveryInterval.toMillis(), threads.discovery, signal, backoff);
            List<ShardInfo> listed = startup.call("list the shards of stream " + config.common.stream(), discovery::listShards);
            checkpoints = new CheckpointQueue(pipeline, config.common.stream(), store, application, backoff);
            shards = new ShardLifecycle(pipeline, config.common.stream(), fetch, new ShardTracker(config.assignment, config.common.startingPosition()),
                    checkpoints, context.splitListener(), discovery::requestSoon, latestStart);
            // Applied by the first poll: splits are reported to the pipeline from within poll.
            discovery.publish(new ShardDiscovery.Snapshot(listed, stored));
            discovery.start();
            LOG.info("pipeline {}: reading Kinesis stream {} ({} shards, {}, {}) as application {}, {}; new shards start at {};"
                            + " checkpoints in {}", pipeline, config.common.stream(), listed.size(),
                    consumerArn == null ? "polling every " + config.common.pollInterval().toMillis() + " ms" : "enhanced fan-out as " + consumerArn,
                    config.common.where(), application, config.assignment, config.common.startingPosition(), store);
        } catch (RuntimeException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("KinesisSource: interrupted while opening stream " + config.common.stream(), e);
        }
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SourceRecord> out = new ArrayList<>();
        while (true) {
            failIfUnreachable();
            ShardDiscovery.Snapshot listing = discovery.take();
            if (listing != null) {
                shards.apply(listing);
                listed = true;
            }
            shards.finishEndedShards();
            shards.retryPendingCheckpoints();
            shards.startSavedShards();
            if (!paused.get()) {
                shards.drain(out, config.common.maxPollRecords());
            }
            long remaining = deadline - System.nanoTime();
            if (!out.isEmpty() || remaining <= 0 || wakeupRequested.getAndSet(false)) {
                return out;
            }
            signal.await(remaining);
        }
    }

    /**
     * Fails the source (and so the pipeline) once a reader's or the shard listing's calls have failed
     * for {@code unreachableTimeout} without an answer in between: an outage that long is reported
     * rather than waited out for ever.
     */
    private void failIfUnreachable() {
        long timeout = config.unreachableTimeout.toNanos();
        String failing = discovery.reachability().failingLongerThan(timeout);
        String what = "listing its shards";
        Throwable cause = discovery.reachability().lastError();
        for (ActiveShard shard : shards.shards()) {
            if (failing != null) {
                break;
            }
            failing = shard.reader.reachability().failingLongerThan(timeout);
            what = "reading shard " + shard.shardId();
            cause = shard.reader.reachability().lastError();
        }
        if (failing != null) {
            throw new IllegalStateException("KinesisSource: stream " + config.common.stream() + " cannot be reached at "
                    + config.common.where() + " " + failing
                    + " while " + what + "; giving up after unreachableTimeout (" + config.unreachableTimeout.toSeconds()
                    + " s). Check the network, the endpoint and the credentials, or raise unreachableTimeout", cause);
        }
    }

    @Override
    public void pause() {
        paused.set(true);
    }

    @Override
    public void resume() {
        if (paused.getAndSet(false) && shards != null) {
            shards.resume();
        }
    }

    /**
     * Saves these positions as checkpoints before it returns (synchronously, one write to the store);
     * if the store cannot be written it throws, and the checkpoints are kept and saved with the next
     * commit or a retry from {@code poll}. Pending ranges saved before for these shards are cleared.
     */
    @Override
    public void commit(Collection<SourcePosition> positions) {
        checkpoints.queue(positions, Map.of(), shards::get);
        checkpoints.save(true);
    }

    /** Whether the checkpoint store keeps pending ranges ({@link CheckpointStore#keepsPendingRanges()}). */
    @Override
    public boolean supportsExactlyOnce() {
        return config.checkpointStore.keepsPendingRanges();
    }

    /**
     * Saves, for each shard named, its checkpoint (the position given, else the one it has) and its
     * pending ranges, as one value per shard in one write to the store; a failure is thrown, and the
     * values are kept and saved with the next commit or a retry from {@code poll}. A finished shard
     * ({@code SHARD_END} saved) takes no pending ranges.
     */
    @Override
    public void commit(Collection<SourcePosition> positions, Map<String, List<PendingRange>> pending) {
        if (!supportsExactlyOnce()) {
            throw new UnsupportedOperationException("KinesisSource for stream " + config.common.stream() + ": checkpoint store "
                    + config.checkpointStore + " does not keep pending ranges (exactly-once delivery)");
        }
        checkpoints.queue(positions, pending, shards::get);
        checkpoints.save(true);
    }

    /** The ranges saved beside the checkpoint the shard was assigned with: its next records, replayed first. */
    @Override
    public List<PendingRange> pendingRanges(String split) {
        ShardLifecycle current = shards;
        return current == null ? List.of() : current.pendingRanges(split);
    }

    /**
     * Ends a {@link #poll} in progress at once (or the next one, if none is in progress). Safe from
     * any thread at any time, also before {@code open} and after {@code close}: the pipeline calls
     * it from the sink's insert threads when a batch lands, so that its commit follows at once.
     */
    @Override
    public void wakeup() {
        wakeupRequested.set(true);
        signal.raise();
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        return KinesisVirtualColumns.ALL;
    }

    /** Batches keep Kinesis records as bytes while they wait to be durable, not as objects. */
    @Override
    public RecordCodec recordCodec() {
        return KinesisRecord.CODEC;
    }

    /** Releases the readers, threads, clients and the checkpoint store; commits nothing. */
    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
            discovery = null;
        }
        if (shards != null) {
            shards.close();
        }
        if (threads != null) {
            threads.close();
            threads = null;
        }
        if (clients != null) {
            clients.close();
            clients = null;
        }
        try {
            config.checkpointStore.close();
        } catch (Exception e) {
            LOG.debug("closing the checkpoint store failed: {}", e.toString());
        }
    }

    /** The shards being read now, as splits; safe to call from any thread. */
    public Set<String> assignedSplits() {
        Set<String> splits = new HashSet<>();
        ShardLifecycle current = shards;
        if (current != null) {
            current.shards().forEach(shard -> splits.add(KinesisPosition.split(config.common.stream().name(), shard.shardId())));
        }
        return splits;
    }

    /**
     * How far behind the newest record each shard being read is, in milliseconds: the
     * {@code MillisBehindLatest} of its last successful {@code GetRecords} (or fan-out event). Unknown,
     * with the time of that reading, when the reader's latest call failed or the reading is older than
     * three poll intervals (three fan-out event intervals of 5 s), and never less than 10 s; shards read
     * to their end leave the view. Before the first shard listing is applied, one unknown entry named
     * after the stream ("shards not listed yet"); a shard listed but waiting for its start marker to be
     * saved is unknown ("start marker not saved yet"); after that, no entry means no shard to read. Safe from
     * any thread; it never calls Kinesis.
     */
    @Override
    public SourceLag lag() {
        List<SplitLag> splits = new ArrayList<>();
        ShardLifecycle current = shards;
        if (!listed || current == null) {
            splits.add(SplitLag.unknown(config.common.stream().name(), null, "shards not listed yet"));
        } else {
            for (ActiveShard shard : current.shards()) {
                if (!shard.reader.isEnded()) {
                    splits.add(shard.reader.lag());
                }
            }
            List<String> waiting = current.waitingForStartMarker();
            if (!waiting.isEmpty()) {
                String failure = current.lastSaveFailure();
                String because = "start marker not saved yet" + (failure == null ? "" : ": " + failure);
                for (String shardId : waiting) {
                    splits.add(SplitLag.unknown(KinesisPosition.split(config.common.stream().name(), shardId), null, because));
                }
            }
        }
        splits.sort(Comparator.comparing(SplitLag::split));
        return new SourceLag(SourceLag.Unit.MILLIS, splits, Instant.now());
    }

    /**
     * The bytes of records fetched and not yet handed to the pipeline, over all shards (an estimate
     * of the heap they use). Safe to call from any thread.
     */
    public long bufferedBytes() {
        long total = 0;
        ShardLifecycle current = shards;
        if (current != null) {
            for (ActiveShard shard : current.shards()) {
                total += shard.reader.bufferedBytes();
            }
        }
        return total;
    }

    /** The settings in force, secrets masked. */
    public String describe() {
        return config.toString();
    }

    @Override
    public String toString() {
        return "KinesisSource" + config;
    }

    /** Immutable settings of a source; see {@link Builder}. */
    static final class Config {
        final StreamSettings common;
        final CheckpointStore checkpointStore;
        final ShardAssignment assignment;
        final Duration shardDiscoveryInterval;
        final int fetchThreads;
        final Duration retryInitial;
        final Duration retryMax;
        final Duration apiCallTimeout;
        final Duration unreachableTimeout;

        private Config(Builder b, StreamSettings common) {
            this.common = common;
            this.checkpointStore = b.checkpointStore;
            this.assignment = b.assignment;
            this.shardDiscoveryInterval = b.shardDiscoveryInterval;
            this.fetchThreads = b.fetchThreads;
            this.retryInitial = b.retryInitial;
            this.retryMax = b.retryMax;
            this.apiCallTimeout = b.apiCallTimeout;
            this.unreachableTimeout = b.unreachableTimeout;
        }

        @Override
        public String toString() {
            return "{" + common.describe() + ", checkpointStore=" + checkpointStore + ", assignment=" + assignment
                    + ", shardDiscoveryInterval=" + shardDiscoveryInterval + "}";
        }
    }

    /**
     * Builds a {@link KinesisSource}; {@link #build()} checks every setting and names the wrong one.
     * The settings shared with the lease-based source (stream, region, credentials, reading,
     * buffers) are those of {@link KinesisBuilder}; default {@code pollInterval} 200 ms.
     */
    public static final class Builder extends KinesisBuilder<Builder> {
        private CheckpointStore checkpointStore;
        private ShardAssignment assignment = ShardAssignment.all();
        private Duration shardDiscoveryInterval = Duration.ofSeconds(10);
        private int fetchThreads = 4;
        private Duration retryInitial = Duration.ofMillis(200);
        private Duration retryMax = Duration.ofSeconds(10);
        private Duration apiCallTimeout = DEFAULT_API_CALL_TIMEOUT;
        private Duration unreachableTimeout = Duration.ofMinutes(15);

        private Builder() {
            super("KinesisSource", Duration.ofMillis(200));
        }

        /** Where checkpoints are kept, e.g. a {@link ClickHouseCheckpointStore}. Required. The source opens and closes it. */
        public Builder checkpointStore(CheckpointStore store) {
            this.checkpointStore = store;
            return this;
        }

        /** This is instance {@code index} (0-based) of {@code count} sharing the stream; see {@link ShardAssignment}. */
        public Builder instance(int index, int count) {
            this.assignment = ShardAssignment.instance(index, count);
            return this;
        }

        /** How often shards are listed to find new ones after a reshard (default 10 s). */
        public Builder shardDiscoveryInterval(Duration interval) {
            this.shardDiscoveryInterval = interval;
            return this;
        }

        /** Threads that poll shards (and check fan-out subscriptions) (default 4). */
        public Builder fetchThreads(int threads) {
            this.fetchThreads = threads;
            return this;
        }

        /** Backoff after failed calls: from {@code initial}, doubling, up to {@code max} (default 200 ms to 10 s). */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitial = initial;
            this.retryMax = max;
            return this;
        }

        /** Longest time one Kinesis call (with the SDK's own retries) may take (default 30 s). */
        public Builder apiCallTimeout(Duration timeout) {
            this.apiCallTimeout = timeout;
            return this;
        }

        /**
         * How long Kinesis may stay unreachable once the source runs — every call of a shard reader,
         * or of the shard listing, failing (throttling does not count: Kinesis answered) — before
         * {@code poll} throws and the pipeline stops with the cause (default 15 minutes). Until then
         * the calls are retried with backoff and reading resumes by itself.
         */
        public Builder unreachableTimeout(Duration timeout) {
            this.unreachableTimeout = timeout;
            return this;
        }

        @Override
        Duration samplerCallTimeout() {
            Checks.requirePositive("KinesisSampler", apiCallTimeout, "apiCallTimeout");
            return apiCallTimeout;
        }

        public KinesisSource build() {
            StreamSettings common = common();
            if (checkpointStore == null) {
                throw new IllegalArgumentException("KinesisSource: checkpointStore is not set; call checkpointStore("
                        + "ClickHouseCheckpointStore.builder().endpoint(\"http://host:8123\").build())");
            }
            Objects.requireNonNull(assignment, "assignment");
            Checks.requirePositive(component, shardDiscoveryInterval, "shardDiscoveryInterval");
            if (shardDiscoveryInterval.toMillis() < 100) {
                throw new IllegalArgumentException("KinesisSource: shardDiscoveryInterval must be at least 100 ms (ListShards"
                        + " allows 1000 calls per second per account), was " + shardDiscoveryInterval);
            }
            Checks.requireRange(component, fetchThreads, 1, 256, "fetchThreads");
            Checks.requirePositive(component, retryInitial, "retryBackoff initial");
            Checks.requirePositive(component, retryMax, "retryBackoff max");
            if (retryMax.compareTo(retryInitial) < 0) {
                throw new IllegalArgumentException("KinesisSource: retryBackoff max (" + retryMax + ") is below initial ("
                        + retryInitial + ")");
            }
            Checks.requirePositive(component, apiCallTimeout, "apiCallTimeout");
            Checks.requirePositive(component, unreachableTimeout, "unreachableTimeout");
            return new KinesisSource(new Config(this, common));
        }
    }
}
