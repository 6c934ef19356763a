package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.RecordCodec;
import dev.tributary.core.RecordSlab;
import dev.tributary.core.RowTarget;
import dev.tributary.core.RowWriter;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableSchema;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Rows collected for one insert: their RowBinary bytes back to back, where each row ends (so that a
 * refused batch can be split down to the rows the server refuses), the record each row came from
 * (for the error table, and to encode it again after a table change), and the records that already
 * failed to decode or map. All its rows are encoded for one layout of the table, {@link #schema}.
 *
 * <p>With the source's {@link RecordCodec}, a row's record is kept as bytes in a {@link RecordSlab}
 * (recycled with the batch) and read back only when needed: no object per row survives while the
 * batch waits to be durable. Without one, or for a record the codec does not know, the record
 * itself is kept.
 *
 * <p>{@link #bytes()} counts all of it — the encoded rows, the records kept (the slab's bytes, or key,
 * value and headers of the records kept whole) and the error records — so that the sink's byte
 * bound bounds its memory whatever the ratio of raw to encoded bytes (10 KB events of which four
 * fields are mapped).
 */
final class Batch implements RowTarget {

    final long sequence;
    /** 0 for a batch as the pipeline encoded it; 1, 2, ... each time it was encoded again after a table change. */
    final int generation;
    final TableSchema schema;
    /**
     * When its first row or error record was appended (the sink's clock): its age, which seals it at
     * {@code maxAge}, counts from there, not from when the batch was made (maybe after an idle gap).
     */
    long firstRecordNanos;
    final RowBinaryOutput data;
    final List<ErrorRecord> errors = new ArrayList<>();
    private int rows;
    private int[] rowEnds = new int[1024];
    final int maxErrorRawBytes;
    private long heldBytes;
    /** Writes and reads the records in {@link #slab}; null when the source has no codec. */
    final RecordCodec codec;
    /** The records of the rows, as the codec wrote them; null without a codec. */
    final RecordSlab slab;
    /** Where the record of each row ends in {@link #slab}; null without a codec. */
    private int[] slabEnds;
    /** Records kept as objects (no codec, or one that did not know them), by row; null while there are none. */
    private SourceRecord[] kept;

    /** A batch that keeps the records of its rows as objects (see the other constructor). */
    Batch(long sequence, int generation, TableSchema schema, RowBinaryOutput buffer, int maxErrorRawBytes) {
        this(sequence, generation, schema, buffer, maxErrorRawBytes, null, null);
    }

    /**
     * A batch of rows encoded for {@code schema} that writes into {@code buffer} (emptied first;
     * buffers are recycled); the raw bytes of its error records are cut at {@code maxErrorRawBytes}.
     * With a {@code codec}, the records of its rows are kept in {@code slab} (emptied first; recycled too).
     */
    Batch(long sequence, int generation, TableSchema schema, RowBinaryOutput buffer, int maxErrorRawBytes,
          RecordCodec codec, RecordSlab slab) {
        if ((codec == null) != (slab == null)) {
            throw new IllegalArgumentException("a record codec needs a slab, and a slab a codec");
        }
        this.sequence = sequence;
        this.generation = generation;
        this.schema = schema;
        this.maxErrorRawBytes = maxErrorRawBytes;
        this.data = buffer;
        buffer.reset();
        this.codec = codec;
        this.slab = slab;
        if (slab != null) {
            slab.reset();
            slabEnds = new int[1024];
        }
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
        return rows;
    }

    boolean isEmpty() {
        return rows == 0 && errors.isEmpty();
    }

    /** The bytes this batch holds: encoded rows, the records they came from, and the error records. */
    long bytes() {
        return data.size() + (slab == null ? 0 : slab.size()) + heldBytes;
    }

    /** Marks the bytes written since the previous row as one row from {@code origin}. */
    void endRow(SourceRecord origin) {
        int index = rows;
        if (index == rowEnds.length) {
            rowEnds = Arrays.copyOf(rowEnds, index * 2);
            if (slabEnds != null) {
                slabEnds = Arrays.copyOf(slabEnds, index * 2);
            }
        }
        if (!writeToSlab(index, origin)) {
            if (kept == null) {
                kept = new SourceRecord[rowEnds.length];
            } else if (index >= kept.length) {
                kept = Arrays.copyOf(kept, rowEnds.length);
            }
            kept[index] = origin;
            heldBytes += origin.sizeInBytes();
        }
        rowEnds[index] = data.size();
        rows = index + 1;
    }

    /** Writes the record of row {@code index} into the slab; false if it must be kept as an object. */
    private boolean writeToSlab(int index, SourceRecord origin) {
        if (codec == null) {
            return false;
        }
        int start = slab.size();
        boolean written;
        try {
            written = codec.write(origin, slab);
        } catch (RuntimeException | Error e) {
            slab.truncate(start);
            data.truncate(index == 0 ? 0 : rowEnds[index - 1]); // the row is not appended: drop its bytes too
            throw e;
        }
        if (!written) {
            slab.truncate(start);
        }
        slabEnds[index] = slab.size();
        return written;
    }

    /** The record row {@code index} came from (read back from the slab: a new object each time). */
    SourceRecord origin(int index) {
        if (index < 0 || index >= rows) {
            throw new IndexOutOfBoundsException("row " + index + " of " + rows);
        }
        if (kept != null && index < kept.length && kept[index] != null) {
            return kept[index];
        }
        return codec.read(slab.reader(index == 0 ? 0 : slabEnds[index - 1], slabEnds[index]));
    }

    /** The records of the rows not in {@code settled}, read from the slab one at a time as the list is walked. */
    List<SourceRecord> originsExcept(BitSet settled) {
        int[] unsettled = new int[rows - settled.cardinality()];
        int n = 0;
        for (int row = settled.nextClearBit(0); row < rows; row = settled.nextClearBit(row + 1)) {
            unsettled[n++] = row;
        }
        int count = n;
        return new AbstractList<>() {
            @Override
            public SourceRecord get(int i) {
                return origin(unsettled[java.util.Objects.checkIndex(i, count)]);
            }

            @Override
            public int size() {
                return count;
            }
        };
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
