package dev.tributary.core.types;

/** {@code Map(K, V)}; K cannot be NULL. */
public record MapType(ClickHouseType key, ClickHouseType value) implements ClickHouseType {

    public MapType {
        if (key == null || value == null) {
            throw new IllegalArgumentException("Map needs a key type and a value type");
        }
        if (key.isNullable()) {
            throw new IllegalArgumentException("a Map key cannot be " + key);
        }
    }

    @Override
    public Kind kind() {
        return Kind.MAP;
    }

    @Override
    public String toString() {
        return "Map(" + key + ", " + value + ")";
    }
}
