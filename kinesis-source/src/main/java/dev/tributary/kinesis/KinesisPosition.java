package dev.tributary.kinesis;

import dev.tributary.core.SourcePosition;

import java.util.Objects;

/**
 * A record's place in Kinesis: stream, shard, sequence number and, for a user record of a record
 * aggregated by the Kinesis Producer Library, its sub-sequence number (its index in the aggregated
 * record; {@link #NO_SUB_SEQUENCE} for a plain record). The split is {@code <stream>/<shardId>};
 * printed as {@code <stream>/<shardId>@<extendedSequenceNumber>}.
 */
public record KinesisPosition(String stream, String shardId, String sequenceNumber, int subSequenceNumber)
        implements SourcePosition {

    /** The sub-sequence number of a plain (not aggregated) record. */
    public static final int NO_SUB_SEQUENCE = -1;

    public KinesisPosition {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (subSequenceNumber < NO_SUB_SEQUENCE) {
            throw new IllegalArgumentException("a sub-sequence number is 0 or more (or NO_SUB_SEQUENCE), not " + subSequenceNumber);
        }
    }

    /** The position of a plain record. */
    public KinesisPosition(String stream, String shardId, String sequenceNumber) {
        this(stream, shardId, sequenceNumber, NO_SUB_SEQUENCE);
    }

    /** Whether this is a user record of an aggregated record. */
    public boolean isAggregated() {
        return subSequenceNumber != NO_SUB_SEQUENCE;
    }

    /**
     * The sequence number, followed for a user record of an aggregated record by {@code :} and its
     * sub-sequence number ({@code 4959…2882:3}): the {@code _sequence_number} column and the checkpoint.
     */
    public String extendedSequenceNumber() {
        return isAggregated() ? sequenceNumber + ":" + subSequenceNumber : sequenceNumber;
    }

    @Override
    public String split() {
        return split(stream, shardId);
    }

    /** The split name of a shard: {@code <stream>/<shardId>}. */
    static String split(String stream, String shardId) {
        return stream + "/" + shardId;
    }

    @Override
    public String toString() {
        return stream + "/" + shardId + "@" + extendedSequenceNumber();
    }
}
