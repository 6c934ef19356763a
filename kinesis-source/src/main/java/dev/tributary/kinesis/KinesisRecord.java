package dev.tributary.kinesis;

import dev.tributary.core.RecordCodec;
import dev.tributary.core.RecordSlab;
import dev.tributary.core.SourceRecord;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A Kinesis record as a {@link SourceRecord}, with Kinesis' virtual columns; or one user record of
 * a record aggregated by the Kinesis Producer Library (its own partition key and data, the
 * aggregated record's arrival time, and its sub-sequence number in the position).
 */
final class KinesisRecord implements SourceRecord {

    /** Keeps Kinesis records as bytes in batches, and makes them again from those bytes. */
    static final RecordCodec CODEC = new Codec();

    private final KinesisPosition position;
    private final String partitionKey;
    private final byte[] data;
    private final Instant arrival;

    KinesisRecord(String stream, String shardId, Record record) {
        // The SDK's bytes are not shared with anyone else: no copy needed.
        this(new KinesisPosition(stream, shardId, record.sequenceNumber()), record.partitionKey(),
                record.data().asByteArrayUnsafe(), arrival(record));
    }

    /** User record {@code user} of the aggregated record {@code record}. */
    KinesisRecord(String stream, String shardId, Record record, KplAggregate.UserRecord user) {
        this(new KinesisPosition(stream, shardId, record.sequenceNumber(), user.subSequenceNumber()),
                user.partitionKey(), user.data(), arrival(record));
    }

    /**
     * The rows of a record read from Kinesis: the record itself, or, if the Kinesis Producer Library
     * aggregated it, its user records in order ({@link KplAggregate}). Data that starts with the KPL's
     * magic number but cannot be read as an aggregate is one plain record, and {@code problem} hears why.
     */
    static List<KinesisRecord> rowsOf(String stream, String shardId, Record record, Consumer<String> problem) {
        KplAggregate.Parsed parsed = KplAggregate.parse(record.data().asByteArrayUnsafe());
        if (!parsed.isAggregated()) {
            if (parsed.problem() != null) {
                problem.accept(parsed.problem());
            }
            return List.of(new KinesisRecord(stream, shardId, record));
        }
        List<KinesisRecord> rows = new ArrayList<>(parsed.userRecords().size());
        for (KplAggregate.UserRecord user : parsed.userRecords()) {
            rows.add(new KinesisRecord(stream, shardId, record, user));
        }
        return rows;
    }

    /**
     * A record as the Kinesis Client Library hands it over: a plain record, or (de-aggregated by KCL)
     * a user record of a KPL-aggregated one, with its sub-sequence number.
     */
    static KinesisRecord fromKcl(String stream, String shardId, software.amazon.kinesis.retrieval.KinesisClientRecord record) {
        java.nio.ByteBuffer buffer = record.data().duplicate();
        byte[] data = new byte[buffer.remaining()];
        buffer.get(data);
        KinesisPosition position = record.aggregated()
                ? new KinesisPosition(stream, shardId, record.sequenceNumber(), Math.toIntExact(record.subSequenceNumber()))
                : new KinesisPosition(stream, shardId, record.sequenceNumber());
        Instant arrival = record.approximateArrivalTimestamp() != null ? record.approximateArrivalTimestamp() : Instant.EPOCH;
        return new KinesisRecord(position, record.partitionKey(), data, arrival);
    }

    private KinesisRecord(KinesisPosition position, String partitionKey, byte[] data, Instant arrival) {
        this.position = position;
        this.partitionKey = partitionKey;
        this.data = data;
        this.arrival = arrival;
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

    /**
     * The layout: stream and shard (interned), sequence number, sub-sequence number (-1 for a plain
     * record), partition key, data, arrival time
     * (seconds and nanoseconds, as the SDK gave it).
     */
    private static final class Codec implements RecordCodec {

        @Override
        public boolean write(SourceRecord record, RecordSlab slab) {
            if (!(record instanceof KinesisRecord kinesis)) {
                return false;
            }
            slab.writeInterned(kinesis.position.stream());
            slab.writeInterned(kinesis.position.shardId());
            slab.writeString(kinesis.position.sequenceNumber());
            slab.writeInt(kinesis.position.subSequenceNumber());
            slab.writeString(kinesis.partitionKey);
            slab.writeBytes(kinesis.data);
            slab.writeLong(kinesis.arrival.getEpochSecond());
            slab.writeInt(kinesis.arrival.getNano());
            return true;
        }

        @Override
        public SourceRecord read(RecordSlab.Reader in) {
            KinesisPosition position = new KinesisPosition(in.readInterned(String.class), in.readInterned(String.class),
                    in.readString(), in.readInt());
            String partitionKey = in.readString();
            byte[] data = in.readBytes();
            Instant arrival = Instant.ofEpochSecond(in.readLong(), in.readInt());
            return new KinesisRecord(position, partitionKey, data, arrival);
        }
    }
}
