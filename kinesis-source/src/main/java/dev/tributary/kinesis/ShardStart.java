package dev.tributary.kinesis;

/**
 * A shard the source should start reading now, and where. {@code checkpoint} is the shard's value in
 * the store that {@code start} comes from (its pending ranges included), or null when it has none: the
 * source then saves {@code start} as its start marker before the shard is read.
 */
record ShardStart(String shardId, IteratorStart start, Checkpoint checkpoint) {

    /** Whether {@code start} comes from the store. */
    boolean fromCheckpoint() {
        return checkpoint != null;
    }
}
