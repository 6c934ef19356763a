package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
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

import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The plan {@link ProtobufSchemaMapper} compiles for a table: per message type (and schema id) a {@link MessageReader}
 * (compiled on the schema's first message, then cached), and per column how it is written — from
 * the reader's slot, or by a one-column {@link dev.tributary.core.mapping.DefaultSchemaMapper}
 * plan for virtual columns and constants. Records that are not {@link ProtobufRecord}s go to a
 * DefaultSchemaMapper plan of the whole table. Used by one pipeline thread.
 */
final class ProtobufMappingPlan implements MappingPlan {

    private static final Logger LOG = LoggerFactory.getLogger(ProtobufMappingPlan.class);
    private static final int MAX_CACHED_SCHEMAS = 1_000;

    /** How one column of the table gets its bytes. */
    interface Column {
        void write(MessageReader reader, DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException;
    }

    /** A column written by a one-column plan of another mapper (virtual columns, constants). */
    record Delegated(MappingPlan plan) implements Column {
        @Override
        public void write(MessageReader reader, DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException {
            plan.writeRow(decoded, record, out);
        }
    }

    /**
     * A column from the Protobuf body; a null or missing value as {@link AbsentValues} says.
     */
    record FromPayload(int slot, TableColumn column, ColumnEncoder encoder, boolean withDefaults, boolean useServerDefault,
                       boolean strict) implements Column {
        @Override
        public void write(MessageReader reader, DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException {
            byte state = reader.state(slot);
            if (state == MessageReader.PRESENT) {
                if (withDefaults) {
                    out.writeByte(0);
                }
                reader.copy(slot, out);
                return;
            }
            AbsentValues.write(column, encoder, state == MessageReader.MISSING, withDefaults, useServerDefault, strict, out);
        }
    }

    private final Column[] columns;
    private final List<MessageReader.PayloadColumn> payload;
    private final ZoneId zone;
    private final MappingPlan fallback;
    /** Per message type, per schema: a type of the same name in another schema id may differ. */
    private final Map<ReaderKey, MessageReader> readers = new HashMap<>();

    private record ReaderKey(int schemaId, Descriptors.Descriptor type) {
    }

    private int lastSchemaId = Integer.MIN_VALUE;
    private Descriptors.Descriptor lastType;
    private MessageReader lastReader;

    ProtobufMappingPlan(Column[] columns, List<MessageReader.PayloadColumn> payload, ZoneId zone, MappingPlan fallback) {
        this.columns = columns.clone();
        this.payload = List.copyOf(payload);
        this.zone = zone;
        this.fallback = fallback;
    }

    @Override
    public void writeRow(DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException {
        if (!(decoded instanceof ProtobufRecord message)) {
            fallback.writeRow(decoded, record, out);
            return;
        }
        MessageReader reader;
        if (message.schemaId() == lastSchemaId && message.messageType() == lastType) {
            reader = lastReader; // the usual case: the same type as the message before, without a lookup
        } else {
            ReaderKey key = new ReaderKey(message.schemaId(), message.messageType());
            reader = readers.get(key);
            if (reader == null) {
                reader = compile(key, message.schema());
            }
            lastSchemaId = message.schemaId();
            lastType = message.messageType();
            lastReader = reader;
        }
        reader.read(message);
        for (Column column : columns) {
            column.write(reader, decoded, record, out);
        }
    }

    private MessageReader compile(ReaderKey key, ProtobufSchema schema) {
        MessageReader reader = MessageReader.compile(key.type(), schema.toString(), payload, zone);
        if (reader.refusal() != null) {
            LOG.warn("Protobuf mapping: every message of {} ({}) goes to the error table: {}", key.type().getFullName(), schema,
                    reader.refusal());
        } else {
            LOG.info("Protobuf mapping: compiled the reader plan of {} ({})", key.type().getFullName(), schema);
        }
        if (readers.size() >= MAX_CACHED_SCHEMAS) {
            readers.clear(); // a stream with this many types recompiles now and then; memory stays bounded
            lastType = null;
        }
        readers.put(key, reader);
        return reader;
    }
}
