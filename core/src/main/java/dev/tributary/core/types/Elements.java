package dev.tributary.core.types;

import java.util.HashSet;
import java.util.List;

/** What {@link TupleType} and {@link NestedType} share: checking and printing named elements. */
final class Elements {

    private Elements() {
    }

    static List<ClickHouseType> checkTypes(String kind, List<ClickHouseType> types) {
        if (types == null || types.isEmpty()) {
            throw new IllegalArgumentException(kind + " needs at least one element");
        }
        for (ClickHouseType type : types) {
            if (type == null) {
                throw new IllegalArgumentException(kind + " element types cannot be null");
            }
        }
        return List.copyOf(types);
    }

    static List<String> checkNames(String kind, List<String> names, int size) {
        if (names.size() != size) {
            throw new IllegalArgumentException(kind + " has " + size + " elements but " + names.size() + " names");
        }
        HashSet<String> seen = new HashSet<>();
        for (String name : names) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException(kind + " element names cannot be empty");
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException(kind + " element name " + TypeText.quoteIdentifierIfNeeded(name) + " is given twice");
            }
        }
        return List.copyOf(names);
    }

    static String toString(String kind, List<String> names, List<ClickHouseType> types) {
        StringBuilder out = new StringBuilder(kind).append('(');
        for (int i = 0; i < types.size(); i++) {
            out.append(i == 0 ? "" : ", ");
            if (!names.isEmpty()) {
                out.append(TypeText.quoteIdentifierIfNeeded(names.get(i))).append(' ');
            }
            out.append(types.get(i));
        }
        return out.append(')').toString();
    }
}
