package dev.tributary.avro;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.SourceRecord;
import org.apache.avro.Schema;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decodes Avro in the Confluent wire format — byte 0, the writer schema's registry id as a 4-byte
 * big-endian number, then Avro binary — with schemas from a Confluent-API schema registry.
 *
 * <pre>{@code
 * Decoder decoder = AvroConfluentDecoder.builder()
 *         .registry(SchemaRegistryClient.builder()
 *                 .url("https://registry.example.com")   // or .../schemas/ids/42, .../subjects/events-value
 *                 .basicAuth("key", "secret")
 *                 .build())
 *         .build();
 * // with AvroSchemaMapper.create() as the pipeline's mapper for the fast path
 * }</pre>
 *
 * <p>{@link #decode} reads only the header and looks the writer schema up (cached by id, so a new
 * schema id is picked up on the fly); the body is decoded by {@link AvroSchemaMapper}'s plan,
 * straight into the row, or on demand by {@link AvroRecord#field} for other mappers. With a
 * {@link Builder#readerSchema reader schema}, each writer schema is checked once for compatibility
 * and read as the reader schema (Avro's schema resolution).
 *
 * <p>Refused, each with a reason for the error table: no value (a tombstone), an empty message, a
 * first byte other than 0 (not the Confluent format), fewer than 5 bytes, an id the registry does
 * not know, a schema that is not Avro, a writer schema the reader schema cannot read. A registry
 * that cannot be reached raises {@link dev.tributary.core.RetriableException}: the pipeline waits
 * and retries, and nothing goes to the error table.
 */
public final class AvroConfluentDecoder implements Decoder {

    /** How the messages carry their schema. */
    public enum Framing {
        /** Every message starts with the Confluent header (byte 0 and the schema id). The default. */
        CONFLUENT,
        /** No header: every message is plain Avro binary of the registry URL's fixed schema. */
        PLAIN,
        /**
         * A message that starts with byte 0 has the Confluent header; any other is plain Avro of the
         * fixed schema. Only safe when plain messages never start with byte 0 (their first field is
         * not a null union branch, a zero int or an empty string).
         */
        DETECT
    }

    private static final int HEADER_BYTES = 5;

    private final SchemaRegistryClient registry;
    private final Framing framing;
    private final Schema readerSchema;
    private final Map<Integer, ResolvedSchema> schemas = new ConcurrentHashMap<>();

    private AvroConfluentDecoder(Builder builder, SchemaRegistryClient registry) {
        this.registry = registry;
        this.framing = builder.framing;
        this.readerSchema = builder.readerSchema;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The registry client this decoder asks (shared with, e.g., {@link AvroTableDdl}). */
    public SchemaRegistryClient registry() {
        return registry;
    }

    @Override
    public DecodedRecord decode(SourceRecord record) throws DecodeException {
        byte[] value = record.value();
        if (value == null) {
            throw new DecodeException("the record has no value (a tombstone)");
        }
        if (value.length == 0) {
            throw new DecodeException("empty message: expected Avro in the Confluent wire format");
        }
        boolean framed = framing == Framing.CONFLUENT || framing == Framing.DETECT && value[0] == 0;
        if (!framed) {
            return new AvroRecord(value, 0, fixedSchema());
        }
        if (value[0] != 0) {
            throw new DecodeException("wrong magic byte 0x" + String.format("%02x", value[0] & 0xFF)
                    + ": a message in the Confluent wire format starts with byte 0x00, then the 4-byte schema id"
                    + (value[0] == '{' ? " (this message looks like JSON)" : "")
                    + "; for Avro without the header use Framing.PLAIN with a fixed schema");
        }
        if (value.length < HEADER_BYTES) {
            throw new DecodeException("message of " + value.length + (value.length == 1 ? " byte" : " bytes")
                    + " is shorter than the Confluent header (byte 0x00 and a 4-byte schema id)");
        }
        int id = (value[1] & 0xFF) << 24 | (value[2] & 0xFF) << 16 | (value[3] & 0xFF) << 8 | (value[4] & 0xFF);
        return new AvroRecord(value, HEADER_BYTES, resolve(id));
    }

    private ResolvedSchema resolve(int id) throws DecodeException {
        ResolvedSchema known = schemas.get(id);
        if (known == null) {
            RegisteredSchema registered;
            try {
                registered = registry.schemaById(id);
            } catch (SchemaLookupException e) {
                throw new DecodeException(e.getMessage(), e); // says which id and what the registry answered
            }
            known = remember(registered);
        }
        return checked(known);
    }

    private ResolvedSchema fixedSchema() throws DecodeException {
        RegisteredSchema registered;
        try {
            registered = registry.fixedSchema();
        } catch (SchemaLookupException e) {
            throw new DecodeException("the fixed schema of " + registry.url() + " cannot be had: " + e.getMessage(), e);
        }
        ResolvedSchema known = schemas.get(registered.id());
        return checked(known != null ? known : remember(registered));
    }

    private ResolvedSchema remember(RegisteredSchema registered) {
        ResolvedSchema resolved = new ResolvedSchema(registered.id(), registered.schema(), readerSchema);
        ResolvedSchema raced = schemas.putIfAbsent(registered.id(), resolved);
        return raced == null ? resolved : raced;
    }

    private static ResolvedSchema checked(ResolvedSchema schema) throws DecodeException {
        if (schema.incompatibility() != null) {
            throw new DecodeException("the writer schema (" + schema + ") cannot be read as the reader schema: "
                    + schema.incompatibility());
        }
        return schema;
    }

    @Override
    public String toString() {
        return "AvroConfluentDecoder[" + registry + ", " + framing + (readerSchema == null ? "" : ", reader schema "
                + readerSchema.getFullName()) + "]";
    }

    /** Settings of an {@link AvroConfluentDecoder}; {@link #build()} checks them and names the wrong one. */
    public static final class Builder {
        private SchemaRegistryClient registry;
        private String registryUrl;
        private Framing framing = Framing.CONFLUENT;
        private Schema readerSchema;

        private Builder() {
        }

        /**
         * The registry, in one of three forms: its root (each message's schema id is looked up),
         * {@code <root>/schemas/ids/<id>} or {@code <root>/subjects/<subject>[/versions/<version>]}
         * (a fixed schema, for messages without the header), with the client's default settings.
         * Either this or {@link #registry}.
         */
        public Builder registryUrl(String url) {
            this.registryUrl = url;
            return this;
        }

        /**
         * The registry client to ask, built with {@link SchemaRegistryClient#builder()} (for basic
         * auth, a custom CA, timeouts, or to share its cache); instead of {@link #registryUrl}.
         */
        public Builder registry(SchemaRegistryClient client) {
            this.registry = client;
            return this;
        }

        /** How messages carry their schema (default {@link Framing#CONFLUENT}). */
        public Builder framing(Framing framing) {
            this.framing = framing;
            return this;
        }

        /**
         * Reads every message as this schema (Avro's schema resolution: fields matched by name and
         * alias, defaults for fields the writer lacks, numeric promotion); columns then match its
         * field names. Optional: by default messages are read as written.
         */
        public Builder readerSchema(Schema schema) {
            this.readerSchema = schema;
            return this;
        }

        public AvroConfluentDecoder build() {
            SchemaRegistryClient client = registry;
            if (client != null && registryUrl != null) {
                throw new IllegalArgumentException("AvroConfluentDecoder: both registry(client) and registryUrl(...) are given;"
                        + " keep one");
            }
            if (client == null) {
                if (registryUrl == null) {
                    throw new IllegalArgumentException("AvroConfluentDecoder: the schema registry is not set; call"
                            + " registryUrl(\"https://registry.example.com\") or registry(SchemaRegistryClient.builder()...build())");
                }
                client = SchemaRegistryClient.builder().url(registryUrl).build();
            }
            Objects.requireNonNull(framing, "framing");
            if (framing != Framing.CONFLUENT && !client.hasFixedSchema()) {
                throw new IllegalArgumentException("AvroConfluentDecoder: framing " + framing + " reads messages without the"
                        + " schema id header, which needs a fixed schema, but " + client.url() + " is the registry's root;"
                        + " use <root>/schemas/ids/<id> or <root>/subjects/<subject>[/versions/<version>]");
            }
            return new AvroConfluentDecoder(this, client);
        }
    }
}
