package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.SourceRecord;
import dev.tributary.registry.RegisteredSchema;
import dev.tributary.registry.SchemaLookupException;
import dev.tributary.registry.SchemaRegistryClient;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes Protobuf in the Confluent wire format — byte 0, the schema's registry id as a 4-byte
 * big-endian number, the message-index list (a zig-zag varint count, then that many zig-zag varint
 * indexes; a single 0 for the file's first message), then the Protobuf body — with {@code PROTOBUF}
 * schemas (and the schemas they import, as references) from a Confluent-API schema registry.
 *
 * <pre>{@code
 * Decoder decoder = ProtobufConfluentDecoder.builder()
 *         .registry(SchemaRegistryClient.builder().url("https://registry.example.com").build())
 *         .build();
 * // with ProtobufSchemaMapper.create() as the pipeline's mapper for the fast path
 * }</pre>
 *
 * <p>{@link #decode} reads only the header and the message indexes and looks the schema up
 * (parsed once per id, so a new schema id is picked up on the fly); the body is read by
 * {@link ProtobufSchemaMapper}'s plan straight into the row, or on demand by
 * {@link ProtobufRecord#field} for other mappers. Messages without the framing
 * ({@link Framing#PLAIN}) are read as one fixed message type: of the registry URL's fixed schema
 * ({@code <root>/schemas/ids/<id>}, {@code <root>/subjects/<subject>[/versions/<v>]}), or a
 * descriptor given in code ({@link Builder#descriptor}).
 *
 * <p>Refused, each with a reason for the error table: no value (a tombstone), an empty message, a
 * first byte other than 0, fewer than 5 bytes, an id the registry does not know, a schema that is
 * not Protobuf or does not parse, a message-index list that is cut short or names no message. A
 * registry that cannot be reached raises {@link dev.tributary.core.RetriableException}: the
 * pipeline waits and retries, and nothing goes to the error table.
 */
public final class ProtobufConfluentDecoder implements Decoder {

    /** How the messages carry their schema. */
    public enum Framing {
        /** Every message starts with the Confluent header and the message indexes. The default. */
        CONFLUENT,
        /** No header: every message is a plain Protobuf body of one fixed message type. */
        PLAIN
    }

    private static final int HEADER_BYTES = 5;
    /** More indexes than this is no real nesting: refused before anything is allocated for them. */
    static final int MAX_MESSAGE_INDEXES = 64;
    private static final int[] FIRST_MESSAGE = {0};

    private final SchemaRegistryClient registry;
    private final Framing framing;
    private final Descriptors.Descriptor fixedDescriptor;
    private final String messageType;
    private final Map<Integer, Object> schemas = new ConcurrentHashMap<>(); // ProtobufSchema or the refusal's message
    private volatile ProtobufRecordType fixed;

    private record ProtobufRecordType(ProtobufSchema schema, Descriptors.Descriptor message) {
    }

    private ProtobufConfluentDecoder(Builder builder, SchemaRegistryClient registry) {
        this.registry = registry;
        this.framing = builder.framing;
        this.fixedDescriptor = builder.descriptor;
        this.messageType = builder.messageType;
        if (fixedDescriptor != null) {
            fixed = new ProtobufRecordType(new ProtobufSchema(-1, fixedDescriptor.getFile()), fixedDescriptor);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The registry client this decoder asks, or null for a descriptor given in code. */
    public SchemaRegistryClient registry() {
        return registry;
    }

    @Override
    public DecodedRecord decode(SourceRecord record) throws DecodeException {
        byte[] value = record.value();
        if (value == null) {
            throw new DecodeException("the record has no value (a tombstone)");
        }
        if (framing == Framing.PLAIN) {
            ProtobufRecordType type = fixedType();
            return new ProtobufRecord(value, 0, type.schema(), type.message());
        }
        if (value.length == 0) {
            throw new DecodeException("empty message: expected Protobuf in the Confluent wire format");
        }
        if (value[0] != 0) {
            throw new DecodeException("wrong magic byte 0x" + String.format("%02x", value[0] & 0xFF)
                    + ": a message in the Confluent wire format starts with byte 0x00, then the 4-byte schema id"
                    + (value[0] == '{' ? " (this message looks like JSON)" : "")
                    + "; for Protobuf without the header use Framing.PLAIN with a fixed schema");
        }
        if (value.length < HEADER_BYTES) {
            throw new DecodeException("message of " + value.length + (value.length == 1 ? " byte" : " bytes")
                    + " is shorter than the Confluent header (byte 0x00 and a 4-byte schema id)");
        }
        int id = (value[1] & 0xFF) << 24 | (value[2] & 0xFF) << 16 | (value[3] & 0xFF) << 8 | (value[4] & 0xFF);
        int[] indexes;
        int bodyOffset;
        if (value.length > HEADER_BYTES && value[HEADER_BYTES] == 0) {
            indexes = FIRST_MESSAGE; // the usual case, without allocating
            bodyOffset = HEADER_BYTES + 1;
        } else {
            int[] position = {HEADER_BYTES};
            indexes = messageIndexes(value, position);
            bodyOffset = position[0];
        }
        ProtobufSchema schema = schema(id);
        Descriptors.Descriptor message;
        try {
            message = indexes == FIRST_MESSAGE && !schema.file().getMessageTypes().isEmpty()
                    ? schema.file().getMessageTypes().get(0) : schema.message(indexes);
        } catch (IllegalArgumentException e) {
            throw new DecodeException("bad message index list for " + schema + ": " + e.getMessage());
        }
        return new ProtobufRecord(value, bodyOffset, schema, message);
    }

    /** Reads the message-index list at {@code position[0]} and moves it past the list. */
    private static int[] messageIndexes(byte[] value, int[] position) throws DecodeException {
        long count = zigZag(value, position, "the message-index count");
        if (count == 0) {
            return FIRST_MESSAGE;
        }
        if (count < 0 || count > MAX_MESSAGE_INDEXES) {
            throw new DecodeException("bad message index list: a count of " + count + " indexes (at most "
                    + MAX_MESSAGE_INDEXES + "; is this Protobuf in the Confluent format?)");
        }
        int[] indexes = new int[(int) count];
        for (int i = 0; i < count; i++) {
            long index = zigZag(value, position, "message index " + (i + 1) + " of " + count);
            if (index < 0 || index > Integer.MAX_VALUE) {
                throw new DecodeException("bad message index list: index " + (i + 1) + " is " + index);
            }
            indexes[i] = (int) index;
        }
        return indexes;
    }

    /** A zig-zag varint of at most 5 bytes (Kafka's ByteUtils.writeVarint). */
    private static long zigZag(byte[] value, int[] position, String what) throws DecodeException {
        long raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int at = position[0];
            if (at >= value.length) {
                throw new DecodeException("bad message index list: the message ends in " + what + " (after " + value.length
                        + " bytes)");
            }
            byte b = value[at];
            position[0] = at + 1;
            raw |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                long unsigned = raw & 0xFFFF_FFFFL;
                return (unsigned >>> 1) ^ -(unsigned & 1);
            }
        }
        throw new DecodeException("bad message index list: " + what + " is a varint longer than 5 bytes");
    }

    private ProtobufSchema schema(int id) throws DecodeException {
        Object known = schemas.get(id);
        if (known instanceof ProtobufSchema schema) {
            return schema;
        }
        if (known instanceof String refusal) {
            throw new DecodeException(refusal);
        }
        RegisteredSchema registered;
        try {
            registered = registry.schemaById(id);
        } catch (SchemaLookupException e) {
            throw new DecodeException(e.getMessage(), e); // says which id and what the registry answered
        }
        try {
            ProtobufSchema schema = ProtobufSchemas.parse(registry, registered);
            schemas.putIfAbsent(id, schema);
            return schema;
        } catch (SchemaLookupException e) {
            // A schema that is not Protobuf or does not parse stays so: remember the refusal.
            schemas.putIfAbsent(id, e.getMessage());
            throw new DecodeException(e.getMessage(), e);
        }
    }

    private ProtobufRecordType fixedType() throws DecodeException {
        ProtobufRecordType known = fixed;
        if (known != null) {
            return known;
        }
        ProtobufSchema schema;
        try {
            RegisteredSchema registered = registry.fixedSchema();
            schema = ProtobufSchemas.parse(registry, registered);
        } catch (SchemaLookupException e) {
            throw new DecodeException("the fixed schema of " + registry.url() + " cannot be had: " + e.getMessage(), e);
        }
        Descriptors.Descriptor message;
        if (messageType != null) {
            message = schema.messageNamed(messageType);
            if (message == null) {
                throw new DecodeException("the fixed schema (" + schema + ") has no message type " + messageType);
            }
        } else if (schema.file().getMessageTypes().isEmpty()) {
            throw new DecodeException("the fixed schema (" + schema + ") declares no message type");
        } else {
            message = schema.file().getMessageTypes().get(0);
        }
        known = new ProtobufRecordType(schema, message);
        fixed = known;
        return known;
    }

    @Override
    public String toString() {
        return "ProtobufConfluentDecoder[" + (registry == null ? "descriptor " + fixedDescriptor.getFullName() : registry) + ", "
                + framing + (messageType == null ? "" : ", " + messageType) + "]";
    }

    /** Settings of a {@link ProtobufConfluentDecoder}; {@link #build()} checks them and names the wrong one. */
    public static final class Builder {
        private SchemaRegistryClient registry;
        private String registryUrl;
        private Framing framing;
        private Descriptors.Descriptor descriptor;
        private String messageType;

        private Builder() {
        }

        /**
         * The registry: its root (each message's schema id is looked up), or
         * {@code <root>/schemas/ids/<id>} / {@code <root>/subjects/<subject>[/versions/<version>]}
         * (a fixed schema, for {@link Framing#PLAIN}), with the client's default settings. One of
         * this, {@link #registry} or {@link #descriptor}.
         */
        public Builder registryUrl(String url) {
            this.registryUrl = url;
            return this;
        }

        /** The registry client to ask (for basic auth, a custom CA, timeouts, or to share its cache). */
        public Builder registry(SchemaRegistryClient client) {
            this.registry = client;
            return this;
        }

        /** How messages carry their schema (default {@link Framing#CONFLUENT}; {@link Framing#PLAIN} with a descriptor). */
        public Builder framing(Framing framing) {
            this.framing = framing;
            return this;
        }

        /**
         * Messages are plain bodies of this message type (a generated class's {@code getDescriptor()},
         * or one built from a {@code FileDescriptorProto}); no registry is asked.
         */
        public Builder descriptor(Descriptors.Descriptor descriptor) {
            this.descriptor = descriptor;
            return this;
        }

        /**
         * With {@link Framing#PLAIN} and a fixed registry schema: the full name of the message type
         * ({@code shop.Order}, {@code shop.Order.Line}); default the file's first message.
         */
        public Builder messageType(String fullName) {
            this.messageType = fullName;
            return this;
        }

        public ProtobufConfluentDecoder build() {
            if (registry != null && registryUrl != null) {
                throw new IllegalArgumentException("ProtobufConfluentDecoder: both registry(client) and registryUrl(...) are"
                        + " given; keep one");
            }
            SchemaRegistryClient client = registry;
            if (client == null && registryUrl != null) {
                client = SchemaRegistryClient.builder().url(registryUrl).build();
            }
            if (descriptor != null) {
                if (client != null) {
                    throw new IllegalArgumentException("ProtobufConfluentDecoder: a descriptor and a registry are both given;"
                            + " a descriptor reads plain messages without a registry: keep one");
                }
                if (framing == Framing.CONFLUENT) {
                    throw new IllegalArgumentException("ProtobufConfluentDecoder: framing CONFLUENT takes the schema from the"
                            + " registry, but a descriptor is given; use framing(Framing.PLAIN) or a registry");
                }
                if (messageType != null) {
                    throw new IllegalArgumentException("ProtobufConfluentDecoder: messageType(...) picks a message of a"
                            + " registry schema; the descriptor already names " + descriptor.getFullName());
                }
                framing = Framing.PLAIN;
                return new ProtobufConfluentDecoder(this, null);
            }
            if (client == null) {
                throw new IllegalArgumentException("ProtobufConfluentDecoder: the schema registry is not set; call"
                        + " registryUrl(\"https://registry.example.com\"), registry(SchemaRegistryClient.builder()...build())"
                        + " or descriptor(MyMessage.getDescriptor())");
            }
            if (framing == null) {
                framing = Framing.CONFLUENT;
            }
            if (framing == Framing.PLAIN && !client.hasFixedSchema()) {
                throw new IllegalArgumentException("ProtobufConfluentDecoder: framing PLAIN reads messages without the"
                        + " schema id header, which needs a fixed schema, but " + client.url() + " is the registry's root;"
                        + " use <root>/schemas/ids/<id> or <root>/subjects/<subject>[/versions/<version>]");
            }
            if (framing == Framing.CONFLUENT && messageType != null) {
                throw new IllegalArgumentException("ProtobufConfluentDecoder: messageType(...) is for framing PLAIN; framed"
                        + " messages name their type by their message indexes");
            }
            Objects.requireNonNull(framing, "framing");
            return new ProtobufConfluentDecoder(this, client);
        }
    }
}
