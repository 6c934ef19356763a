package dev.tributary.kinesis;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides which shards this instance reads, when, and from where — the shard lineage rules, with
 * no I/O (the source feeds it listings and checkpoints and acts on its answers). Used on the
 * pipeline thread only.
 *
 * <ul>
 *   <li>A shard with a checkpoint resumes after it (or at the start marker saved when it was first
 *       assigned), with the pending ranges saved beside it (exactly-once delivery), which are its next
 *       records; one with a {@link Checkpoint#SHARD_END} marker is done (it never has pending ranges).
 *       A parent with pending ranges is not done: its owner replays them first, its children wait.</li>
 *   <li>A shard is read only once each of its parents is done: finished here, marked
 *       {@code SHARD_END} in the store (by whichever instance owns it), skipped, or gone from the
 *       listing (expired). So the records of a partition key come out in order across splits and
 *       merges.</li>
 *   <li>The configured {@link StartingPosition} applies to shards seen in the first listing whose
 *       lineage has no checkpoint at all: TRIM_HORIZON and AT_TIMESTAMP start there (still parents
 *       first); LATEST skips closed shards and starts open ones at their newest record. Every other
 *       shard without a checkpoint is a child of a shard read by this application and starts at
 *       TRIM_HORIZON, so that nothing written after its parents closed is missed.</li>
 * </ul>
 */
final class ShardTracker {

    private enum State { WAITING, STARTED, FINISHED, SKIPPED }

    private record Plan(IteratorStart start, boolean gated, Checkpoint checkpoint) {
    }

    private final ShardAssignment assignment;
    private final StartingPosition initial;
    private final Map<String, State> states = new HashMap<>();
    private final Map<String, Plan> plans = new HashMap<>();
    private final Set<String> skipped = new HashSet<>();
    private Map<String, ShardInfo> listing = Map.of();
    private Map<String, Checkpoint> stored = Map.of();
    private boolean listed;

    ShardTracker(ShardAssignment assignment, StartingPosition initial) {
        this.assignment = assignment;
        this.initial = initial;
    }

    /**
     * Takes in the shards of the stream as listed now and the checkpoints in the store (null if the
     * store could not be read this time: the previous ones are kept).
     *
     * @return shards of this instance to start reading now, in shard id order
     */
    List<ShardStart> onListing(Collection<ShardInfo> shards, Map<String, Checkpoint> checkpoints) {
        Map<String, ShardInfo> byId = new TreeMap<>();
        shards.forEach(shard -> byId.put(shard.shardId(), shard));
        listing = byId;
        if (checkpoints != null) {
            stored = Map.copyOf(checkpoints);
        }
        boolean first = !listed;
        listed = true;
        if (first && initial instanceof StartingPosition.Latest) {
            for (ShardInfo shard : byId.values()) {
                if (shard.closed() && !stored.containsKey(shard.shardId()) && !hasCheckpointedAncestor(shard.shardId())) {
                    skipped.add(shard.shardId());
                }
            }
        }
        for (ShardInfo shard : byId.values()) {
            String id = shard.shardId();
            if (states.containsKey(id) || !assignment.owns(id)) {
                continue;
            }
            Checkpoint checkpoint = stored.get(id);
            if (checkpoint != null && checkpoint.isShardEnd()) {
                states.put(id, State.FINISHED);
            } else if (skipped.contains(id)) {
                states.put(id, State.SKIPPED);
            } else {
                states.put(id, State.WAITING);
                plans.put(id, plan(id, checkpoint, first));
            }
        }
        return ready();
    }

    private Plan plan(String shardId, Checkpoint checkpoint, boolean first) {
        if (checkpoint != null) {
            // A record's sequence number, or the start marker saved when the shard was first assigned.
            return new Plan(IteratorStart.resume(checkpoint), true, checkpoint);
        }
        if (first && !hasCheckpointedAncestor(shardId)) {
            // Closed shards of such a lineage were skipped under LATEST: open ones need not wait.
            return new Plan(IteratorStart.of(initial), !(initial instanceof StartingPosition.Latest), null);
        }
        return new Plan(IteratorStart.TRIM_HORIZON, true, null);
    }

    /**
     * A shard of this instance is finished: read to its end, everything durable, the
     * {@code SHARD_END} marker saved.
     *
     * @return shards now ready (its children, if they are ours and their other parents are done)
     */
    List<ShardStart> onFinished(String shardId) {
        states.put(shardId, State.FINISHED);
        plans.remove(shardId);
        return ready();
    }

    /** Whether {@code shardId} is done as far as its children are concerned. */
    boolean isDone(String shardId) {
        State state = states.get(shardId);
        if (state == State.FINISHED || state == State.SKIPPED || skipped.contains(shardId)) {
            return true;
        }
        Checkpoint checkpoint = stored.get(shardId);
        return (checkpoint != null && checkpoint.isShardEnd()) || !listing.containsKey(shardId);
    }

    /** Shards of this instance that wait for a parent. */
    Set<String> waiting() {
        Set<String> waiting = new HashSet<>();
        states.forEach((id, state) -> {
            if (state == State.WAITING) {
                waiting.add(id);
            }
        });
        return waiting;
    }

    private List<ShardStart> ready() {
        List<ShardStart> starts = new ArrayList<>();
        new TreeMap<>(plans).forEach((id, plan) -> {
            if (states.get(id) == State.WAITING && (!plan.gated() || parentsDone(id))) {
                states.put(id, State.STARTED);
                plans.remove(id);
                starts.add(new ShardStart(id, plan.start(), plan.checkpoint()));
            }
        });
        return starts;
    }

    private boolean parentsDone(String shardId) {
        ShardInfo shard = listing.get(shardId);
        if (shard == null) {
            return false; // not listed any more: nothing to read
        }
        for (String parent : shard.parents()) {
            if (!isDone(parent)) {
                return false;
            }
        }
        return true;
    }

    private boolean hasCheckpointedAncestor(String shardId) {
        Deque<String> pending = new ArrayDeque<>(parentsOf(shardId));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            String ancestor = pending.pop();
            if (!seen.add(ancestor)) {
                continue;
            }
            if (stored.containsKey(ancestor)) {
                return true;
            }
            pending.addAll(parentsOf(ancestor));
        }
        return false;
    }

    private List<String> parentsOf(String shardId) {
        ShardInfo shard = listing.get(shardId);
        return shard == null ? List.of() : shard.parents();
    }
}
