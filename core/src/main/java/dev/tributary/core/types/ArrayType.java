package dev.tributary.core.types;

/** {@code Array(T)}. */
public record ArrayType(ClickHouseType element) implements ClickHouseType {

    public ArrayType {
        if (element == null) {
            throw new IllegalArgumentException("Array needs an element type");
        }
    }

    @Override
    public Kind kind() {
        return Kind.ARRAY;
    }

    @Override
    public String toString() {
        return "Array(" + element + ")";
    }
}
