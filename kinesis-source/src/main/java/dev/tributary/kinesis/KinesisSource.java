package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;
import dev.tributary.core.RecordCodec;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitListener;
import dev.tributary.core.VirtualColumn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

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
 * splits and merges. A shard that ends is reported revoked to the pipeline, which then flushes and
 * commits what it read from it.
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
    /** Shards being read, by shard id; read by progress queries from other threads. */
    private final Map<String, ActiveShard> active = new ConcurrentHashMap<>();

    // Owned by the pipeline thread.
    private String pipeline;
    private String application;
    private SplitListener listener;
    private KinesisClients clients;
    private ScheduledExecutorService fetchThreads;
    private ShardDiscovery discovery;
    private FetchContext fetch;
    private ShardTracker tracker;
    /** Checkpoints (with their pending ranges) not saved yet, by shard id: saved with the next write. */
    private final Map<String, Checkpoint> unsaved = new LinkedHashMap<>();
    private final Set<String> finished = new HashSet<>();
    private final Set<String> closedShards = new HashSet<>();
    /** Shards to start once their start marker is saved. */
    private final List<ShardStart> unsavedStarts = new ArrayList<>();
    /** What {@code LATEST} means for this run: the moment the source opened, by Kinesis' clock. */
    private Instant latestStart;
    private int pendingFailures;
    private long nextPendingAttempt = System.nanoTime();
    private int drainStart;

    private KinesisSource(Config config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void open(SourceContext context) {
        if (clients != null) {
            throw new IllegalStateException("KinesisSource for stream " + config.stream + " is already open");
        }
        pipeline = context.pipelineName();
        listener = context.splitListener();
        application = config.applicationName != null ? config.applicationName : pipeline;
        long deadline = System.nanoTime() + config.startupTimeout.toNanos();
        try {
            clients = KinesisClients.create(config);
            DescribeStreamSummaryResponse described = awaitStream(deadline);
            String streamArn = described.streamDescriptionSummary().streamARN();
            latestStart = serverNow(described);
            CheckpointStore store = config.checkpointStore;
            startupCall("open the checkpoint store " + store, deadline, () -> {
                store.open();
                return null;
            });
            Map<String, Checkpoint> checkpoints = startupCall("read the checkpoints from " + store, deadline,
                    () -> store.load(application, config.stream.name()));
            String consumerArn = config.fanOutConsumer == null ? null : startupCall("register the enhanced fan-out consumer "
                    + config.fanOutConsumer, deadline, () -> FanOutConsumer.ensureActive(clients.sync, streamArn,
                    config.fanOutConsumer, deadline));
            fetchThreads = Executors.newScheduledThreadPool(config.fetchThreads, threads("tributary-kinesis-" + pipeline + "-fetch"));
            RetryBackoff backoff = new RetryBackoff(config.retryInitial, config.retryMax);
            fetch = new FetchContext(pipeline, config.stream, clients.sync, clients.async, consumerArn, fetchThreads, paused,
                    signal, config.maxBufferedRecordsPerShard, config.maxBufferedBytesPerShard, config.getRecordsLimit,
                    config.pollInterval.toMillis(), backoff);
            discovery = new ShardDiscovery(pipeline, clients.sync, config.stream, store, application,
                    config.shardDiscoveryInterval.toMillis(),
                    Executors.newSingleThreadScheduledExecutor(threads("tributary-kinesis-" + pipeline + "-discovery")),
                    signal, backoff);
            List<ShardInfo> shards = startupCall("list the shards of stream " + config.stream, deadline, discovery::listShards);
            tracker = new ShardTracker(config.assignment, config.startingPosition);
            // Applied by the first poll: splits are reported to the pipeline from within poll.
            discovery.publish(new ShardDiscovery.Snapshot(shards, checkpoints));
            discovery.start();
            LOG.info("pipeline {}: reading Kinesis stream {} ({} shards, {}, {}) as application {}, {}; new shards start at {};"
                            + " checkpoints in {}", pipeline, config.stream, shards.size(),
                    consumerArn == null ? "polling every " + config.pollInterval.toMillis() + " ms" : "enhanced fan-out as " + consumerArn,
                    config.endpoint == null ? "region " + config.region : "endpoint " + config.endpoint, application,
                    config.assignment, config.startingPosition, store);
        } catch (RuntimeException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("KinesisSource: interrupted while opening stream " + config.stream, e);
        }
    }

    /** Waits (within the startup timeout) until the stream exists and is ACTIVE or UPDATING. */
    private DescribeStreamSummaryResponse awaitStream(long deadline) throws InterruptedException {
        while (true) {
            DescribeStreamSummaryResponse response = startupCall("find stream " + config.stream, deadline,
                    () -> clients.sync.describeStreamSummary(request -> config.stream.applyTo(request)));
            StreamDescriptionSummary summary = response.streamDescriptionSummary();
            if (summary.streamStatus() == StreamStatus.ACTIVE || summary.streamStatus() == StreamStatus.UPDATING) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("KinesisSource: stream " + config.stream + " is " + summary.streamStatus()
                        + ", not ACTIVE, after the startup timeout of " + config.startupTimeout.toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /**
     * "Now" for {@code LATEST}: Kinesis stamps arrival times with its own clock, of which a response's
     * {@code Date} header gives the second. This machine's clock is used when it falls within that
     * second; otherwise (a skewed clock) the header's time, which is never later than the server's
     * now, so that a skewed clock cannot skip records.
     */
    static Instant serverNow(software.amazon.awssdk.awscore.AwsResponse response) {
        // Milliseconds: what arrival times and the stored marker have (and finer timestamps upset kinesis-mock).
        Instant local = Instant.ofEpochMilli(System.currentTimeMillis());
        Instant server = response.sdkHttpResponse().firstMatchingHeader("Date").map(KinesisSource::parseHttpDate).orElse(null);
        if (server == null || (!local.isBefore(server) && local.isBefore(server.plusSeconds(1)))) {
            return local;
        }
        return server;
    }

    private static Instant parseHttpDate(String value) {
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Runs a call needed to start, retrying failures that may pass (network, throttling, a
     * checkpoint store still starting) until the startup timeout; a missing stream or refused
     * credentials fail at once.
     */
    private <T> T startupCall(String what, long deadline, Callable<T> call) throws InterruptedException {
        RetryBackoff backoff = new RetryBackoff(config.retryInitial, config.retryMax);
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                String where = config.endpoint == null ? "region " + config.region : "endpoint " + config.endpoint;
                if (KinesisErrors.isPermanent(e)) {
                    throw new IllegalStateException("KinesisSource: cannot " + what + " (" + where + "): "
                            + KinesisErrors.describe(e) + "; check the stream name or ARN, the region and the credentials ("
                            + config.credentials + ")", e);
                }
                long delay = backoff.delayMillis(attempt);
                if (System.nanoTime() + delay * 1_000_000 > deadline) {
                    throw new IllegalStateException("KinesisSource: cannot " + what + " (" + where + ") within the startup"
                            + " timeout of " + config.startupTimeout.toSeconds() + " s: " + KinesisErrors.describe(e), e);
                }
                LOG.warn("pipeline {}: cannot {} yet (attempt {}), retrying in {} ms: {}", pipeline, what, attempt, delay,
                        KinesisErrors.describe(e));
                Thread.sleep(delay);
            }
        }
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SourceRecord> out = new ArrayList<>();
        while (true) {
            failIfUnreachable();
            applyDiscovery();
            finishEndedShards();
            retryPendingCheckpoints();
            startSavedShards();
            if (!paused.get()) {
                drain(out);
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
        for (ActiveShard shard : active.values()) {
            if (failing != null) {
                break;
            }
            failing = shard.reader.reachability().failingLongerThan(timeout);
            what = "reading shard " + shard.reader.shardId;
            cause = shard.reader.reachability().lastError();
        }
        if (failing != null) {
            throw new IllegalStateException("KinesisSource: stream " + config.stream + " cannot be reached at "
                    + (config.endpoint == null ? "region " + config.region : "endpoint " + config.endpoint) + " " + failing
                    + " while " + what + "; giving up after unreachableTimeout (" + config.unreachableTimeout.toSeconds()
                    + " s). Check the network, the endpoint and the credentials, or raise unreachableTimeout", cause);
        }
    }

    /** Applies the newest shard listing: starts the shards that became ready. */
    private void applyDiscovery() {
        ShardDiscovery.Snapshot snapshot = discovery.take();
        if (snapshot == null) {
            return;
        }
        closedShards.clear();
        for (ShardInfo shard : snapshot.shards()) {
            if (shard.closed()) {
                closedShards.add(shard.shardId());
                ActiveShard reading = active.get(shard.shardId());
                if (reading != null) {
                    reading.reader.onClosedInListing();
                }
            }
        }
        startReaders(tracker.onListing(snapshot.shards(), snapshot.checkpoints()));
    }

    /**
     * Starts reading shards. A shard without a checkpoint gets its resolved start ({@code LATEST} as
     * the moment the source opened) saved as its checkpoint first, and is read only once that is
     * durable: a later start resumes there, even if nothing of the shard was committed.
     */
    private void startReaders(List<ShardStart> starts) {
        if (starts.isEmpty()) {
            return;
        }
        List<ShardStart> now = new ArrayList<>();
        for (ShardStart start : starts) {
            if (start.fromCheckpoint()) {
                now.add(start);
            } else {
                IteratorStart resolved = start.start().type() == ShardIteratorType.LATEST
                        ? IteratorStart.atTimestamp(latestStart) : start.start();
                unsaved.put(start.shardId(), resolved.toCheckpoint());
                unsavedStarts.add(new ShardStart(start.shardId(), resolved, resolved.toCheckpoint()));
            }
        }
        if (!unsavedStarts.isEmpty() && savePending(false)) {
            now.addAll(unsavedStarts);
            unsavedStarts.clear();
        }
        launch(now);
    }

    /** Starts the shards whose start marker was saved by a retry or a commit since. */
    private void startSavedShards() {
        if (!unsavedStarts.isEmpty() && unsavedStarts.stream().noneMatch(start -> unsaved.containsKey(start.shardId()))) {
            List<ShardStart> saved = new ArrayList<>(unsavedStarts);
            unsavedStarts.clear();
            launch(saved);
        }
    }

    private void launch(List<ShardStart> starts) {
        if (starts.isEmpty()) {
            return;
        }
        List<String> splits = new ArrayList<>();
        for (ShardStart start : starts) {
            ShardReader reader = fetch.consumerArn() != null
                    ? new FanOutShardReader(fetch, start.shardId())
                    : new PollingShardReader(fetch, start.shardId());
            active.put(start.shardId(), new ActiveShard(reader, start.checkpoint(), replayRanges(start)));
            if (closedShards.contains(start.shardId())) {
                reader.onClosedInListing();
            }
            reader.start(start.start());
            splits.add(KinesisPosition.split(config.stream.name(), start.shardId()));
            LOG.info("pipeline {}: reading shard {} from {}", pipeline, reader.describe(), start.start());
        }
        listener.onSplitsAssigned(splits);
    }

    /**
     * The pending ranges saved beside the checkpoint a shard starts from (exactly-once delivery): its
     * next records, which the pipeline replays. Ranges that cannot be read (another format, garbled, not
     * after the checkpoint) are dropped with a warning: the records are read again all the same, only
     * not cut as before, so the server may not recognise them as duplicates.
     */
    private List<PendingRange> replayRanges(ShardStart start) {
        Checkpoint checkpoint = start.checkpoint();
        if (!checkpoint.hasPendingRanges()) {
            return List.of();
        }
        try {
            List<PendingRange> ranges = PendingRangeText.decode(config.stream.name(), start.shardId(), checkpoint.pendingRanges());
            if (checkpoint.isSequenceNumber() && KinesisPosition.parse(config.stream.name(), start.shardId(),
                    checkpoint.sequenceNumber()).compareWithinSplit(ranges.get(0).first()) >= 0) {
                throw new IllegalArgumentException("the first range does not start after the checkpoint");
            }
            return ranges;
        } catch (IllegalArgumentException e) {
            LOG.warn("pipeline {}: shard {} of stream {}: ignoring the pending ranges saved beside checkpoint {} ({}); its"
                    + " records are read again from the checkpoint, but a replay may not be cut as before", pipeline,
                    start.shardId(), config.stream, checkpoint.sequenceNumber(), e.getMessage());
            return List.of();
        }
    }

    /** Moves buffered records to {@code out}, a fair share from each shard in turn. */
    private void drain(List<SourceRecord> out) {
        List<ActiveShard> shards = new ArrayList<>(active.values());
        if (shards.isEmpty()) {
            return;
        }
        int quota = Math.max(1, config.maxPollRecords / shards.size());
        boolean moved = true;
        while (moved && out.size() < config.maxPollRecords) {
            moved = false;
            for (int i = 0; i < shards.size() && out.size() < config.maxPollRecords; i++) {
                ActiveShard shard = shards.get((drainStart + i) % shards.size());
                KinesisRecord last = shard.reader.drainTo(out, Math.min(quota, config.maxPollRecords - out.size()));
                if (last != null) {
                    shard.lastEmitted = last.extendedSequenceNumber();
                    moved = true;
                }
            }
        }
        drainStart++;
        for (ActiveShard shard : shards) {
            shard.reader.afterDrain();
        }
    }

    /**
     * Shards read to their end and handed out entirely: the pipeline commits what it read from them
     * (they are reported revoked, so it flushes at once), then their {@code SHARD_END} markers are
     * saved and their children may start.
     */
    private void finishEndedShards() {
        List<ActiveShard> ended = active.values().stream().filter(shard -> shard.reader.isDrainedAtEnd()).toList();
        if (ended.isEmpty()) {
            return;
        }
        List<String> uncommitted = ended.stream().filter(shard -> !shard.allCommitted())
                .map(shard -> KinesisPosition.split(config.stream.name(), shard.reader.shardId)).toList();
        if (!uncommitted.isEmpty()) {
            listener.onSplitsFinished(uncommitted); // the pipeline flushes and calls commit before this returns
        }
        boolean queued = false;
        for (ActiveShard shard : ended) {
            if (!shard.markerQueued && shard.allCommitted()) {
                unsaved.put(shard.reader.shardId, Checkpoint.SHARD_END);
                shard.markerQueued = true;
                queued = true;
            }
        }
        if (queued) {
            savePending(false);
        }
        finishMarkedShards();
    }

    /** Shards whose {@code SHARD_END} marker is saved are finished: their children may start. */
    private void finishMarkedShards() {
        List<ActiveShard> done = active.values().stream()
                .filter(shard -> shard.markerQueued && !unsaved.containsKey(shard.reader.shardId)).toList();
        for (ActiveShard shard : done) {
            String shardId = shard.reader.shardId;
            active.remove(shardId);
            shard.reader.close();
            finished.add(shardId);
            LOG.info("pipeline {}: shard {} finished (read to its end, committed, SHARD_END saved)", pipeline,
                    shard.reader.describe());
            startReaders(tracker.onFinished(shardId));
        }
        if (!done.isEmpty()) {
            discovery.requestSoon(); // the children may not be listed yet
        }
    }

    private void retryPendingCheckpoints() {
        if (!unsaved.isEmpty() && System.nanoTime() - nextPendingAttempt >= 0) {
            if (savePending(false)) {
                finishMarkedShards();
            }
        }
    }

    /**
     * Saves the checkpoints not saved yet. A failure keeps them for the next attempt (after a
     * backoff when retried from {@code poll}) and is thrown if {@code rethrow}.
     */
    private boolean savePending(boolean rethrow) {
        if (unsaved.isEmpty()) {
            return true;
        }
        Map<String, Checkpoint> batch = new LinkedHashMap<>(unsaved);
        try {
            config.checkpointStore.save(application, config.stream.name(), batch);
            unsaved.clear();
            if (pendingFailures > 0) {
                LOG.info("pipeline {}: checkpoints of stream {} saved again after {} failed attempts", pipeline,
                        config.stream, pendingFailures);
            }
            pendingFailures = 0;
            return true;
        } catch (RuntimeException e) {
            pendingFailures++;
            long delay = fetch.backoff().delayMillis(pendingFailures);
            nextPendingAttempt = System.nanoTime() + delay * 1_000_000;
            String message = "checkpoints " + batch + " of stream " + config.stream + " not saved (attempt " + pendingFailures
                    + "; kept and saved again with the next commit or in " + delay + " ms): " + e.getMessage();
            if (rethrow) {
                throw new IllegalStateException("KinesisSource: " + message, e);
            }
            LOG.warn("pipeline {}: {}", pipeline, message);
            return false;
        }
    }

    @Override
    public void pause() {
        paused.set(true);
    }

    @Override
    public void resume() {
        if (paused.getAndSet(false)) {
            for (ActiveShard shard : active.values()) {
                shard.reader.resume();
            }
        }
    }

    /**
     * Saves these positions as checkpoints before it returns (synchronously, one write to the store);
     * if the store cannot be written it throws, and the checkpoints are kept and saved with the next
     * commit or a retry from {@code poll}. Pending ranges saved before for these shards are cleared.
     */
    @Override
    public void commit(Collection<SourcePosition> positions) {
        queue(positions, Map.of());
        savePending(true);
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
            throw new UnsupportedOperationException("KinesisSource for stream " + config.stream + ": checkpoint store "
                    + config.checkpointStore + " does not keep pending ranges (exactly-once delivery)");
        }
        queue(positions, pending);
        savePending(true);
    }

    /** The ranges saved beside the checkpoint the shard was assigned with (see {@link #replayRanges}). */
    @Override
    public List<PendingRange> pendingRanges(String split) {
        String prefix = config.stream.name() + "/";
        ActiveShard shard = split.startsWith(prefix) ? active.get(split.substring(prefix.length())) : null;
        return shard == null ? List.of() : shard.replay;
    }

    /** Queues the new checkpoint and pending ranges of every shard named in {@code positions} or {@code pending}. */
    private void queue(Collection<SourcePosition> positions, Map<String, List<PendingRange>> pending) {
        Map<String, KinesisPosition> durable = new LinkedHashMap<>();
        for (SourcePosition position : positions) {
            KinesisPosition kinesis = ownPosition(position);
            if (durable.put(kinesis.shardId(), kinesis) != null) {
                throw new IllegalArgumentException("KinesisSource for stream " + config.stream + ": two positions of shard "
                        + kinesis.shardId() + " in one commit: " + positions);
            }
        }
        Map<String, String> ranges = new LinkedHashMap<>();
        pending.forEach((split, list) -> {
            String shardId = null;
            for (PendingRange range : list) {
                KinesisPosition first = ownPosition(range.first());
                ownPosition(range.last());
                if (!split.equals(first.split())) {
                    throw new IllegalArgumentException("KinesisSource for stream " + config.stream + ": pending range "
                            + range + " given for split " + split);
                }
                shardId = first.shardId();
            }
            if (shardId != null) {
                ranges.put(shardId, PendingRangeText.encode(list));
            } else if (split.startsWith(config.stream.name() + "/")) {
                ranges.put(split.substring(config.stream.name().length() + 1), "");
            }
        });
        Set<String> shards = new LinkedHashSet<>(durable.keySet());
        shards.addAll(ranges.keySet());
        for (String shardId : shards) {
            String text = ranges.getOrDefault(shardId, "");
            Checkpoint queued = unsaved.get(shardId);
            ActiveShard shard = active.get(shardId);
            if (finished.contains(shardId) || (queued != null && queued.isShardEnd())) {
                if (!text.isEmpty()) {
                    throw new IllegalStateException("KinesisSource for stream " + config.stream + ": shard " + shardId
                            + " is finished (SHARD_END), yet pending ranges were given for it: " + text);
                }
                continue; // SHARD_END saved or queued: it stays
            }
            KinesisPosition position = durable.get(shardId);
            Checkpoint base = position != null ? Checkpoint.at(position.extendedSequenceNumber())
                    : queued != null ? queued : shard != null ? shard.state : null;
            if (base == null) {
                if (!text.isEmpty()) {
                    throw new IllegalStateException("KinesisSource for stream " + config.stream + ": pending ranges given"
                            + " for shard " + shardId + ", which this source does not read");
                }
                continue;
            }
            Checkpoint next = base.withPendingRanges(text);
            unsaved.put(shardId, next);
            if (shard != null) {
                shard.state = next;
                if (position != null) {
                    shard.durable = position.extendedSequenceNumber();
                }
            }
        }
    }

    private KinesisPosition ownPosition(SourcePosition position) {
        if (!(position instanceof KinesisPosition kinesis) || !kinesis.stream().equals(config.stream.name())) {
            throw new IllegalArgumentException("KinesisSource for stream " + config.stream + " cannot commit " + position);
        }
        return kinesis;
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

    /** Releases the readers, clients and the checkpoint store; commits nothing. */
    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
            discovery = null;
        }
        for (ActiveShard shard : active.values()) {
            shard.reader.close();
        }
        active.clear();
        if (fetchThreads != null) {
            fetchThreads.shutdownNow();
            fetchThreads = null;
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
        active.keySet().forEach(shardId -> splits.add(KinesisPosition.split(config.stream.name(), shardId)));
        return splits;
    }

    /**
     * How far behind the newest record the slowest shard is, from its last fetch, in milliseconds;
     * -1 before the first fetch. Safe to call from any thread.
     */
    public long millisBehindLatest() {
        long max = -1;
        for (ActiveShard shard : active.values()) {
            max = Math.max(max, shard.reader.millisBehindLatest());
        }
        return max;
    }

    /**
     * The bytes of records fetched and not yet handed to the pipeline, over all shards (an estimate
     * of the heap they use). Safe to call from any thread.
     */
    public long bufferedBytes() {
        long total = 0;
        for (ActiveShard shard : active.values()) {
            total += shard.reader.bufferedBytes();
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

    private static ThreadFactory threads(String prefix) {
        AtomicInteger sequence = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + sequence.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * A shard being read: its reader, what the pipeline was handed and committed of it, its value in the
     * store, and the pending ranges it was assigned with.
     */
    private static final class ActiveShard {
        final ShardReader reader;
        final List<PendingRange> replay;
        String lastEmitted;
        String durable;
        /** The shard's checkpoint and pending ranges, as saved or queued. */
        Checkpoint state;
        boolean markerQueued;

        ActiveShard(ShardReader reader, Checkpoint state, List<PendingRange> replay) {
            this.reader = reader;
            this.state = state;
            this.replay = replay;
        }

        /** Everything handed out is durable and committed, and no range is pending (a shard with one is not finished). */
        boolean allCommitted() {
            return (lastEmitted == null || lastEmitted.equals(durable)) && !state.hasPendingRanges();
        }
    }

    /** Immutable settings of a source; see {@link Builder}. */
    static final class Config {
        final StreamSettings common;
        final StreamRef stream;
        final String region;
        final URI endpoint;
        final KinesisCredentials credentials;
        final StartingPosition startingPosition;
        final String fanOutConsumer;
        final Duration pollInterval;
        final int getRecordsLimit;
        final CheckpointStore checkpointStore;
        final String applicationName;
        final ShardAssignment assignment;
        final Duration shardDiscoveryInterval;
        final int maxBufferedRecordsPerShard;
        final long maxBufferedBytesPerShard;
        final int maxPollRecords;
        final int fetchThreads;
        final Duration startupTimeout;
        final Duration retryInitial;
        final Duration retryMax;
        final Duration apiCallTimeout;
        final Duration unreachableTimeout;

        private Config(Builder b, StreamSettings common) {
            this.common = common;
            this.stream = common.stream();
            this.region = common.region();
            this.endpoint = common.endpoint();
            this.credentials = common.credentials();
            this.startingPosition = common.startingPosition();
            this.fanOutConsumer = common.fanOutConsumer();
            this.pollInterval = common.pollInterval();
            this.getRecordsLimit = common.getRecordsLimit();
            this.applicationName = common.applicationName();
            this.maxBufferedRecordsPerShard = common.maxBufferedRecordsPerShard();
            this.maxBufferedBytesPerShard = common.maxBufferedBytesPerShard();
            this.maxPollRecords = common.maxPollRecords();
            this.startupTimeout = common.startupTimeout();
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
            // Credentials print without their secrets.
            return "{stream=" + stream + ", region=" + region + (endpoint == null ? "" : ", endpoint=" + endpoint)
                    + ", credentials=" + credentials + ", startingPosition=" + startingPosition
                    + ", read=" + (fanOutConsumer == null ? "polling every " + pollInterval.toMillis() + " ms, up to "
                    + getRecordsLimit + " records" : "enhanced fan-out as consumer " + fanOutConsumer)
                    + ", checkpointStore=" + checkpointStore
                    + (applicationName == null ? "" : ", applicationName=" + applicationName) + ", assignment=" + assignment
                    + ", shardDiscoveryInterval=" + shardDiscoveryInterval + ", maxBufferedRecordsPerShard="
                    + maxBufferedRecordsPerShard + ", maxBufferedBytesPerShard=" + maxBufferedBytesPerShard + "}";
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
            Settings.requirePositive("KinesisRecordSampler", apiCallTimeout, "apiCallTimeout");
            return apiCallTimeout;
        }

        public KinesisSource build() {
            StreamSettings common = common();
            if (checkpointStore == null) {
                throw new IllegalArgumentException("KinesisSource: checkpointStore is not set; call checkpointStore("
                        + "ClickHouseCheckpointStore.builder().endpoint(\"http://host:8123\").build())");
            }
            Objects.requireNonNull(assignment, "assignment");
            Settings.requirePositive(component, shardDiscoveryInterval, "shardDiscoveryInterval");
            if (shardDiscoveryInterval.toMillis() < 100) {
                throw new IllegalArgumentException("KinesisSource: shardDiscoveryInterval must be at least 100 ms (ListShards"
                        + " allows 1000 calls per second per account), was " + shardDiscoveryInterval);
            }
            Settings.requireRange(component, fetchThreads, 1, 256, "fetchThreads");
            Settings.requirePositive(component, retryInitial, "retryBackoff initial");
            Settings.requirePositive(component, retryMax, "retryBackoff max");
            if (retryMax.compareTo(retryInitial) < 0) {
                throw new IllegalArgumentException("KinesisSource: retryBackoff max (" + retryMax + ") is below initial ("
                        + retryInitial + ")");
            }
            Settings.requirePositive(component, apiCallTimeout, "apiCallTimeout");
            Settings.requirePositive(component, unreachableTimeout, "unreachableTimeout");
            return new KinesisSource(new Config(this, common));
        }
    }
}
