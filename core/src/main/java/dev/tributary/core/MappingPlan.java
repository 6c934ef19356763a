package dev.tributary.core;

import dev.tributary.core.rowbinary.RowBinaryOutput;

/**
 * A compiled mapping: writes one row of the target table, column after column in table order, in
 * the table's insert format (see {@link dev.tributary.core.table.TableSchema#insertFormat()}).
 */
public interface MappingPlan {

    /**
     * Appends the row for {@code decoded} to {@code out}.
     *
     * @throws MappingException naming the column whose value could not be converted; the caller
     *                          drops whatever this call appended
     */
    void writeRow(DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException;

    /**
     * Every field path {@link #writeRow} may read, for {@link Decoder#onlyFields}; null when the
     * plan cannot tell (then decoders keep every field).
     */
    default java.util.Set<FieldPath> fieldsRead() {
        return null;
    }
}
