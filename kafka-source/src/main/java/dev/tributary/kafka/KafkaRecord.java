package dev.tributary.kafka;

import dev.tributary.core.SourceRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;


import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A Kafka record as a {@link SourceRecord}, with Kafka's virtual columns. */
final class KafkaRecord implements SourceRecord {

    private final ConsumerRecord<byte[], byte[]> record;
    private final KafkaPosition position;

    KafkaRecord(ConsumerRecord<byte[], byte[]> record) {
        this.record = record;
        this.position = new KafkaPosition(record.topic(), record.partition(), record.offset());
    }

    @Override
    public KafkaPosition position() {
        return position;
    }

    @Override
    public byte[] key() {
        return record.key();
    }

    @Override
    public byte[] value() {
        return record.value();
    }

    @Override
    public long timestampMillis() {
        return record.timestamp();
    }

    @Override
    public long sizeInBytes() {
        long size = SourceRecord.super.sizeInBytes();
        for (Header header : record.headers()) {
            size += header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    @Override
    public Object virtualColumn(String name) {
        return switch (name) {
            case KafkaVirtualColumns.KEY -> record.key();
            case KafkaVirtualColumns.TIMESTAMP -> Instant.ofEpochMilli(record.timestamp());
            case KafkaVirtualColumns.PARTITION -> (long) record.partition();
            case KafkaVirtualColumns.OFFSET -> record.offset();
            case KafkaVirtualColumns.TOPIC -> record.topic();
            case KafkaVirtualColumns.HEADER_KEYS -> headerKeys();
            case KafkaVirtualColumns.HEADER_VALUES -> headerValues();
            case KafkaVirtualColumns.RAW_MESSAGE -> record.value();
            default -> throw new IllegalArgumentException("Kafka records have no virtual column '" + name
                    + "'; they have " + KafkaVirtualColumns.NAMES);
        };
    }

    private List<String> headerKeys() {
        List<String> keys = new ArrayList<>();
        for (Header header : record.headers()) {
            keys.add(header.key());
        }
        return keys;
    }

    private List<byte[]> headerValues() {
        List<byte[]> values = new ArrayList<>();
        for (Header header : record.headers()) {
            values.add(header.value() == null ? new byte[0] : header.value());
        }
        return values;
    }

    @Override
    public String toString() {
        return "KafkaRecord{" + position + ", " + (record.value() == null ? "tombstone" : record.value().length + " bytes") + "}";
    }

}
