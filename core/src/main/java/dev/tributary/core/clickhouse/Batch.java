package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.RowTarget;
import dev.tributary.core.RowWriter;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.rowbinary.RowBinaryOutput;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows collected for one insert: their RowBinary bytes back to back, where each row ends (so that a
 * refused batch can be split down to the rows the server refuses), the record each row came from
 * (for the error table), and the records that already failed to decode or map. All its rows are
 * encoded for one layout of the table, {@link #schema}.
 *
 * <p>{@link #bytes()} counts all of it — the encoded rows, the raw records kept for the error table
 * (key, value, headers) and the error records — so that the sink's byte bound bounds its memory
 * whatever the ratio of raw to encoded bytes (10 KB events of which four fields are mapped).
 */
final class Batch implements RowTarget {

    final long sequence;
    /** 0 for a batch as the pipeline encoded it; 1, 2, ... each time it was encoded again after a table change. */
    final int generation;
    final TableSchema schema;
    final long createdNanos;
    final RowBinaryOutput data;
    final List<SourceRecord> origins = new ArrayList<>();
    final List<ErrorRecord> errors = new ArrayList<>();
    private int[] rowEnds = new int[1024];
    final int maxErrorRawBytes;
    private long heldBytes;

    /**
     * A batch of rows encoded for {@code schema} that writes into {@code buffer} (emptied first;
     * buffers are recycled); the raw bytes of its error records are cut at {@code maxErrorRawBytes}.
     */
    Batch(long sequence, int generation, TableSchema schema, RowBinaryOutput buffer, int maxErrorRawBytes) {
        this.sequence = sequence;
        this.generation = generation;
        this.schema = schema;
        this.maxErrorRawBytes = maxErrorRawBytes;
        this.createdNanos = System.nanoTime();
        this.data = buffer;
        buffer.reset();
    }

    @Override
    public void append(SourceRecord origin, RowWriter writer) throws MappingException {
        int start = data.size();
        try {
            writer.write(data);
        } catch (MappingException | RuntimeException | Error e) {
            data.truncate(start); // the pipeline turns these into the record's error row: drop its partial bytes
            throw e;
        }
        endRow(origin);
    }

    @Override
    public void appendError(SourceRecord origin, ErrorKind kind, String message) {
        addError(ErrorRecord.of(System.currentTimeMillis(), origin, kind, message, maxErrorRawBytes));
    }

    int rows() {
        return origins.size();
    }

    boolean isEmpty() {
        return origins.isEmpty() && errors.isEmpty();
    }

    /** The bytes this batch holds: encoded rows, the records they came from, and the error records. */
    long bytes() {
        return data.size() + heldBytes;
    }

    /** Marks the bytes written since the previous row as one row from {@code origin}. */
    void endRow(SourceRecord origin) {
        int index = origins.size();
        if (index == rowEnds.length) {
            rowEnds = Arrays.copyOf(rowEnds, index * 2);
        }
        rowEnds[index] = data.size();
        origins.add(origin);
        heldBytes += origin.sizeInBytes();
    }

    /** Adds a record that goes to the error table with this batch. */
    void addError(ErrorRecord error) {
        errors.add(error);
        heldBytes += error.sizeInBytes();
    }

    /** Where row {@code index} starts in {@link #data}. */
    int rowStart(int index) {
        return index == 0 ? 0 : rowEnds[index - 1];
    }

    /** Where row {@code index} ends (exclusive). */
    int rowEnd(int index) {
        return rowEnds[index];
    }
}
