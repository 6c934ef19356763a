package dev.tributary.core.mapping;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.internal.JsonFieldReader;
import dev.tributary.core.json.RawJsonRecord;
import dev.tributary.core.rowbinary.RowBinaryOutput;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

/**
 * {@link DefaultSchemaMapper}'s plan for {@link RawJsonRecord}s: reads the JSON once with a
 * {@link JsonFieldReader} and writes each column from its field's bytes — directly for the common
 * types ({@link JsonValueWriters}), else by building just that value as the decoder would and
 * handing it to the column's usual conversion. The rows and the errors are the decoded path's:
 * a record the reader leaves to the decoder (malformed, or unusual) is decoded and mapped that way.
 */
final class JsonRowPlan {

    /**
     * One column: from field slots ({@code slot}, then {@code dottedSlot} when the exact name is
     * missing), or, with {@code slot} -1, a virtual column or a constant.
     */
    record Column(DefaultSchemaMapper.ColumnPlan plan, int slot, int dottedSlot, JsonValueWriters.Writer writer,
                  boolean withDefaults) {
    }

    private final Column[] columns;
    private final List<FieldPath> paths;
    private final MappingPlan decodedPlan;
    private JsonFieldReader reader;
    /** The decoder's kept fields {@link #reader} was made for (by identity). */
    private Set<String> readerFor;

    private JsonRowPlan(Column[] columns, List<FieldPath> paths, MappingPlan decodedPlan) {
        this.columns = columns;
        this.paths = List.copyOf(paths);
        this.decodedPlan = decodedPlan;
    }

    /** The plan, or null when some field name cannot be matched on bytes (then records are decoded). */
    static JsonRowPlan create(List<Column> columns, List<FieldPath> paths, MappingPlan decodedPlan) {
        try {
            new JsonFieldReader(paths, Set.of());
        } catch (IllegalArgumentException e) {
            return null;
        }
        return new JsonRowPlan(columns.toArray(Column[]::new), paths, decodedPlan);
    }

    void writeRow(RawJsonRecord raw, SourceRecord record, RowBinaryOutput out) throws MappingException {
        Set<String> kept = raw.topLevelFields();
        if (kept != readerFor) {
            // The decoder checks every field it keeps (of all plans); so does the reader.
            reader = new JsonFieldReader(paths, kept);
            readerFor = kept;
        }
        int rowStart = out.size();
        if (!reader.read(raw.bytes(), raw.maxNestingDepth())) {
            decodedPlan.writeRow(decode(raw), record, out);
            return;
        }
        for (Column column : columns) {
            if (!write(column, raw, record, out)) {
                out.truncate(rowStart);
                decodedPlan.writeRow(decode(raw), record, out);
                return;
            }
        }
    }

    /** Writes one column; false when its value cannot be built (the decoder refuses the record). */
    private boolean write(Column column, RawJsonRecord raw, SourceRecord record, RowBinaryOutput out) throws MappingException {
        int slot = column.slot();
        if (slot < 0) {
            column.plan().write(raw, record, out);
            return true;
        }
        byte kind = reader.kind(slot);
        if (kind == JsonFieldReader.MISSING && column.dottedSlot() >= 0) {
            slot = column.dottedSlot();
            kind = reader.kind(slot);
        }
        switch (kind) {
            case JsonFieldReader.MISSING -> {
                column.plan().write(DecodedRecord.MISSING, out);
                return true;
            }
            case JsonFieldReader.NULL -> {
                column.plan().write((Object) null, out);
                return true;
            }
            case JsonFieldReader.TRUE, JsonFieldReader.FALSE -> {
                column.plan().write(kind == JsonFieldReader.TRUE ? Boolean.TRUE : Boolean.FALSE, out);
                return true;
            }
            default -> {
            }
        }
        int start = reader.start(slot);
        int end = reader.end(slot);
        int mark = out.size();
        if (column.writer() != null) {
            if (column.withDefaults()) {
                out.writeByte(0);
            }
            if (column.writer().write(reader, kind, start, end, reader.number(slot), out)) {
                return true;
            }
            out.truncate(mark);
        }
        Object value;
        if (kind == JsonFieldReader.INTEGER) {
            value = reader.number(slot);
        } else if (kind == JsonFieldReader.STRING) {
            value = new String(raw.bytes(), start + 1, end - start - 2, StandardCharsets.UTF_8);
        } else {
            try {
                value = raw.valueAt(start, end);
            } catch (DecodeException e) {
                return false;
            }
        }
        column.plan().write(value, out);
        return true;
    }

    /** The record decoded the decoder's way; its refusal as the DECODE error the pipeline would record. */
    static DecodedRecord decode(RawJsonRecord raw) throws MappingException {
        try {
            return raw.decode();
        } catch (DecodeException e) {
            throw new MappingException(null, e.getMessage(), e, ErrorKind.DECODE);
        } catch (RuntimeException e) {
            throw new MappingException(null, "the decoder failed on this record: " + e, e, ErrorKind.DECODE);
        }
    }
}
