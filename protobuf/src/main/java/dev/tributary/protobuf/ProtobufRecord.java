package dev.tributary.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.FieldDecodeException;
import dev.tributary.core.FieldPath;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A message as {@link ProtobufConfluentDecoder} leaves it: the bytes, where the Protobuf body
 * starts, its message type and schema. Nothing is decoded up front: {@link ProtobufSchemaMapper}'s
 * plan reads the body straight into the row, and {@link #field} decodes it (once) as a
 * {@link DynamicMessage} for any other mapper, with the values of {@code docs/protobuf.md}.
 */
public final class ProtobufRecord implements DecodedRecord {

    private final byte[] bytes;
    private final int offset;
    private final ProtobufSchema schema;
    private final Descriptors.Descriptor message;
    private Map<String, Object> decoded;
    private FieldDecodeException undecodable;

    ProtobufRecord(byte[] bytes, int offset, ProtobufSchema schema, Descriptors.Descriptor message) {
        this.bytes = bytes;
        this.offset = offset;
        this.schema = schema;
        this.message = message;
    }

    /** The registry id of the message's schema, or -1 for a descriptor given in code. */
    public int schemaId() {
        return schema.id();
    }

    /** The message type. */
    public Descriptors.Descriptor messageType() {
        return message;
    }

    ProtobufSchema schema() {
        return schema;
    }

    byte[] bytes() {
        return bytes;
    }

    /** Where the Protobuf body starts in {@link #bytes()}: after the header and message indexes, or 0 without them. */
    int bodyOffset() {
        return offset;
    }

    @Override
    public Object field(FieldPath path) {
        return at(decoded(), path, 0);
    }

    /**
     * The message as {@link #field} reads it ({@code docs/protobuf.md}): every field by name in the
     * declaration order (absent ones with presence as null, others as their default), bytes as byte[],
     * enums by name, Timestamps as Instant; a oneof also by its own name, holding the member set, as a
     * column of that name gets it.
     */
    @Override
    public Object tree() {
        return java.util.Collections.unmodifiableMap(decoded());
    }

    private Map<String, Object> decoded() {
        if (undecodable != null) {
            throw undecodable;
        }
        if (decoded == null) {
            try {
                CodedInputStream in = CodedInputStream.newInstance(bytes, offset, bytes.length - offset);
                in.setRecursionLimit(ProtobufValues.MAX_DEPTH);
                decoded = ProtobufValues.message(DynamicMessage.parseFrom(message, in));
            } catch (IOException | RuntimeException e) {
                undecodable = new FieldDecodeException("undecodable Protobuf body (" + message.getFullName() + ", " + schema
                        + "): " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
                throw undecodable;
            }
        }
        return decoded;
    }

    /** The value at segments {@code from...}; through a list of messages, the list of each one's value. */
    private static Object at(Object value, FieldPath path, int from) {
        Object current = value;
        for (int i = from; i < path.size(); i++) {
            if (current instanceof List<?> elements) {
                List<Object> projected = new ArrayList<>(elements.size());
                for (Object element : elements) {
                    Object inner = element == null ? null : at(element, path, i);
                    projected.add(inner == MISSING ? null : inner);
                }
                return projected;
            }
            if (!(current instanceof Map<?, ?> fields) || !fields.containsKey(path.segment(i))) {
                return MISSING;
            }
            current = fields.get(path.segment(i));
            if (current == null && i < path.size() - 1) {
                return MISSING;
            }
        }
        return current;
    }

    @Override
    public String toString() {
        return "ProtobufRecord[" + message.getFullName() + ", " + schema + ", " + (bytes.length - offset) + " bytes]";
    }
}
