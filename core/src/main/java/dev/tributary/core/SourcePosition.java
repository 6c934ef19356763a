package dev.tributary.core;

/**
 * Where a record sits in its source: the split (Kafka partition, Kinesis shard) and the place
 * within it (offset, sequence number). Immutable; {@link #toString()} is the human-readable form
 * written to the error table, e.g. {@code events/3@1234}.
 */
public interface SourcePosition {

    /** The split this position belongs to, e.g. {@code events/3} or {@code orders/shardId-000000000001}. */
    String split();
}
