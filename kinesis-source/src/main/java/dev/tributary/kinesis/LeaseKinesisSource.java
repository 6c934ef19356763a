package dev.tributary.kinesis;

import dev.tributary.core.RecordCodec;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitLag;
import dev.tributary.core.SplitListener;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.Checks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * The lease-based mode of the Kinesis source: instances share a stream through the Kinesis Client
 * Library 3.x, which keeps shard leases in DynamoDB, balances them across instances, fails over
 * when one dies (after {@code failoverTime}), follows resharding parent-before-child and
 * de-aggregates KPL records.
 *
 * <p>KCL's scheduler runs on threads of its own and calls a {@link PipelineRecordProcessor} per
 * leased shard; its {@link ShardHandoff} buffers the records for {@link #poll}, on the pipeline
 * thread. {@link #commit} checkpoints through KCL's checkpointer, synchronously, at the position the
 * pipeline committed; {@code SHARD_END} is checkpointed once everything of a shard is committed.
 * Delivery is at least once; exactly-once delivery is not offered in this mode.
 */
public final class LeaseKinesisSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKinesisSource.class);

    final Config config; // package-private: KclSchedulerFactoryTest reads the settings KCL gets
    /** Handoffs KCL created and the pipeline has not heard of yet, and those lost: applied by {@link #poll}, in order. */
    private final ConcurrentLinkedQueue<ShardHandoff> events = new ConcurrentLinkedQueue<>();
    /** The shards the pipeline reads, by shard id (written on the pipeline thread only; read from any). */
    private final Map<String, ShardHandoff> active = new ConcurrentHashMap<>();
    /** Every handoff KCL created and that is not finished, so that {@link #close} can release their waits. */
    private final Set<ShardHandoff> live = ConcurrentHashMap.newKeySet();
    /** Checkpoints KCL refused for a passing reason (throttling, DynamoDB errors), retried by the next poll or commit. */
    private final Map<String, KinesisPosition> unsaved = new LinkedHashMap<>();
    private final Signal signal = new Signal();
    private final AtomicBoolean wakeupRequested = new AtomicBoolean();
    private final AtomicBoolean paused = new AtomicBoolean();

    private volatile boolean closing;
    private volatile boolean abandoned;
    /** Whether a lease reached the pipeline: before it, no shard read is not "nothing to read". */
    private volatile boolean leased;
    private String pipeline;
    private SplitListener listener;
    private String workerId;
    private KclSchedulerFactory kcl;
    private volatile Scheduler scheduler;
    private Thread schedulerThread;
    private int drainStart;

    private LeaseKinesisSource(Config config) {
        this.config = config;
    }

    /**
     * A builder of the lease-based source. Needs the Kinesis Client Library on the class path
     * ({@code software.amazon.kinesis:amazon-kinesis-client}, an optional dependency of this module).
     *
     * @throws IllegalStateException naming the dependency to add when it is missing
     */
    public static Builder builder() {
        try {
            Class.forName("software.amazon.kinesis.coordinator.Scheduler", false, LeaseKinesisSource.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("LeaseKinesisSource needs the Kinesis Client Library: add the dependency"
                    + " software.amazon.kinesis:amazon-kinesis-client (3.5.1; see docs/kinesis.md), or use KinesisSource"
                    + " (static shard assignment, no DynamoDB)", e);
        }
        return new Builder();
    }

    @Override
    public void open(SourceContext context) {
        if (kcl != null) {
            throw new IllegalStateException("LeaseKinesisSource for stream " + config.common.stream() + " is already open");
        }
        bind(context);
        String application = config.common.applicationName() != null ? config.common.applicationName() : pipeline;
        workerId = config.workerId != null ? config.workerId : application + "-" + UUID.randomUUID();
        try {
            kcl = KclSchedulerFactory.create(config);
            String table = kcl.leaseTable(application);
            try {
                KclSchedulerFactory.join(kcl.kinesis.describeStreamSummary(request -> config.common.stream().applyTo(request)),
                        config.common.startupTimeout());
            } catch (RuntimeException e) {
                throw new IllegalStateException("LeaseKinesisSource: cannot find stream " + config.common.stream() + " at "
                        + (config.common.endpoint() == null ? "region " + config.common.region() : "endpoint " + config.common.endpoint()) + ": "
                        + KinesisErrors.describe(e), e);
            }
            if (config.createLeaseTable) {
                try {
                    KclSchedulerFactory.createLeaseTableIfMissing(kcl.dynamo, table, config.common.startupTimeout());
                } catch (RuntimeException | java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("LeaseKinesisSource: cannot create the lease table " + table + " in DynamoDB at "
                            + (config.dynamoDbEndpoint == null ? "region " + config.common.region() : "endpoint " + config.dynamoDbEndpoint)
                            + ": " + e.getMessage() + " (or create it yourself and set createLeaseTable(false))", e);
                }
            }
            scheduler = kcl.scheduler(application, workerId, PipelineRecordProcessor.factory(config.common.stream().name(), this::register));
            schedulerThread = new Thread(scheduler, "tributary-kinesis-" + pipeline + "-kcl");
            schedulerThread.setDaemon(true);
            schedulerThread.start();
            LOG.info("pipeline {}: reading Kinesis stream {} with leases in table {} as worker {} of application {} ({}, {});"
                            + " new shards start at {}", pipeline, config.common.stream(), table, workerId, application,
                    config.common.fanOutConsumer() == null ? "polling every " + config.common.pollInterval().toMillis() + " ms"
                            : "enhanced fan-out as " + config.common.fanOutConsumer(),
                    config.common.endpoint() == null ? "region " + config.common.region() : "endpoint " + config.common.endpoint(), config.common.startingPosition());
        } catch (RuntimeException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("LeaseKinesisSource: interrupted while opening stream " + config.common.stream(), e);
        }
    }

    /** Where split events go; {@code open} calls it (and tests of the event order without KCL). */
    void bind(SourceContext context) {
        pipeline = context.pipelineName();
        listener = context.splitListener();
    }

    /** On a KCL thread: a shard was leased to this worker. */
    ShardHandoff register(String shardId) {
        Duration fetchInterval = config.common.fanOutConsumer() != null ? ShardLag.FAN_OUT_EVENT_INTERVAL : config.common.pollInterval();
        ShardHandoff handoff = new ShardHandoff(config.common.stream().name(), shardId, config.common.maxBufferedRecordsPerShard(),
                config.common.maxBufferedBytesPerShard(), fetchInterval, signal::raise);
        if (closing) {
            handoff.close();
        }
        live.add(handoff);
        events.add(handoff);
        signal.raise();
        return handoff;
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SourceRecord> out = new ArrayList<>();
        while (true) {
            failIfSchedulerStopped();
            applyEvents();
            saveUnsaved();
            requestFlushes();
            if (!paused.get()) {
                drain(out);
            }
            long remaining = deadline - System.nanoTime();
            if (!out.isEmpty() || remaining <= 0 || wakeupRequested.getAndSet(false)) {
                return out;
            }
            signal.await(Math.min(remaining, TimeUnit.MILLISECONDS.toNanos(500)));
        }
    }

    private void failIfSchedulerStopped() {
        if (schedulerThread != null && !schedulerThread.isAlive() && !closing) {
            throw new IllegalStateException("LeaseKinesisSource: the Kinesis Client Library's scheduler of stream " + config.common.stream()
                    + " (worker " + workerId + ") stopped; see its log above for why (e.g. the lease table or the stream"
                    + " cannot be reached)");
        }
    }

    /**
     * Reports newly leased shards as assigned, lost ones as lost, and forgets finished ones. A shard
     * leased and lost before the pipeline heard of it is not reported at all; one leased again
     * before its loss was seen is reported lost, then assigned.
     */
    private void applyEvents() {
        List<String> assigned = new ArrayList<>();
        List<String> lost = new ArrayList<>();
        for (ShardHandoff handoff; (handoff = events.poll()) != null; ) {
            ShardHandoff previous = active.put(handoff.shardId, handoff);
            leased = true;
            if (previous != null) {
                forget(previous);
                if (!assigned.remove(previous.split)) {
                    listener.onSplitsLost(List.of(previous.split)); // before the new assignment
                }
            }
            assigned.add(handoff.split);
        }
        for (ShardHandoff handoff : List.copyOf(active.values())) {
            ShardHandoff.State state = handoff.state();
            if (state == ShardHandoff.State.LOST || state == ShardHandoff.State.DONE) {
                active.remove(handoff.shardId);
                forget(handoff);
                if (!assigned.remove(handoff.split) && state == ShardHandoff.State.LOST) {
                    lost.add(handoff.split);
                }
            }
        }
        if (!lost.isEmpty()) {
            listener.onSplitsLost(lost);
        }
        if (!assigned.isEmpty()) {
            listener.onSplitsAssigned(assigned);
        }
    }

    private void forget(ShardHandoff handoff) {
        live.remove(handoff);
        unsaved.remove(handoff.shardId);
    }

    /**
     * Shards that ended (and were drained) or are being handed off, with records handed out and not
     * committed: reported finished (ended) or revoked (handed off), so the pipeline flushes and commits
     * them now; that releases KCL's thread waiting to checkpoint.
     */
    private void requestFlushes() {
        List<String> finished = new ArrayList<>();
        List<String> revoked = new ArrayList<>();
        for (ShardHandoff handoff : active.values()) {
            ShardHandoff.State request = handoff.takeFlushRequest();
            if (request == ShardHandoff.State.ENDING) {
                finished.add(handoff.split);
            } else if (request == ShardHandoff.State.HANDING_OFF) {
                revoked.add(handoff.split);
            }
        }
        // The pipeline flushes and calls commit before each returns.
        if (!finished.isEmpty()) {
            listener.onSplitsFinished(finished);
        }
        if (!revoked.isEmpty()) {
            listener.onSplitsRevoked(revoked);
        }
    }

    /** Moves buffered records to {@code out}, a fair share from each shard in turn. */
    private void drain(List<SourceRecord> out) {
        FairDrain.drain(new ArrayList<>(active.values()), config.common.maxPollRecords(), drainStart++, out,
                (handoff, into, max) -> handoff.drainTo(into, max) != null);
    }

    @Override
    public void pause() {
        paused.set(true);
    }

    @Override
    public void resume() {
        paused.set(false);
        signal.raise();
    }

    /**
     * Checkpoints each position through KCL (a conditional write to the lease table), synchronously.
     * A shard whose lease is no longer ours is skipped (its new owner reads from the last checkpoint:
     * duplicates, never loss); a checkpoint refused for a passing reason is kept and tried again.
     */
    @Override
    public void commit(Collection<SourcePosition> positions) {
        for (SourcePosition position : positions) {
            if (!(position instanceof KinesisPosition kinesis)) {
                throw new IllegalArgumentException("LeaseKinesisSource: not a Kinesis position: " + position);
            }
            unsaved.put(kinesis.shardId(), kinesis);
        }
        saveUnsaved();
    }

    private void saveUnsaved() {
        for (KinesisPosition position : List.copyOf(unsaved.values())) {
            ShardHandoff handoff = active.get(position.shardId());
            RecordProcessorCheckpointer checkpointer = handoff == null ? null : handoff.checkpointer();
            if (checkpointer == null || handoff.state() == ShardHandoff.State.LOST) {
                unsaved.remove(position.shardId());
                LOG.info("pipeline {}: shard {} is no longer leased here; commit of {} dropped (its next owner reads from"
                        + " the last checkpoint)", pipeline, position.shardId(), position);
                continue;
            }
            try {
                boolean saved = handoff.checkpoint(checkpointer, position);
                unsaved.remove(position.shardId());
                if (saved) {
                    handoff.committed(position);
                } else {
                    LOG.info("pipeline {}: checkpoint {} refused, the lease of shard {} is no longer ours (its next owner"
                            + " reads from the last checkpoint)", pipeline, position, position.shardId());
                }
            } catch (Exception e) {
                LOG.warn("pipeline {}: checkpoint {} not saved (kept and tried again with the next poll or commit): {}",
                        pipeline, position, e.toString());
            }
        }
    }

    @Override
    public void wakeup() {
        wakeupRequested.set(true);
        signal.raise();
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        return KinesisVirtualColumns.ALL;
    }

    @Override
    public RecordCodec recordCodec() {
        return KinesisRecord.CODEC;
    }

    /**
     * Hands the leases off and stops KCL: the pipeline has committed (and so checkpointed) what it
     * made durable before it closes its source, so each shard's next owner starts right after that.
     * Waits up to {@code shutdownTimeout} for KCL's graceful shutdown, then stops it. Commits nothing.
     */
    @Override
    public void close() {
        closing = true;
        for (ShardHandoff handoff : live) {
            handoff.close();
        }
        if (scheduler != null && !abandoned) {
            try {
                scheduler.startGracefulShutdown().get(config.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("pipeline {}: the Kinesis Client Library's graceful shutdown did not complete ({}); stopping it"
                        + " (leases not handed off are taken by others after failoverTime)", pipeline, e.toString());
            }
        }
        if (scheduler != null) {
            scheduler.shutdown();
            scheduler = null;
        }
        if (schedulerThread != null) {
            try {
                schedulerThread.join(config.shutdownTimeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            schedulerThread = null;
        }
        if (kcl != null) {
            kcl.close();
            kcl = null;
        }
        active.clear();
        live.clear();
    }

    /**
     * Stops KCL at once, from any thread, without handing the leases off (the pipeline goes on polling,
     * and gets nothing more): for tests of failover, where the leases must expire ({@code failoverTime})
     * and be taken by another instance, as after a crash. {@link #close} still releases the rest.
     */
    void abandon() {
        abandoned = true;
        closing = true;
        for (ShardHandoff handoff : live) {
            handoff.close();
        }
        Scheduler running = scheduler;
        if (running != null) {
            running.shutdown();
        }
    }

    /** The shards read now, as splits; safe from any thread. */
    public Set<String> assignedSplits() {
        Set<String> splits = new TreeSet<>();
        active.values().forEach(handoff -> splits.add(handoff.split));
        return splits;
    }

    /**
     * How far behind the newest record each shard read now is, in milliseconds: the
     * {@code MillisBehindLatest} of KCL's last fetch of it (KCL hands over idle fetches too). Unknown,
     * with the time of that reading, once it is older than three poll intervals (three fan-out event
     * intervals of 5 s), and never less than 10 s: KCL retries failed calls without telling, so an
     * outage shows as readings that stop. Shards read to their end, handed off or lost leave the view.
     * Before the first lease reaches the pipeline, one unknown entry named after the stream ("no lease
     * taken yet"); after it, no entry means no shard to read (e.g. other workers hold every lease).
     * Safe from any thread; it never calls Kinesis.
     */
    @Override
    public SourceLag lag() {
        List<SplitLag> splits = new ArrayList<>();
        if (!leased) {
            splits.add(SplitLag.unknown(config.common.stream().name(), null, "no lease taken yet"));
        }
        for (ShardHandoff handoff : active.values()) {
            if (handoff.state() == ShardHandoff.State.READING) {
                splits.add(handoff.lag());
            }
        }
        splits.sort(Comparator.comparing(SplitLag::split));
        return new SourceLag(SourceLag.Unit.MILLIS, splits, Instant.now());
    }

    /** The bytes of records fetched and not yet handed to the pipeline (an estimate). Safe from any thread. */
    public long bufferedBytes() {
        long total = 0;
        for (ShardHandoff handoff : active.values()) {
            total += handoff.bufferedBytes();
        }
        return total;
    }

    /** The worker id in the lease table (set at {@code open}). */
    public String workerId() {
        return workerId;
    }

    /** The settings in force, secrets masked. */
    public String describe() {
        return config.toString();
    }

    @Override
    public String toString() {
        return "LeaseKinesisSource" + config;
    }

    /** How KCL spreads the shards' leases over the instances of an application; see {@link Builder#balancing}. */
    public enum Balancing {
        /**
         * The same number of leases on each instance (the extra ones on some), as Kafka spreads partitions
         * over a consumer group: an instance that joins gets its share at once, busy stream or idle.
         */
        LEASE_COUNT,
        /**
         * KCL 3's utilization-aware assignment, here by each lease's throughput (the host metrics it could
         * also use are off: on a shared host they measure the neighbours). Leases move only to even out
         * throughput, so on an idle or quiet stream a joining instance may get no shard until records flow.
         */
        THROUGHPUT
    }

    /** Immutable settings; see {@link Builder}. */
    static final class Config {
        final StreamSettings common;
        final URI dynamoDbEndpoint;
        final String leaseTableName;
        final String workerId;
        final Duration failoverTime;
        final Duration leaderLeaseDuration;
        final Duration shardSyncInterval;
        final int maxLeasesPerWorker;
        final Balancing balancing;
        final boolean createLeaseTable;
        final Duration shutdownTimeout;

        private Config(Builder b, StreamSettings common, URI dynamoDbEndpoint) {
            this.common = common;
            this.dynamoDbEndpoint = dynamoDbEndpoint;
            this.leaseTableName = b.leaseTableName;
            this.workerId = b.workerId;
            this.failoverTime = b.failoverTime;
            this.leaderLeaseDuration = b.leaderLeaseDuration;
            this.shardSyncInterval = b.shardSyncInterval;
            this.maxLeasesPerWorker = b.maxLeasesPerWorker;
            this.balancing = b.balancing;
            this.createLeaseTable = b.createLeaseTable;
            this.shutdownTimeout = b.shutdownTimeout;
        }

        @Override
        public String toString() {
            return "{" + common.describe() + (dynamoDbEndpoint == null ? "" : ", dynamoDbEndpoint=" + dynamoDbEndpoint)
                    + (leaseTableName == null ? "" : ", leaseTableName=" + leaseTableName)
                    + (workerId == null ? "" : ", workerId=" + workerId)
                    + ", failoverTime=" + failoverTime + ", leaderLeaseDuration=" + leaderLeaseDuration
                    + ", maxLeasesPerWorker=" + maxLeasesPerWorker + ", balancing=" + balancing + ", createLeaseTable=" + createLeaseTable + "}";
        }
    }

    /**
     * Builds a {@link LeaseKinesisSource}; {@link #build()} checks every setting and names the wrong one.
     * The settings shared with the static source (stream, region, credentials, reading, buffers) are
     * those of {@link KinesisBuilder}, here for KCL: the credentials serve Kinesis and DynamoDB, the
     * application names the KCL application, {@code pollInterval} defaults to 1 s (KCL's) and must be
     * at least 200 ms, {@code maxBufferedRecordsPerShard} is what KCL hands over ahead per shard.
     */
    public static final class Builder extends KinesisBuilder<Builder> {
        private static final String NAME = "LeaseKinesisSource";
        private static final Pattern TABLE = Pattern.compile("[A-Za-z0-9._-]{3,255}");
        private static final Pattern WORKER = Pattern.compile("[\\x21-\\x7e]{1,255}");

        private String dynamoDbEndpoint;
        private String leaseTableName;
        private String workerId;
        private Duration failoverTime = Duration.ofSeconds(10);
        private Duration leaderLeaseDuration = Duration.ofMinutes(2);
        private Duration shardSyncInterval = Duration.ofMinutes(1);
        private int maxLeasesPerWorker = Integer.MAX_VALUE;
        private Balancing balancing = Balancing.LEASE_COUNT;
        private boolean createLeaseTable = true;
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        private Builder() {
            super(NAME, Duration.ofMillis(1_000));
        }

        /** Another DynamoDB endpoint than the region's (a VPC endpoint, a local DynamoDB implementation). */
        public Builder dynamoDbEndpointOverride(String endpoint) {
            this.dynamoDbEndpoint = endpoint;
            return this;
        }

        /** The DynamoDB lease table (default: the application name). */
        public Builder leaseTableName(String leaseTableName) {
            this.leaseTableName = leaseTableName;
            return this;
        }

        /** This instance's name in the lease table (default: the application name and a random UUID). */
        public Builder workerId(String workerId) {
            this.workerId = workerId;
            return this;
        }

        /**
         * How long a lease lives without renewal (default 10 s, KCL's): an instance that dies loses its
         * shards to the others after about this long.
         */
        public Builder failoverTime(Duration failoverTime) {
            this.failoverTime = failoverTime;
            return this;
        }

        /**
         * How long the leader's lock lives without a heartbeat (default 2 min, KCL's). KCL 3 assigns
         * leases from one leader instance: when the leader itself dies, its shards (and every expired
         * lease) are reassigned only once another instance has taken the lock, so failover then takes
         * up to this long rather than {@link #failoverTime}. The heartbeat is a quarter of it.
         */
        public Builder leaderLeaseDuration(Duration duration) {
            this.leaderLeaseDuration = duration;
            return this;
        }

        /** How often KCL lists the shards to create leases for new ones (default 1 min, KCL's). */
        public Builder shardSyncInterval(Duration interval) {
            this.shardSyncInterval = interval;
            return this;
        }

        /** Leases one instance holds at most (default unlimited). */
        public Builder maxLeasesPerWorker(int max) {
            this.maxLeasesPerWorker = max;
            return this;
        }

        /**
         * How the leases are spread over the instances (default {@link Balancing#LEASE_COUNT}: each instance
         * holds its share of the shards, like a Kafka consumer group's members their partitions). Every
         * instance of an application should use the same; KCL's leader applies its own.
         */
        public Builder balancing(Balancing balancing) {
            this.balancing = balancing;
            return this;
        }

        /**
         * Whether {@code open} creates the lease table (on demand, with KCL's lease-owner index) when it
         * is missing (default true). False for accounts whose tables are provisioned beforehand.
         */
        public Builder createLeaseTable(boolean create) {
            this.createLeaseTable = create;
            return this;
        }

        /** How long {@code close} waits for KCL's graceful shutdown (leases handed off) (default 30 s). */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = timeout;
            return this;
        }

        public LeaseKinesisSource build() {
            StreamSettings common = common();
            URI dynamoUri = dynamoDbEndpoint == null ? null : Settings.requireHttpUrl(NAME, dynamoDbEndpoint,
                    "dynamoDbEndpointOverride", "http://127.0.0.1:8000 or https://dynamodb.us-east-1.amazonaws.com");
            if (common.pollInterval().toMillis() < 200) {
                throw new IllegalArgumentException(NAME + ": pollInterval must be at least 200 ms (Kinesis allows 5 GetRecords"
                        + " calls per second per shard), was " + common.pollInterval());
            }
            String applicationName = common.applicationName();
            if (applicationName != null && leaseTableName == null && applicationName.length() < 3) {
                throw new IllegalArgumentException(NAME + ": applicationName '" + applicationName + "' names the lease table,"
                        + " and DynamoDB table names have 3-255 characters; use a longer name or set leaseTableName(...)");
            }
            if (leaseTableName != null && !TABLE.matcher(leaseTableName).matches()) {
                throw new IllegalArgumentException(NAME + ": leaseTableName '" + leaseTableName + "' must be 3-255 letters,"
                        + " digits, '.', '_' or '-' (a DynamoDB table name)");
            }
            if (workerId != null && !WORKER.matcher(workerId).matches()) {
                throw new IllegalArgumentException(NAME + ": workerId '" + workerId + "' must be 1-255 printable ASCII"
                        + " characters without spaces");
            }
            Checks.requirePositive(NAME, failoverTime, "failoverTime");
            if (failoverTime.toMillis() < 1_000) {
                throw new IllegalArgumentException(NAME + ": failoverTime must be at least 1 s (leases are renewed every"
                        + " third of it), was " + failoverTime);
            }
            Checks.requirePositive(NAME, leaderLeaseDuration, "leaderLeaseDuration");
            if (leaderLeaseDuration.toMillis() < 2_000) {
                throw new IllegalArgumentException(NAME + ": leaderLeaseDuration must be at least 2 s, was " + leaderLeaseDuration);
            }
            Checks.requirePositive(NAME, shardSyncInterval, "shardSyncInterval");
            Checks.requireRange(NAME, maxLeasesPerWorker, 1, Integer.MAX_VALUE, "maxLeasesPerWorker");
            if (balancing == null) {
                throw new IllegalArgumentException(NAME + ": balancing must not be null; use Balancing.LEASE_COUNT or"
                        + " Balancing.THROUGHPUT");
            }
            Checks.requirePositive(NAME, shutdownTimeout, "shutdownTimeout");
            return new LeaseKinesisSource(new Config(this, common, dynamoUri));
        }
    }
}
