package dev.tributary.kinesis;

import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Where a reader starts in its shard: after a sequence number, inside an aggregated record (at its
 * sequence number, after user record {@code subSequenceNumber}: the reader skips the user records up
 * to that one), or at one of Kinesis' positions.
 */
record IteratorStart(ShardIteratorType type, String sequenceNumber, Instant timestamp, int subSequenceNumber) {

    static final IteratorStart TRIM_HORIZON = new IteratorStart(ShardIteratorType.TRIM_HORIZON, null, null, KinesisPosition.NO_SUB_SEQUENCE);
    static final IteratorStart LATEST = new IteratorStart(ShardIteratorType.LATEST, null, null, KinesisPosition.NO_SUB_SEQUENCE);

    IteratorStart {
        Objects.requireNonNull(type, "type");
        if ((type == ShardIteratorType.AT_SEQUENCE_NUMBER) != (subSequenceNumber >= 0)) {
            throw new IllegalArgumentException("a start at a sequence number is inside an aggregated record, with its"
                    + " sub-sequence number, and only that one: " + type + " " + subSequenceNumber);
        }
    }

    static IteratorStart after(String sequenceNumber) {
        return new IteratorStart(ShardIteratorType.AFTER_SEQUENCE_NUMBER, Objects.requireNonNull(sequenceNumber), null,
                KinesisPosition.NO_SUB_SEQUENCE);
    }

    /** At the aggregated record {@code sequenceNumber}, after its user record {@code subSequenceNumber}. */
    static IteratorStart inside(String sequenceNumber, int subSequenceNumber) {
        return new IteratorStart(ShardIteratorType.AT_SEQUENCE_NUMBER, Objects.requireNonNull(sequenceNumber), null,
                subSequenceNumber);
    }

    static IteratorStart atTimestamp(Instant timestamp) {
        // Milliseconds, as arrival times and the stored marker have them; truncated, so nothing is skipped.
        return new IteratorStart(ShardIteratorType.AT_TIMESTAMP, null, Objects.requireNonNull(timestamp).truncatedTo(ChronoUnit.MILLIS),
                KinesisPosition.NO_SUB_SEQUENCE);
    }

    /** Whether a user record fetched from this start was committed before it (so is skipped). */
    boolean skips(KinesisPosition position) {
        return type == ShardIteratorType.AT_SEQUENCE_NUMBER && position.isAggregated()
                && position.sequenceNumber().equals(sequenceNumber) && position.subSequenceNumber() <= subSequenceNumber;
    }

    /** Where a shard with this checkpoint (not {@code SHARD_END}) resumes: after its record, or at its start marker. */
    static IteratorStart resume(Checkpoint checkpoint) {
        if (checkpoint.isShardEnd()) {
            throw new IllegalArgumentException("a finished shard (SHARD_END) is not read again");
        }
        if (checkpoint.isSequenceNumber()) {
            return checkpoint.subSequenceNumber() == KinesisPosition.NO_SUB_SEQUENCE
                    ? after(checkpoint.sequenceNumber())
                    : inside(checkpoint.recordSequenceNumber(), checkpoint.subSequenceNumber());
        }
        Instant timestamp = checkpoint.timestamp();
        return timestamp != null ? atTimestamp(timestamp) : TRIM_HORIZON;
    }

    /** The start marker saved for a shard that starts here (LATEST must be resolved to a moment first). */
    Checkpoint toCheckpoint() {
        return switch (type) {
            case TRIM_HORIZON -> Checkpoint.TRIM_HORIZON;
            case AT_TIMESTAMP -> Checkpoint.atTimestamp(timestamp);
            case AFTER_SEQUENCE_NUMBER -> Checkpoint.at(sequenceNumber);
            case AT_SEQUENCE_NUMBER -> Checkpoint.at(sequenceNumber + ":" + subSequenceNumber);
            default -> throw new IllegalStateException(this + " has no checkpoint; resolve it to a moment first");
        };
    }

    /** Where a shard without a checkpoint starts, as configured. */
    static IteratorStart of(dev.tributary.kinesis.StartingPosition position) {
        if (position instanceof dev.tributary.kinesis.StartingPosition.AtTimestamp at) {
            return atTimestamp(at.timestamp());
        }
        return position instanceof dev.tributary.kinesis.StartingPosition.Latest ? LATEST : TRIM_HORIZON;
    }

    /** Fills in the position of a {@code GetShardIterator} request. */
    GetShardIteratorRequest.Builder applyTo(GetShardIteratorRequest.Builder request) {
        return request.shardIteratorType(type).startingSequenceNumber(sequenceNumber).timestamp(timestamp);
    }

    /** The same position for {@code SubscribeToShard}. */
    StartingPosition toStartingPosition() {
        return StartingPosition.builder().type(type).sequenceNumber(sequenceNumber).timestamp(timestamp).build();
    }

    @Override
    public String toString() {
        return switch (type) {
            case AFTER_SEQUENCE_NUMBER -> "after " + sequenceNumber;
            case AT_SEQUENCE_NUMBER -> "after " + sequenceNumber + ":" + subSequenceNumber + " (inside an aggregated record)";
            case AT_TIMESTAMP -> "AT_TIMESTAMP " + timestamp;
            default -> type.toString();
        };
    }
}
