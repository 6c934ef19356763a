package dev.tributary.kinesis;

import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StartingPosition;

import java.time.Instant;
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
        return new IteratorStart(ShardIteratorType.AT_TIMESTAMP, null, Objects.requireNonNull(timestamp));
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
