package dev.tributary.kinesis;

import dev.tributary.core.SourcePosition;

import java.math.BigInteger;
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

    /**
     * The position of the record whose {@link #extendedSequenceNumber()} is {@code extended}
     * ({@code <sequence number>} or {@code <sequence number>:<sub-sequence number>}).
     *
     * @throws IllegalArgumentException if {@code extended} is not of that form
     */
    static KinesisPosition parse(String stream, String shardId, String extended) {
        if (!extended.matches("\\d{1,128}(:\\d{1,9})?")) {
            throw new IllegalArgumentException("not a sequence number (digits, with :<sub-sequence number> inside an"
                    + " aggregated record): '" + extended + "'");
        }
        int colon = extended.indexOf(':');
        return colon < 0 ? new KinesisPosition(stream, shardId, extended)
                : new KinesisPosition(stream, shardId, extended.substring(0, colon), Integer.parseInt(extended.substring(colon + 1)));
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

    /**
     * Orders by sequence number (decimal digits of up to 128, compared as integers), then by
     * sub-sequence number (a plain record, {@link #NO_SUB_SEQUENCE}, before user record 0).
     *
     * @throws IllegalArgumentException if {@code other} is not a Kinesis position of the same stream and shard
     */
    @Override
    public int compareWithinSplit(SourcePosition other) {
        if (!(other instanceof KinesisPosition that) || !stream.equals(that.stream) || !shardId.equals(that.shardId)) {
            throw new IllegalArgumentException("cannot order " + this + " against " + other + ": not the same stream and shard");
        }
        int bySequence = sequenceNumber.equals(that.sequenceNumber) ? 0
                : new BigInteger(sequenceNumber).compareTo(new BigInteger(that.sequenceNumber));
        return bySequence != 0 ? bySequence : Integer.compare(subSequenceNumber, that.subSequenceNumber);
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
