package dev.tributary.kafka;

import dev.tributary.core.RecordCodec;
import dev.tributary.core.RecordSlab;
import dev.tributary.core.SourceRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A Kafka record as a {@link SourceRecord}, with Kafka's virtual columns. */
final class KafkaRecord implements SourceRecord {

    /** Keeps Kafka records as bytes in batches, and makes them again from those bytes. */
    static final RecordCodec CODEC = new Codec();

    private final KafkaPosition position;
    private final long timestamp;
    private final byte[] key;
    private final byte[] value;
    private final Headers headers;

    KafkaRecord(ConsumerRecord<byte[], byte[]> record) {
        this(new KafkaPosition(record.topic(), record.partition(), record.offset()), record.timestamp(), record.key(),
                record.value(), record.headers());
    }

    private KafkaRecord(KafkaPosition position, long timestamp, byte[] key, byte[] value, Headers headers) {
        this.position = position;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.headers = headers;
    }

    @Override
    public KafkaPosition position() {
        return position;
    }

    @Override
    public byte[] key() {
        return key;
    }

    @Override
    public byte[] value() {
        return value;
    }

    @Override
    public long timestampMillis() {
        return timestamp;
    }

    @Override
    public long sizeInBytes() {
        long size = SourceRecord.super.sizeInBytes();
        for (Header header : headers) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    @Override
    public Object virtualColumn(String name) {
        return switch (name) {
            case KafkaVirtualColumns.KEY -> key;
            case KafkaVirtualColumns.TIMESTAMP -> Instant.ofEpochMilli(timestamp);
            case KafkaVirtualColumns.PARTITION -> (long) position.partition();
            case KafkaVirtualColumns.OFFSET -> position.offset();
            case KafkaVirtualColumns.TOPIC -> position.topic();
            case KafkaVirtualColumns.HEADER_KEYS -> headerKeys();
            case KafkaVirtualColumns.HEADER_VALUES -> headerValues();
            case KafkaVirtualColumns.RAW_MESSAGE -> value;
            default -> throw new IllegalArgumentException("Kafka records have no virtual column '" + name
                    + "'; they have " + KafkaVirtualColumns.NAMES);
        };
    }

    private List<String> headerKeys() {
        List<String> keys = new ArrayList<>();
        for (Header header : headers) {
            keys.add(header.key());
        }
        return keys;
    }

    private List<byte[]> headerValues() {
        List<byte[]> values = new ArrayList<>();
        for (Header header : headers) {
            values.add(header.value() == null ? new byte[0] : header.value());
        }
        return values;
    }

    @Override
    public String toString() {
        return "KafkaRecord{" + position + ", " + (value == null ? "tombstone" : value.length + " bytes") + "}";
    }

    /**
     * The layout: topic (interned), partition, offset, timestamp, key, value, the number of headers,
     * then each header's key and value. Null keys, values and header values stay null.
     */
    private static final class Codec implements RecordCodec {

        @Override
        public boolean write(SourceRecord record, RecordSlab slab) {
            if (!(record instanceof KafkaRecord kafka)) {
                return false;
            }
            slab.writeInterned(kafka.position.topic());
            slab.writeInt(kafka.position.partition());
            slab.writeLong(kafka.position.offset());
            slab.writeLong(kafka.timestamp);
            slab.writeBytes(kafka.key);
            slab.writeBytes(kafka.value);
            Header[] headers = kafka.headers.toArray(); // no allocation for a record without headers
            slab.writeInt(headers.length);
            for (Header header : headers) {
                slab.writeString(header.key());
                slab.writeBytes(header.value());
            }
            return true;
        }

        @Override
        public SourceRecord read(RecordSlab.Reader in) {
            KafkaPosition position = new KafkaPosition(in.readInterned(String.class), in.readInt(), in.readLong());
            long timestamp = in.readLong();
            byte[] key = in.readBytes();
            byte[] value = in.readBytes();
            int count = in.readInt();
            Header[] headers = new Header[count];
            for (int i = 0; i < count; i++) {
                headers[i] = new RecordHeader(in.readString(), in.readBytes());
            }
            return new KafkaRecord(position, timestamp, key, value, new RecordHeaders(headers));
        }
    }
}
