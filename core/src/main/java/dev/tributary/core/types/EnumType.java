package dev.tributary.core.types;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code Enum8(...)} or {@code Enum16(...)}: a name for each of a set of 8- or 16-bit numbers.
 * The values are kept sorted by number, as ClickHouse prints them, so two enums with the same
 * names and numbers are equal whatever order they were declared in.
 *
 * @param bits 8 or 16
 * @param values the names and their numbers, sorted by number
 */
public record EnumType(int bits, List<Value> values) implements ClickHouseType {

    /** One name of an enum and its number. */
    public record Value(String name, int number) {
        public Value {
            if (name == null) {
                throw new IllegalArgumentException("an Enum name cannot be null");
            }
        }

        @Override
        public String toString() {
            return TypeText.quoteString(name) + " = " + number;
        }
    }

    public EnumType {
        if (bits != 8 && bits != 16) {
            throw new IllegalArgumentException("an Enum is 8 or 16 bits wide, not " + bits);
        }
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException("Enum" + bits + " needs at least one value");
        }
        int min = bits == 8 ? Byte.MIN_VALUE : Short.MIN_VALUE;
        int max = bits == 8 ? Byte.MAX_VALUE : Short.MAX_VALUE;
        List<Value> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.comparingInt(Value::number));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sorted.size(); i++) {
            Value value = sorted.get(i);
            if (value.number() < min || value.number() > max) {
                throw new IllegalArgumentException("Enum" + bits + " value " + value + " is outside " + min + ".." + max);
            }
            if (i > 0 && sorted.get(i - 1).number() == value.number()) {
                throw new IllegalArgumentException("Enum" + bits + " number " + value.number() + " is given twice");
            }
            if (!names.add(value.name())) {
                throw new IllegalArgumentException("Enum" + bits + " name " + TypeText.quoteString(value.name()) + " is given twice");
            }
        }
        values = List.copyOf(sorted);
    }

    /** The number ClickHouse fills in for a missing value: the smallest one. */
    public int defaultNumber() {
        return values.get(0).number();
    }

    @Override
    public Kind kind() {
        return bits == 8 ? Kind.ENUM8 : Kind.ENUM16;
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("Enum").append(bits).append('(');
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ", ").append(values.get(i));
        }
        return out.append(')').toString();
    }
}
