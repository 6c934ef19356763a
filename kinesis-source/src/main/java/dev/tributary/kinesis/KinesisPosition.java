package dev.tributary.kinesis;

import dev.tributary.core.SourcePosition;

import java.util.Objects;

/**
 * A record's place in Kinesis: stream, shard, sequence number. The split is
 * {@code <stream>/<shardId>}; printed as {@code <stream>/<shardId>@<sequenceNumber>}.
 */
public record KinesisPosition(String stream, String shardId, String sequenceNumber) implements SourcePosition {

    public KinesisPosition {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(shardId, "shardId");
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
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
        return stream + "/" + shardId + "@" + sequenceNumber;
    }
}
