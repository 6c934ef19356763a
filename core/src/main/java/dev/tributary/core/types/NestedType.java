package dev.tributary.core.types;

import java.util.List;

/**
 * {@code Nested(a T1, b T2, …)}: a table in a cell. Inserted, with {@code flatten_nested = 0},
 * as {@code Array(Tuple(a T1, b T2, …))} ({@link #asArrayOfTuples()}).
 *
 * @param names the element names
 * @param types the element types
 */
public record NestedType(List<String> names, List<ClickHouseType> types) implements ClickHouseType {

    public NestedType {
        types = Elements.checkTypes("Nested", types);
        names = Elements.checkNames("Nested", names == null ? List.of() : names, types.size());
    }

    /** The type ClickHouse reads and writes for this column: {@code Array(Tuple(a T1, b T2, …))}. */
    public ArrayType asArrayOfTuples() {
        return new ArrayType(new TupleType(names, types));
    }

    @Override
    public Kind kind() {
        return Kind.NESTED;
    }

    @Override
    public String toString() {
        return Elements.toString("Nested", names, types);
    }
}
