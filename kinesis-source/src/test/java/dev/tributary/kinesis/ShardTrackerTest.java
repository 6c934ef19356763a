package dev.tributary.kinesis;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardTrackerTest {

    private static ShardInfo open(String id, String... parents) {
        return new ShardInfo(id, List.of(parents), false);
    }

    private static ShardInfo closed(String id, String... parents) {
        return new ShardInfo(id, List.of(parents), true);
    }

    private static String id(int n) {
        return String.format("shardId-%012d", n);
    }

    /** A start without a checkpoint: the source saves it as the shard's start marker first. */
    private static ShardStart start(int n, IteratorStart at) {
        return new ShardStart(id(n), at, null);
    }

    /** A start from the checkpoint in the store. */
    private static ShardStart resumed(int n, IteratorStart at) {
        return new ShardStart(id(n), at, at.toCheckpoint());
    }

    /** 0 was split into 2 and 3; 1 is open; 4 and 5 (closed) were merged into 6. */
    private static List<ShardInfo> resharded() {
        return List.of(closed(id(0)), open(id(1)), open(id(2), id(0)), open(id(3), id(0)),
                closed(id(4)), closed(id(5)), open(id(6), id(4), id(5)));
    }

    @Test
    void childrenStartOnlyAfterEveryParentFinished() {
        ShardTracker tracker = new ShardTracker(ShardAssignment.all(), StartingPosition.TRIM_HORIZON);
        assertEquals(List.of(start(0, IteratorStart.TRIM_HORIZON), start(1, IteratorStart.TRIM_HORIZON),
                        start(4, IteratorStart.TRIM_HORIZON), start(5, IteratorStart.TRIM_HORIZON)),
                tracker.onListing(resharded(), Map.of()));
        assertEquals(Set.of(id(2), id(3), id(6)), tracker.waiting());

        assertEquals(List.of(start(2, IteratorStart.TRIM_HORIZON), start(3, IteratorStart.TRIM_HORIZON)), tracker.onFinished(id(0)));
        assertEquals(List.of(), tracker.onFinished(id(4)), "a merged child waits for both parents");
        assertEquals(List.of(start(6, IteratorStart.TRIM_HORIZON)), tracker.onFinished(id(5)));
        assertEquals(Set.of(), tracker.waiting());
        assertEquals(List.of(), tracker.onListing(resharded(), Map.of()), "nothing starts twice");
    }

    @Test
    void checkpointsResumeAndShardEndMarkersCountAsFinished() {
        ShardTracker tracker = new ShardTracker(ShardAssignment.all(), StartingPosition.LATEST);
        Map<String, Checkpoint> stored = Map.of(id(0), Checkpoint.SHARD_END, id(2), Checkpoint.at("12345"),
                id(4), Checkpoint.at("777"));
        // 3 is a child of a checkpointed lineage: TRIM_HORIZON even under LATEST, so nothing after the split is missed.
        assertEquals(List.of(start(1, IteratorStart.LATEST), resumed(2, IteratorStart.after("12345")),
                        start(3, IteratorStart.TRIM_HORIZON), resumed(4, IteratorStart.after("777"))),
                tracker.onListing(resharded(), stored));
        assertTrue(tracker.isDone(id(0)));
        assertTrue(tracker.isDone(id(5)), "5 was closed without checkpoints at start: skipped under LATEST");
        assertEquals(List.of(start(6, IteratorStart.TRIM_HORIZON)), tracker.onFinished(id(4)));
    }

    @Test
    void startMarkersSavedAtTheFirstAssignmentApplyAtEveryLaterStart() {
        // The first run under LATEST saved markers for the open shards 1, 2, 3 and 6, then stopped
        // before any record: a restart resumes at those moments, not at the (new) end of the shards.
        Instant firstStart = Instant.parse("2026-11-28T07:00:00.123Z");
        Map<String, Checkpoint> stored = new HashMap<>();
        for (int open : new int[] {1, 2, 3, 6}) {
            stored.put(id(open), Checkpoint.atTimestamp(firstStart));
        }
        ShardTracker restarted = new ShardTracker(ShardAssignment.all(), StartingPosition.LATEST);
        assertEquals(List.of(resumed(1, IteratorStart.atTimestamp(firstStart)), resumed(2, IteratorStart.atTimestamp(firstStart)),
                        resumed(3, IteratorStart.atTimestamp(firstStart)), resumed(6, IteratorStart.atTimestamp(firstStart))),
                restarted.onListing(resharded(), stored));
        assertTrue(restarted.isDone(id(0)), "closed shards without checkpoints are still skipped under LATEST");

        // A TRIM_HORIZON marker: the shard starts at its oldest record, whatever the configuration says now.
        ShardTracker reconfigured = new ShardTracker(ShardAssignment.all(), StartingPosition.LATEST);
        assertEquals(List.of(resumed(0, IteratorStart.TRIM_HORIZON)),
                reconfigured.onListing(List.of(open(id(0))), Map.of(id(0), Checkpoint.TRIM_HORIZON)));
    }

    @Test
    void startsWithoutACheckpointBecomeMarkersAndMarkersBecomeStarts() {
        Instant at = Instant.parse("2026-11-28T07:00:00.123Z");
        assertEquals(Checkpoint.TRIM_HORIZON, IteratorStart.TRIM_HORIZON.toCheckpoint());
        assertEquals(new Checkpoint("AT_TIMESTAMP:" + at.toEpochMilli()), IteratorStart.atTimestamp(at).toCheckpoint());
        assertEquals(at, IteratorStart.atTimestamp(at).toCheckpoint().timestamp());
        assertEquals(IteratorStart.atTimestamp(at), IteratorStart.resume(Checkpoint.atTimestamp(at)));
        assertEquals(IteratorStart.TRIM_HORIZON, IteratorStart.resume(Checkpoint.TRIM_HORIZON));
        assertEquals(IteratorStart.after("42"), IteratorStart.resume(Checkpoint.at("42")));
        assertTrue(Checkpoint.at("42").isSequenceNumber());
        assertFalse(Checkpoint.TRIM_HORIZON.isSequenceNumber());
        assertFalse(Checkpoint.atTimestamp(at).isShardEnd());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, IteratorStart.LATEST::toCheckpoint,
                "LATEST is resolved to a moment before it is saved");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Checkpoint("AT_TIMESTAMP:x"));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new Checkpoint("LATEST"));
    }

    @Test
    void latestSkipsClosedShardsAtStartAndReadsLaterChildrenFromTheirStart() {
        ShardTracker tracker = new ShardTracker(ShardAssignment.all(), StartingPosition.LATEST);
        assertEquals(List.of(start(1, IteratorStart.LATEST), start(2, IteratorStart.LATEST), start(3, IteratorStart.LATEST),
                start(6, IteratorStart.LATEST)), tracker.onListing(resharded(), Map.of()));
        // Later, 1 is split into 7 and 8: they wait for 1 and then read everything.
        List<ShardInfo> later = new java.util.ArrayList<>(resharded());
        later.set(1, closed(id(1)));
        later.add(open(id(7), id(1)));
        later.add(open(id(8), id(1)));
        assertEquals(List.of(), tracker.onListing(later, Map.of()));
        assertEquals(List.of(start(7, IteratorStart.TRIM_HORIZON), start(8, IteratorStart.TRIM_HORIZON)), tracker.onFinished(id(1)));
    }

    @Test
    void atTimestampAppliesToTheLineageSeenAtStart() {
        Instant at = Instant.parse("2025-01-02T03:04:05Z");
        ShardTracker tracker = new ShardTracker(ShardAssignment.all(), StartingPosition.atTimestamp(at));
        List<ShardInfo> shards = List.of(closed(id(0)), open(id(1), id(0)));
        assertEquals(List.of(start(0, IteratorStart.atTimestamp(at))), tracker.onListing(shards, Map.of()));
        assertEquals(List.of(start(1, IteratorStart.atTimestamp(at))), tracker.onFinished(id(0)));
    }

    @Test
    void aChildOfAnotherInstancesParentWaitsForItsMarkerInTheStore() {
        // Instance 1 of 2 owns the odd shards: 3 (child of 0, owned by instance 0) waits for 0's SHARD_END.
        ShardTracker tracker = new ShardTracker(ShardAssignment.instance(1, 2), StartingPosition.TRIM_HORIZON);
        List<ShardInfo> shards = List.of(closed(id(0)), open(id(1)), open(id(2), id(0)), open(id(3), id(0)));
        assertEquals(List.of(start(1, IteratorStart.TRIM_HORIZON)), tracker.onListing(shards, Map.of()));
        assertEquals(Set.of(id(3)), tracker.waiting());
        assertEquals(List.of(), tracker.onListing(shards, Map.of(id(0), Checkpoint.at("55"))));
        assertEquals(List.of(), tracker.onListing(shards, null), "an unreadable store keeps what was known");
        assertEquals(List.of(start(3, IteratorStart.TRIM_HORIZON)),
                tracker.onListing(shards, Map.of(id(0), Checkpoint.SHARD_END)));
    }

    @Test
    void aParentGoneFromTheListingHasExpiredAndDoesNotBlockItsChildren() {
        ShardTracker tracker = new ShardTracker(ShardAssignment.all(), StartingPosition.TRIM_HORIZON);
        Map<String, Checkpoint> stored = new HashMap<>();
        stored.put(id(9), Checkpoint.at("1"));
        assertEquals(List.of(start(10, IteratorStart.TRIM_HORIZON)),
                tracker.onListing(List.of(open(id(10), id(9))), stored));
        assertTrue(tracker.isDone(id(9)));
        assertFalse(tracker.isDone(id(10)));
    }
}
