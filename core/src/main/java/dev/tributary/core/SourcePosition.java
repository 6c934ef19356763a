package dev.tributary.core;

/**
 * Where a record sits in its source: the split (Kafka partition, Kinesis shard) and the place
 * within it (offset, sequence number). Immutable; {@link #toString()} is the human-readable form
 * written to the error table, e.g. {@code events/3@1234}.
 */
public interface SourcePosition {

    /** The split this position belongs to, e.g. {@code events/3} or {@code orders/shardId-000000000001}. */
    String split();

    /**
     * Orders this position against another of the same split: negative when this one comes first,
     * zero when they are the same record, positive when this one comes after. Sources that support
     * exactly-once delivery ({@link Source#supportsExactlyOnce()}) implement it; the default refuses.
     *
     * @throws IllegalArgumentException if {@code other} is of another split or another source
     */
    default int compareWithinSplit(SourcePosition other) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " positions cannot be ordered"
                + " (needed for exactly-once delivery)");
    }
}
