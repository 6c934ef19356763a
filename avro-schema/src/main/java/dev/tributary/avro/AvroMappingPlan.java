package dev.tributary.avro;

import dev.tributary.core.DecodedRecord;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.internal.AbsentValues;
import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The plan {@link AvroSchemaMapper} compiles for a table: per writer schema a {@link RowReader}
 * (compiled on the schema's first message, then cached), and per column how it is written — from
 * the reader's slot, or by a one-column {@link dev.tributary.core.mapping.DefaultSchemaMapper}
 * plan for virtual columns and constants. Records that are not {@link AvroRecord}s go to a
 * DefaultSchemaMapper plan of the whole table. Used by one pipeline thread.
 */
final class AvroMappingPlan implements MappingPlan {

    private static final Logger LOG = LoggerFactory.getLogger(AvroMappingPlan.class);
    private static final int MAX_CACHED_SCHEMAS = 1_000;

    /** How one column of the table gets its bytes. */
    interface Column {
        void write(RowReader reader, DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException;
    }

    /** A column written by a one-column plan of another mapper (virtual columns, constants). */
    record Delegated(MappingPlan plan) implements Column {
        @Override
        public void write(RowReader reader, DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException {
            plan.writeRow(decoded, record, out);
        }
    }

    /**
     * A column from the Avro body; a null or missing value as {@link AbsentValues} says.
     */
    record FromPayload(int slot, TableColumn column, ColumnEncoder encoder, boolean withDefaults, boolean useServerDefault,
                       boolean strict) implements Column {
        @Override
        public void write(RowReader reader, DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException {
            byte state = reader.state(slot);
            if (state == RowReader.PRESENT || state == RowReader.CONSTANT) {
                if (withDefaults) {
                    out.writeByte(0);
                }
                reader.copy(slot, out);
                return;
            }
            AbsentValues.write(column, encoder, state == RowReader.MISSING, withDefaults, useServerDefault, strict, out);
        }
    }

    private final Column[] columns;
    private final List<RowReader.PayloadColumn> payload;
    private final ReaderCompiler compiler;
    private final MappingPlan fallback;
    private final Map<ResolvedSchema, RowReader> readers = new ConcurrentHashMap<>();
    private final AvroInput input = new AvroInput();

    AvroMappingPlan(Column[] columns, List<RowReader.PayloadColumn> payload, ReaderCompiler compiler, MappingPlan fallback) {
        this.columns = columns.clone();
        this.payload = List.copyOf(payload);
        this.compiler = compiler;
        this.fallback = fallback;
    }

    /**
     * The paths the payload columns read (the Avro decoder ignores the hint; schema evolution takes them
     * for covered, so that a field an override maps to another column is not added as a column of its own).
     */
    @Override
    public java.util.Set<dev.tributary.core.FieldPath> fieldsRead() {
        java.util.Set<dev.tributary.core.FieldPath> paths = new java.util.HashSet<>();
        for (RowReader.PayloadColumn column : payload) {
            paths.add(column.path());
        }
        return java.util.Set.copyOf(paths);
    }

    @Override
    public void writeRow(DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException {
        if (!(decoded instanceof AvroRecord avro)) {
            fallback.writeRow(decoded, record, out);
            return;
        }
        RowReader reader = readers.get(avro.resolved());
        if (reader == null) {
            reader = compile(avro.resolved());
        }
        reader.read(avro, input);
        for (Column column : columns) {
            column.write(reader, decoded, record, out);
        }
    }

    private RowReader compile(ResolvedSchema schema) {
        RowReader reader = RowReader.compile(schema, payload, compiler);
        if (reader.refusal() != null) {
            LOG.warn("Avro mapping: every message of {} goes to the error table: {}", schema, reader.refusal());
        } else {
            LOG.info("Avro mapping: compiled the reader plan of {}", schema);
        }
        if (readers.size() >= MAX_CACHED_SCHEMAS) {
            readers.clear(); // a stream with this many schemas recompiles now and then; memory stays bounded
        }
        readers.put(schema, reader);
        return reader;
    }
}
