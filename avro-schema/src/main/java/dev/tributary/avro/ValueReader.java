package dev.tributary.avro;

import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ValueConversionException;

/**
 * Reads one Avro value of a writer schema and appends it as one ClickHouse type in RowBinary: the
 * unit of a compiled reader plan. Compiled once per (writer schema, column type) by
 * {@link ReaderCompiler}; reads never look at a schema or a type. Broken bytes raise
 * {@link MalformedAvroException}; a value the column cannot hold a {@link ValueConversionException}.
 * After a failure {@code out} may hold part of the value: the caller drops the row.
 */
@FunctionalInterface
interface ValueReader {

    void read(AvroInput in, RowBinaryOutput out) throws ValueConversionException;
}
