package dev.tributary.protobuf;

import dev.tributary.registry.RegisteredSchema;
import dev.tributary.registry.ResolvedReference;
import dev.tributary.registry.SchemaLookupException;
import dev.tributary.registry.SchemaRegistryClient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Protobuf schemas from the registry, parsed with the schemas they import (the registry's
 * references, each under the import path it names): for {@link ProtobufTableDdl}, or to look at a
 * subject's message types.
 *
 * <pre>{@code
 * ProtobufSchema schema = ProtobufSchemas.latest(registry, "orders-value");
 * Descriptors.Descriptor order = schema.file().findMessageTypeByName("Order");
 * }</pre>
 */
public final class ProtobufSchemas {

    private ProtobufSchemas() {
    }

    /** The schema with this global id. */
    public static ProtobufSchema byId(SchemaRegistryClient registry, int id) throws SchemaLookupException {
        return parse(registry, registry.schemaById(id));
    }

    /** The latest version of a subject. */
    public static ProtobufSchema latest(SchemaRegistryClient registry, String subject) throws SchemaLookupException {
        return parse(registry, registry.latest(subject));
    }

    /** A version of a subject (a number, or {@code latest}). */
    public static ProtobufSchema subjectVersion(SchemaRegistryClient registry, String subject, String version)
            throws SchemaLookupException {
        return parse(registry, registry.subjectVersion(subject, version));
    }

    /**
     * Parses a registered {@code PROTOBUF} schema with the schemas it references.
     *
     * @throws SchemaLookupException when the schema is not Protobuf, a reference is unknown, or the text does not parse
     */
    public static ProtobufSchema parse(SchemaRegistryClient registry, RegisteredSchema registered) throws SchemaLookupException {
        if (!registered.schemaType().equals("PROTOBUF")) {
            throw new SchemaLookupException(registered + " is a " + registered.schemaType()
                    + " schema; only Protobuf schemas can be decoded here", 0);
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (ResolvedReference reference : registry.references(registered)) {
            files.putIfAbsent(reference.name(), reference.schema().text());
        }
        String main = "tributary_schema_" + registered.id() + ".proto";
        files.put(main, registered.text());
        try {
            return new ProtobufSchema(registered.id(), ProtoFiles.parse(main, files));
        } catch (IllegalArgumentException e) {
            throw new SchemaLookupException(registered + " does not parse as a Protobuf schema: " + e.getMessage(), e);
        }
    }
}
