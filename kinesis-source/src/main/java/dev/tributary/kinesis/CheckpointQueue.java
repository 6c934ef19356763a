package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.internal.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The static source's checkpoints on their way to the {@link CheckpointStore}: each shard's newest
 * value (checkpoint and pending ranges, a start marker, or {@link Checkpoint#SHARD_END}) is queued,
 * and all queued values are saved in one write. A failed write keeps them for the next commit, or for
 * a retry after a backoff. Used on the pipeline thread only.
 */
final class CheckpointQueue {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointQueue.class);

    private final String pipeline;
    private final StreamRef stream;
    private final CheckpointStore store;
    private final String application;
    private final Backoff backoff;
    /** Checkpoints (with their pending ranges) not saved yet, by shard id: saved with the next write. */
    private final Map<String, Checkpoint> unsaved = new LinkedHashMap<>();
    /** Shards whose {@code SHARD_END} is saved: they take no checkpoint any more. */
    private final Set<String> finished = new HashSet<>();
    private int failures;
    private long nextAttempt = System.nanoTime();

    /** Read by {@code lag()} from any thread. */
    private volatile String lastFailure;

    CheckpointQueue(String pipeline, StreamRef stream, CheckpointStore store, String application, Backoff backoff) {
        this.pipeline = pipeline;
        this.stream = stream;
        this.store = store;
        this.application = application;
        this.backoff = backoff;
    }

    /** Queues {@code checkpoint} as the shard's next value. */
    void put(String shardId, Checkpoint checkpoint) {
        unsaved.put(shardId, checkpoint);
    }

    /** Whether the shard's queued value (if any) is saved. */
    /** Why the latest save failed, or null when it succeeded (or none was tried); safe from any thread. */
    String lastFailure() {
        return lastFailure;
    }

    boolean isSaved(String shardId) {
        return !unsaved.containsKey(shardId);
    }

    /** The shard's {@code SHARD_END} is saved. */
    void finished(String shardId) {
        finished.add(shardId);
    }

    /** Whether values wait and the backoff after the last failure has passed. */
    boolean retryDue() {
        return !unsaved.isEmpty() && System.nanoTime() - nextAttempt >= 0;
    }

    /**
     * Saves the queued values in one write. A failure keeps them for the next attempt (after a backoff
     * when retried from {@code poll}) and is thrown if {@code rethrow}; returns whether they were saved.
     */
    boolean save(boolean rethrow) {
        if (unsaved.isEmpty()) {
            return true;
        }
        Map<String, Checkpoint> batch = new LinkedHashMap<>(unsaved);
        try {
            store.save(application, stream.name(), batch);
            unsaved.clear();
            lastFailure = null;
            if (failures > 0) {
                LOG.info("pipeline {}: checkpoints of stream {} saved again after {} failed attempts", pipeline, stream, failures);
            }
            failures = 0;
            return true;
        } catch (RuntimeException e) {
            failures++;
            lastFailure = e.getMessage();
            long delay = backoff.delayMillis(failures - 1);
            nextAttempt = System.nanoTime() + delay * 1_000_000;
            String message = "checkpoints " + batch + " of stream " + stream + " not saved (attempt " + failures
                    + "; kept and saved again with the next commit or in " + delay + " ms): " + e.getMessage();
            if (rethrow) {
                throw new IllegalStateException("KinesisSource: " + message, e);
            }
            LOG.warn("pipeline {}: {}", pipeline, message);
            return false;
        }
    }

    /**
     * Queues the new checkpoint and pending ranges of every shard named in {@code positions} or
     * {@code pending} (one value per shard, the ranges replacing those before); a finished shard keeps
     * its {@code SHARD_END} and takes no pending ranges. {@code active} gives the shards being read,
     * whose state follows.
     */
    void queue(Collection<SourcePosition> positions, Map<String, List<PendingRange>> pending,
               Function<String, ActiveShard> active) {
        Map<String, KinesisPosition> durable = new LinkedHashMap<>();
        for (SourcePosition position : positions) {
            KinesisPosition kinesis = own(position);
            if (durable.put(kinesis.shardId(), kinesis) != null) {
                throw new IllegalArgumentException("KinesisSource for stream " + stream + ": two positions of shard "
                        + kinesis.shardId() + " in one commit: " + positions);
            }
        }
        Map<String, String> ranges = new LinkedHashMap<>();
        pending.forEach((split, list) -> {
            String shardId = null;
            for (PendingRange range : list) {
                KinesisPosition first = own(range.first());
                own(range.last());
                if (!split.equals(first.split())) {
                    throw new IllegalArgumentException("KinesisSource for stream " + stream + ": pending range "
                            + range + " given for split " + split);
                }
                shardId = first.shardId();
            }
            if (shardId != null) {
                ranges.put(shardId, PendingRangeText.encode(list));
            } else if (split.startsWith(stream.name() + "/")) {
                ranges.put(split.substring(stream.name().length() + 1), "");
            }
        });
        Set<String> shards = new LinkedHashSet<>(durable.keySet());
        shards.addAll(ranges.keySet());
        for (String shardId : shards) {
            String text = ranges.getOrDefault(shardId, "");
            Checkpoint queued = unsaved.get(shardId);
            ActiveShard shard = active.apply(shardId);
            if (finished.contains(shardId) || (queued != null && queued.isShardEnd())) {
                if (!text.isEmpty()) {
                    throw new IllegalStateException("KinesisSource for stream " + stream + ": shard " + shardId
                            + " is finished (SHARD_END), yet pending ranges were given for it: " + text);
                }
                continue; // SHARD_END saved or queued: it stays
            }
            KinesisPosition position = durable.get(shardId);
            Checkpoint base = position != null ? Checkpoint.at(position.extendedSequenceNumber())
                    : queued != null ? queued : shard != null ? shard.state : null;
            if (base == null) {
                if (!text.isEmpty()) {
                    throw new IllegalStateException("KinesisSource for stream " + stream + ": pending ranges given"
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

    private KinesisPosition own(SourcePosition position) {
        if (!(position instanceof KinesisPosition kinesis) || !kinesis.stream().equals(stream.name())) {
            throw new IllegalArgumentException("KinesisSource for stream " + stream + " cannot commit " + position);
        }
        return kinesis;
    }
}
