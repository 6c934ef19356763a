package dev.tributary.avro;

import dev.tributary.core.DecodedRecord;
import dev.tributary.core.FieldDecodeException;
import dev.tributary.core.FieldPath;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as {@link AvroConfluentDecoder} leaves it: the bytes, where the Avro body starts, and
 * the writer schema. Nothing is decoded up front: {@link AvroSchemaMapper}'s plan reads the body
 * straight into the row, and {@link #field} decodes it (once) with Avro's generic reader for any
 * other mapper.
 *
 * <p>For other mappers a body that does not decode makes {@link #field} throw
 * {@link FieldDecodeException}, which the mapper reports as a DECODE error with the reason.
 */
public final class AvroRecord implements DecodedRecord {

    private final byte[] bytes;
    private final int offset;
    private final ResolvedSchema schema;
    private Object decoded;
    private FieldDecodeException undecodable;

    AvroRecord(byte[] bytes, int offset, ResolvedSchema schema) {
        this.bytes = bytes;
        this.offset = offset;
        this.schema = schema;
    }

    /** The registry id of the schema the message was written with. */
    public int schemaId() {
        return schema.id();
    }

    /** The schema the message was written with. */
    public Schema writerSchema() {
        return schema.writer();
    }

    /** The schema the message is read as: the configured reader schema, else the writer schema. */
    public Schema readerSchema() {
        return schema.view();
    }

    ResolvedSchema resolved() {
        return schema;
    }

    byte[] bytes() {
        return bytes;
    }

    /** Where the Avro body starts in {@link #bytes()}: after the 5-byte header, or 0 without one. */
    int bodyOffset() {
        return offset;
    }

    @Override
    public Object field(FieldPath path) {
        return at(decoded(), path, 0);
    }

    /**
     * The message decoded with the reader schema: a record as a Map of every field in the schema's
     * order (null fields kept), bytes and fixed as byte[], enum symbols as their names, logical
     * types as BigDecimal, LocalDate, Instant, LocalDateTime, LocalTime, UUID (see {@link AvroValues}).
     */
    @Override
    public Object tree() {
        return AvroValues.tree(decoded());
    }

    private Object decoded() {
        if (undecodable != null) {
            throw undecodable;
        }
        if (decoded == null) {
            try {
                decoded = schema.decodeGeneric(bytes, offset, bytes.length - offset);
            } catch (IOException | RuntimeException e) {
                // Any failure here is the body's (Avro's reader also throws UnsupportedOperationException
                // for a length beyond its limits, found by AvroDecodeMapFuzzTest): a DECODE error.
                undecodable = new FieldDecodeException("undecodable Avro body (" + schema + "): " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
                throw undecodable;
            }
        }
        return decoded;
    }

    /** The value at segments {@code from...} of {@code path}; through an array, the list of each element's value. */
    private static Object at(Object value, FieldPath path, int from) {
        Object current = value;
        for (int i = from; i < path.size(); i++) {
            if (current instanceof List<?> elements) {
                List<Object> projected = new ArrayList<>(elements.size());
                for (Object element : elements) {
                    Object inner = element == null ? null : at(element, path, i);
                    projected.add(inner == MISSING ? null : inner);
                }
                return projected; // items.k: field k of every element, as a Nested column holds it
            }
            if (!(current instanceof IndexedRecord record)) {
                return MISSING;
            }
            Schema.Field field = record.getSchema().getField(path.segment(i));
            if (field == null) {
                return MISSING;
            }
            current = record.get(field.pos());
            if (current == null && i < path.size() - 1) {
                return MISSING; // a null record on the way: the field is not there
            }
        }
        return AvroValues.plain(current);
    }

    @Override
    public String toString() {
        return "AvroRecord[" + schema + ", " + (bytes.length - offset) + " bytes]";
    }
}
