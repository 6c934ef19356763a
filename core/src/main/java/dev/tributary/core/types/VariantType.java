package dev.tributary.core.types;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;

/**
 * {@code Variant(T1, T2, …)}: a value of one of the types, or NULL. ClickHouse keeps the variants
 * sorted by type name and a value's discriminator is its variant's index in that order; the
 * variants here are kept in that order too, so {@link #toString()} is the engine's own text and
 * {@code types().indexOf(t)} is the discriminator of {@code t}.
 *
 * @param types the variants, sorted by type name (at least one, at most 255, none Nullable)
 */
public record VariantType(List<ClickHouseType> types) implements ClickHouseType {

    /** The discriminator of NULL. */
    public static final int NULL_DISCRIMINATOR = 255;

    /** By the UTF-8 bytes of the name, as ClickHouse compares its std::string names. */
    private static final Comparator<ClickHouseType> BY_NAME = (a, b) ->
            Arrays.compareUnsigned(a.toString().getBytes(StandardCharsets.UTF_8), b.toString().getBytes(StandardCharsets.UTF_8));

    public VariantType {
        types = new ArrayList<>(Elements.checkTypes("Variant", types));
        if (types.size() > NULL_DISCRIMINATOR) {
            throw new IllegalArgumentException("Variant has " + types.size() + " types, more than " + NULL_DISCRIMINATOR);
        }
        HashSet<String> seen = new HashSet<>();
        for (ClickHouseType type : types) {
            // NULL is the Variant's own: ClickHouse refuses Nullable variants.
            if (type.isNullable()) {
                throw new IllegalArgumentException("Variant cannot hold " + type);
            }
            if (!seen.add(type.toString())) {
                throw new IllegalArgumentException("Variant type " + type + " is given twice");
            }
        }
        types.sort(BY_NAME);
        types = List.copyOf(types);
    }

    /** A Variant of {@code types}, in any order. */
    public static VariantType of(ClickHouseType... types) {
        return new VariantType(List.of(types));
    }

    @Override
    public Kind kind() {
        return Kind.VARIANT;
    }

    /** NULL is a value of every Variant. */
    @Override
    public boolean isNullable() {
        return true;
    }

    @Override
    public String toString() {
        return Elements.toString("Variant", List.of(), types);
    }
}
