package dev.tributary.kinesis;

import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** Where a reader starts in its shard: after a sequence number, or at one of Kinesis' positions. */
record IteratorStart(ShardIteratorType type, String sequenceNumber, Instant timestamp) {

    static final IteratorStart TRIM_HORIZON = new IteratorStart(ShardIteratorType.TRIM_HORIZON, null, null);
    static final IteratorStart LATEST = new IteratorStart(ShardIteratorType.LATEST, null, null);

    IteratorStart {
        Objects.requireNonNull(type, "type");
    }

    static IteratorStart after(String sequenceNumber) {
        return new IteratorStart(ShardIteratorType.AFTER_SEQUENCE_NUMBER, Objects.requireNonNull(sequenceNumber), null);
    }

    static IteratorStart atTimestamp(Instant timestamp) {
        // Milliseconds, as arrival times and the stored marker have them; truncated, so nothing is skipped.
        return new IteratorStart(ShardIteratorType.AT_TIMESTAMP, null, Objects.requireNonNull(timestamp).truncatedTo(ChronoUnit.MILLIS));
    }

    /** Where a shard with this checkpoint (not {@code SHARD_END}) resumes: after its record, or at its start marker. */
    static IteratorStart resume(Checkpoint checkpoint) {
        if (checkpoint.isShardEnd()) {
            throw new IllegalArgumentException("a finished shard (SHARD_END) is not read again");
        }
        if (checkpoint.isSequenceNumber()) {
            return after(checkpoint.sequenceNumber());
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
            case AT_TIMESTAMP -> "AT_TIMESTAMP " + timestamp;
            default -> type.toString();
        };
    }
}
