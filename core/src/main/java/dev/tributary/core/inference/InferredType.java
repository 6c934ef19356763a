package dev.tributary.core.inference;

import dev.tributary.core.types.ClickHouseType;

import java.util.Objects;

/**
 * The column type {@link TypeInference} chose for a field and why, or, when no type takes every
 * value seen ({@link #type()} null), why the field is left out.
 *
 * @param type the column type, or null when the field is left out
 * @param reason a short sentence: what was seen and what follows from it
 */
public record InferredType(ClickHouseType type, String reason) {

    public InferredType {
        Objects.requireNonNull(reason, "reason");
    }

    static InferredType of(ClickHouseType type, String reason) {
        return new InferredType(Objects.requireNonNull(type, "type"), reason);
    }

    static InferredType leftOut(String reason) {
        return new InferredType(null, reason);
    }

    /** Whether a type was chosen (else the field is left out, see {@link #reason()}). */
    public boolean isTyped() {
        return type != null;
    }
}
