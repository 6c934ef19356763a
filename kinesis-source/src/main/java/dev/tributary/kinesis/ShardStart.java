package dev.tributary.kinesis;

/** A shard the source should start reading now, and where. */
record ShardStart(String shardId, IteratorStart start) {
}
