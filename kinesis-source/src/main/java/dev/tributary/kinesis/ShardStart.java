package dev.tributary.kinesis;

/**
 * A shard the source should start reading now, and where; {@code fromCheckpoint} says whether
 * {@code start} comes from the store (else it is saved there before the shard is read).
 */
record ShardStart(String shardId, IteratorStart start, boolean fromCheckpoint) {
}
