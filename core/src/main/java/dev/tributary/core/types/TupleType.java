package dev.tributary.core.types;

import java.util.List;

/**
 * {@code Tuple(T1, T2, …)} or the named {@code Tuple(a T1, b T2, …)}.
 *
 * @param names the element names, or an empty list for an unnamed tuple
 * @param types the element types (at least one)
 */
public record TupleType(List<String> names, List<ClickHouseType> types) implements ClickHouseType {

    public TupleType {
        types = Elements.checkTypes("Tuple", types);
        names = names == null || names.isEmpty() ? List.of() : Elements.checkNames("Tuple", names, types.size());
    }

    /** An unnamed tuple. */
    public static TupleType of(ClickHouseType... types) {
        return new TupleType(List.of(), List.of(types));
    }

    /** Whether the elements have names. */
    public boolean isNamed() {
        return !names.isEmpty();
    }

    @Override
    public Kind kind() {
        return Kind.TUPLE;
    }

    @Override
    public String toString() {
        return Elements.toString("Tuple", names, types);
    }
}
