package dev.tributary.core.inference;

import java.util.Objects;

/** A field of the sample that got no column, and why (no type takes every value seen). */
public record SkippedField(String name, String reason) {

    public SkippedField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
    }
}
