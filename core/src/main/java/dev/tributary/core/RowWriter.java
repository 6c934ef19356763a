package dev.tributary.core;

import dev.tributary.core.rowbinary.RowBinaryOutput;

/** Writes one row into a batch; see {@link BatchingSink#append}. */
@FunctionalInterface
public interface RowWriter {

    void write(RowBinaryOutput out) throws MappingException;
}
