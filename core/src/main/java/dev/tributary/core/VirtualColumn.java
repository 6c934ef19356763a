package dev.tributary.core;

import java.util.Objects;

/**
 * A column whose value comes from a record's metadata rather than its payload, e.g. Kafka's
 * {@code _offset}. {@code type} is the ClickHouse type a table would give it, as text.
 */
public record VirtualColumn(String name, String type, String description) {

    public VirtualColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
    }
}
