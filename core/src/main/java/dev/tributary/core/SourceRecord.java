package dev.tributary.core;

/**
 * One record as read from a source. Immutable. Virtual columns are read from the record (its
 * metadata), never from the payload.
 */
public interface SourceRecord {

    /** Where the record sits in its source; what the pipeline commits once the record is durable. */
    SourcePosition position();

    /** The raw key, or {@code null} if the record has none. */
    byte[] key();

    /** The raw value, or {@code null} for a tombstone. */
    byte[] value();

    /** The record's timestamp in milliseconds since the epoch (broker or arrival time). */
    long timestampMillis();

    /**
     * The value of a virtual column this record's source offers (see {@link Source#virtualColumns()}),
     * as a plain Java value (String, Long, byte[], List, Instant, ...).
     *
     * @throws IllegalArgumentException if the source offers no such column
     */
    Object virtualColumn(String name);

    /**
     * The bytes this record holds: key, value and, for sources that have them, headers. A batch that
     * keeps the record itself (its source has no {@link RecordCodec}) counts it against its byte bound.
     */
    default long sizeInBytes() {
        byte[] key = key();
        byte[] value = value();
        return (key == null ? 0 : key.length) + (value == null ? 0L : value.length);
    }
}
