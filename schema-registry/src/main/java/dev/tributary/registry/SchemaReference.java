package dev.tributary.registry;

import java.util.Objects;

/**
 * A reference of a registered schema to another one: the name it is imported by (a Protobuf
 * import path such as {@code common/money.proto}, an Avro full name), and the subject and version
 * that hold it.
 */
public record SchemaReference(String name, String subject, String version) {

    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(version, "version");
    }
}
