package dev.tributary.registry;

import java.util.List;
import java.util.Objects;

/**
 * A schema as a Confluent-API schema registry holds it: its global id, its type ({@code AVRO},
 * {@code PROTOBUF}, {@code JSON}), its text, the references it names and, when it was looked up
 * through a subject, the subject and version ({@code null} and 0 when it was looked up by id).
 * The text is not parsed here: the format modules parse it ({@link SchemaRegistryClient#references}
 * gives the referenced schemas, dependencies first).
 */
public record RegisteredSchema(int id, String schemaType, String text, List<SchemaReference> references, String subject,
                               int version) {

    public RegisteredSchema {
        Objects.requireNonNull(schemaType, "schemaType");
        Objects.requireNonNull(text, "text");
        references = List.copyOf(references);
    }

    /** The same schema as looked up by id (no subject, version 0). */
    public RegisteredSchema byId() {
        return subject == null ? this : new RegisteredSchema(id, schemaType, text, references, null, 0);
    }

    @Override
    public String toString() {
        return "schema id " + id + (subject == null ? "" : " (subject " + subject + " version " + version + ")") + ", "
                + schemaType + (references.isEmpty() ? "" : ", " + references.size() + " references");
    }
}
