package dev.tributary.core;

/**
 * An optional capability of a {@link Source} ({@link Source#recordCodec()}): writes one of its records
 * into a {@link RecordSlab} and reads it back, so that a batch can keep the records of its rows
 * (for the error table, or to encode them again after the table changed) as bytes instead of objects.
 *
 * <p>What {@link #read} returns must be equal to the record written in everything the pipeline and
 * the sink read: position, key, value, timestamp, {@link SourceRecord#sizeInBytes()} and every virtual
 * column. Thread-safe: {@code write} runs on the pipeline thread, {@code read} on the sink's insert
 * threads and the pipeline thread.
 */
public interface RecordCodec {

    /**
     * Writes {@code record} into {@code slab}; false if it is not a record this codec knows (e.g. one
     * made by a wrapper), and nothing was written: the batch then keeps the record itself.
     */
    boolean write(SourceRecord record, RecordSlab slab);

    /** The record that {@link #write} wrote at the reader's bytes. */
    SourceRecord read(RecordSlab.Reader in);
}
