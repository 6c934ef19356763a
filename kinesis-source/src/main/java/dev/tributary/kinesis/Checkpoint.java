package dev.tributary.kinesis;

import java.util.Objects;

/**
 * What a {@link CheckpointStore} keeps per shard: the sequence number of the last record that is
 * durably in ClickHouse, or {@link #SHARD_END} once a closed shard has been read to its end and
 * everything read from it is durable (its children may then be read).
 */
public record Checkpoint(String sequenceNumber) {

    /** The marker value of a finished shard, as stored. */
    public static final String SHARD_END_VALUE = "SHARD_END";

    /** A closed shard that has been read to its end, everything from it durable. */
    public static final Checkpoint SHARD_END = new Checkpoint(SHARD_END_VALUE);

    public Checkpoint {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (!sequenceNumber.equals(SHARD_END_VALUE) && !sequenceNumber.matches("\\d{1,128}")) {
            throw new IllegalArgumentException("a checkpoint is a sequence number (decimal digits) or "
                    + SHARD_END_VALUE + ", not '" + sequenceNumber + "'");
        }
    }

    /** The checkpoint after the record with this sequence number. */
    public static Checkpoint at(String sequenceNumber) {
        return new Checkpoint(sequenceNumber);
    }

    public boolean isShardEnd() {
        return sequenceNumber.equals(SHARD_END_VALUE);
    }

    @Override
    public String toString() {
        return sequenceNumber;
    }
}
