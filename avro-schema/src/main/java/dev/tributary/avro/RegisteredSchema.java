package dev.tributary.avro;

import org.apache.avro.Schema;

import java.util.Objects;

/**
 * An Avro schema as a schema registry holds it: its global id and, when it was looked up through a
 * subject, the subject and version ({@code null} and 0 when it was looked up by id).
 */
public record RegisteredSchema(int id, Schema schema, String subject, int version) {

    public RegisteredSchema {
        Objects.requireNonNull(schema, "schema");
    }

    @Override
    public String toString() {
        return "schema id " + id + (subject == null ? "" : " (subject " + subject + " version " + version + ")")
                + ": " + Schemas.describe(schema);
    }
}
