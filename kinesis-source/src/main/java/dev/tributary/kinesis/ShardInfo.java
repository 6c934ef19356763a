package dev.tributary.kinesis;

import software.amazon.awssdk.services.kinesis.model.Shard;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the source needs to know of a shard from {@code ListShards}: its id, its parents (one after
 * a split, two after a merge, none for an original shard) and whether it is closed.
 */
record ShardInfo(String shardId, List<String> parents, boolean closed) {

    ShardInfo {
        Objects.requireNonNull(shardId, "shardId");
        parents = List.copyOf(parents);
    }

    static ShardInfo of(Shard shard) {
        List<String> parents = new ArrayList<>(2);
        if (shard.parentShardId() != null) {
            parents.add(shard.parentShardId());
        }
        if (shard.adjacentParentShardId() != null) {
            parents.add(shard.adjacentParentShardId());
        }
        boolean closed = shard.sequenceNumberRange() != null && shard.sequenceNumberRange().endingSequenceNumber() != null;
        return new ShardInfo(shard.shardId(), parents, closed);
    }
}
