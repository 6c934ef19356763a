package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts and finishes the static source's shard readers, on the pipeline thread: applies each shard
 * listing to the {@link ShardTracker} (which decides what to read, when and from where), saves a new
 * shard's start marker before reading it, launches a {@link PollingShardReader} or
 * {@link FanOutShardReader}, and finishes a shard read to its end — reported finished so the
 * pipeline commits it, then its {@link Checkpoint#SHARD_END} saved, then its children started.
 * Split events go to the pipeline's {@link SplitListener}; checkpoints through the
 * {@link CheckpointQueue}.
 */
final class ShardLifecycle implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ShardLifecycle.class);

    private final String pipeline;
    private final StreamRef stream;
    private final FetchContext fetch;
    private final ShardTracker tracker;
    private final CheckpointQueue checkpoints;
    private final SplitListener listener;
    /** Asks for a listing soon: a finished shard's children may not be listed yet. */
    private final Runnable listSoon;
    /** What {@code LATEST} means for this run: the moment the source opened, by Kinesis' clock. */
    private final Instant latestStart;
    /** Shards being read, by shard id; read by progress queries from other threads. */
    private final Map<String, ActiveShard> active = new ConcurrentHashMap<>();
    private final Set<String> closedShards = new HashSet<>();
    /** Shards to start once their start marker is saved. */
    private final List<ShardStart> unsavedStarts = new ArrayList<>();
    /** The shard ids of {@code unsavedStarts}, published for {@code lag()} on other threads. */
    private volatile List<String> waitingForStartMarker = List.of();
    private int drainRotation;

    ShardLifecycle(String pipeline, StreamRef stream, FetchContext fetch, ShardTracker tracker, CheckpointQueue checkpoints,
                   SplitListener listener, Runnable listSoon, Instant latestStart) {
        this.pipeline = pipeline;
        this.stream = stream;
        this.fetch = fetch;
        this.tracker = tracker;
        this.checkpoints = checkpoints;
        this.listener = listener;
        this.listSoon = listSoon;
        this.latestStart = latestStart;
    }

    /** Applies a shard listing: notes closed shards and starts the shards that became ready. */
    void apply(ShardDiscovery.Snapshot snapshot) {
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
                checkpoints.put(start.shardId(), resolved.toCheckpoint());
                unsavedStarts.add(new ShardStart(start.shardId(), resolved, resolved.toCheckpoint()));
            }
        }
        if (!unsavedStarts.isEmpty() && checkpoints.save(false)) {
            now.addAll(unsavedStarts);
            unsavedStarts.clear();
        }
        publishWaiting();
        launch(now);
    }

    /** Starts the shards whose start marker was saved by a retry or a commit since. */
    void startSavedShards() {
        if (!unsavedStarts.isEmpty() && unsavedStarts.stream().allMatch(start -> checkpoints.isSaved(start.shardId()))) {
            List<ShardStart> saved = new ArrayList<>(unsavedStarts);
            unsavedStarts.clear();
            publishWaiting();
            launch(saved);
        }
    }

    private void publishWaiting() {
        waitingForStartMarker = unsavedStarts.stream().map(ShardStart::shardId).toList();
    }

    /**
     * Shards listed and due to be read, waiting for their start marker to be saved: not read yet, so their
     * lag is unknown (not absent). Safe from any thread.
     */
    List<String> waitingForStartMarker() {
        return waitingForStartMarker;
    }

    /** Why the latest checkpoint save failed, or null. Safe from any thread. */
    String lastSaveFailure() {
        return checkpoints.lastFailure();
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
            splits.add(KinesisPosition.split(stream.name(), start.shardId()));
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
            List<PendingRange> ranges = PendingRangeText.decode(stream.name(), start.shardId(), checkpoint.pendingRanges());
            if (checkpoint.isSequenceNumber() && KinesisPosition.parse(stream.name(), start.shardId(),
                    checkpoint.sequenceNumber()).compareWithinSplit(ranges.get(0).first()) >= 0) {
                throw new IllegalArgumentException("the first range does not start after the checkpoint");
            }
            return ranges;
        } catch (IllegalArgumentException e) {
            LOG.warn("pipeline {}: shard {} of stream {}: ignoring the pending ranges saved beside checkpoint {} ({}); its"
                    + " records are read again from the checkpoint, but a replay may not be cut as before", pipeline,
                    start.shardId(), stream, checkpoint.sequenceNumber(), e.getMessage());
            return List.of();
        }
    }

    /** Moves up to {@code maxRecords} buffered records to {@code out}, a fair share from each shard in turn. */
    void drain(List<SourceRecord> out, int maxRecords) {
        List<ActiveShard> shards = new ArrayList<>(active.values());
        FairDrain.drain(shards, maxRecords, drainRotation++, out, ActiveShard::drainTo);
        for (ActiveShard shard : shards) {
            shard.reader.afterDrain();
        }
    }

    /**
     * Shards read to their end and handed out entirely: reported finished, so the pipeline commits
     * what it read from them at once; then their {@code SHARD_END} markers are saved and their
     * children may start.
     */
    void finishEndedShards() {
        List<ActiveShard> ended = active.values().stream().filter(shard -> shard.reader.isDrainedAtEnd()).toList();
        if (ended.isEmpty()) {
            return;
        }
        List<String> uncommitted = ended.stream().filter(shard -> !shard.allCommitted())
                .map(shard -> KinesisPosition.split(stream.name(), shard.shardId())).toList();
        if (!uncommitted.isEmpty()) {
            listener.onSplitsFinished(uncommitted); // the pipeline flushes and calls commit before this returns
        }
        boolean queued = false;
        for (ActiveShard shard : ended) {
            if (!shard.markerQueued && shard.allCommitted()) {
                checkpoints.put(shard.shardId(), Checkpoint.SHARD_END);
                shard.markerQueued = true;
                queued = true;
            }
        }
        if (queued) {
            checkpoints.save(false);
        }
        finishMarkedShards();
    }

    /** Saves checkpoints a failed write left, once its backoff has passed. */
    void retryPendingCheckpoints() {
        if (checkpoints.retryDue() && checkpoints.save(false)) {
            finishMarkedShards();
        }
    }

    /** Shards whose {@code SHARD_END} marker is saved are finished: their children may start. */
    private void finishMarkedShards() {
        List<ActiveShard> done = active.values().stream()
                .filter(shard -> shard.markerQueued && checkpoints.isSaved(shard.shardId())).toList();
        for (ActiveShard shard : done) {
            String shardId = shard.shardId();
            active.remove(shardId);
            shard.reader.close();
            checkpoints.finished(shardId);
            LOG.info("pipeline {}: shard {} finished (read to its end, committed, SHARD_END saved)", pipeline,
                    shard.reader.describe());
            startReaders(tracker.onFinished(shardId));
        }
        if (!done.isEmpty()) {
            listSoon.run(); // the children may not be listed yet
        }
    }

    /** The shard being read, or null. */
    ActiveShard get(String shardId) {
        return active.get(shardId);
    }

    /** The shards being read; safe from any thread. */
    Collection<ActiveShard> shards() {
        return active.values();
    }

    /** The ranges saved beside the checkpoint the split was assigned with (see {@link #replayRanges}). */
    List<PendingRange> pendingRanges(String split) {
        String prefix = stream.name() + "/";
        ActiveShard shard = split.startsWith(prefix) ? active.get(split.substring(prefix.length())) : null;
        return shard == null ? List.of() : shard.replay;
    }

    /** The source is no longer paused: the readers fetch again. */
    void resume() {
        for (ActiveShard shard : active.values()) {
            shard.reader.resume();
        }
    }

    /** Stops every reader; what they buffered is dropped (not handed out, so not committed). */
    @Override
    public void close() {
        for (ActiveShard shard : active.values()) {
            shard.reader.close();
        }
        active.clear();
    }
}
