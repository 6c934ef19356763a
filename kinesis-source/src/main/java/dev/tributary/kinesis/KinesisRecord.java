package dev.tributary.kinesis;

import dev.tributary.core.SourceRecord;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A Kinesis record as a {@link SourceRecord}, with Kinesis' virtual columns; or one user record of
 * a record aggregated by the Kinesis Producer Library (its own partition key and data, the
 * aggregated record's arrival time, and its sub-sequence number in the position).
 */
final class KinesisRecord implements SourceRecord {

    private final KinesisPosition position;
    private final String partitionKey;
    private final byte[] data;
    private final Instant arrival;

    KinesisRecord(String stream, String shardId, Record record) {
        this.position = new KinesisPosition(stream, shardId, record.sequenceNumber());
        this.partitionKey = record.partitionKey();
        // The SDK's bytes are not shared with anyone else: no copy needed.
        this.data = record.data().asByteArrayUnsafe();
        this.arrival = arrival(record);
    }

    /** User record {@code user} of the aggregated record {@code record}. */
    KinesisRecord(String stream, String shardId, Record record, KplAggregate.UserRecord user) {
        this.position = new KinesisPosition(stream, shardId, record.sequenceNumber(), user.subSequenceNumber());
        this.partitionKey = user.partitionKey();
        this.data = user.data();
        this.arrival = arrival(record);
    }

    private static Instant arrival(Record record) {
        return record.approximateArrivalTimestamp() != null ? record.approximateArrivalTimestamp() : Instant.EPOCH;
    }

    /**
     * What the record holds on the heap, roughly: its data, its partition key and sequence number
     * (UTF-16 strings), and a fixed allowance for the objects around them.
     */
    long estimatedBytes() {
        return data.length + 2L * (partitionKey.length() + position.sequenceNumber().length()) + 160;
    }

    @Override
    public KinesisPosition position() {
        return position;
    }

    /** The sequence number, with the sub-sequence number for a user record of an aggregated record. */
    String extendedSequenceNumber() {
        return position.extendedSequenceNumber();
    }

    @Override
    public byte[] key() {
        return partitionKey.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] value() {
        return data;
    }

    @Override
    public long timestampMillis() {
        return arrival.toEpochMilli();
    }

    @Override
    public Object virtualColumn(String name) {
        return switch (name) {
            case KinesisVirtualColumns.KEY -> partitionKey;
            case KinesisVirtualColumns.TIMESTAMP -> arrival;
            case KinesisVirtualColumns.STREAM -> position.stream();
            case KinesisVirtualColumns.SEQUENCE_NUMBER -> position.extendedSequenceNumber();
            case KinesisVirtualColumns.RAW_MESSAGE -> data;
            default -> throw new IllegalArgumentException("Kinesis records have no virtual column '" + name
                    + "'; they have " + KinesisVirtualColumns.NAMES);
        };
    }

    @Override
    public String toString() {
        return "KinesisRecord{" + position + ", " + data.length + " bytes}";
    }
}
