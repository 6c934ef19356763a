package dev.tributary.core.types;

/**
 * {@code Nullable(T)}: T or NULL. ClickHouse does not allow T to be {@code Nullable},
 * {@code LowCardinality} (write {@code LowCardinality(Nullable(T))}), {@code Array}, {@code Map},
 * {@code Tuple}, {@code Nested}, {@code Variant} (NULL is its own) or {@code JSON}.
 */
public record NullableType(ClickHouseType element) implements ClickHouseType {

    public NullableType {
        if (element == null) {
            throw new IllegalArgumentException("Nullable needs an element type");
        }
        switch (element.kind()) {
            case NULLABLE, LOW_CARDINALITY, ARRAY, MAP, TUPLE, NESTED, VARIANT, JSON ->
                    throw new IllegalArgumentException("Nullable cannot hold " + element);
            default -> {
                // any other type may be NULL
            }
        }
    }

    @Override
    public Kind kind() {
        return Kind.NULLABLE;
    }

    @Override
    public boolean isNullable() {
        return true;
    }

    @Override
    public String toString() {
        return "Nullable(" + element + ")";
    }
}
