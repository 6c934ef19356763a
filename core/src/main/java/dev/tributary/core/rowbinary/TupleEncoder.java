package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * {@code Tuple(...)}: the elements one after the other. From a List or Object[] by position (the
 * size must match), or, for a named tuple, from a Map by element name: a missing element gets its
 * zero value, keys that name no element are ignored.
 */
final class TupleEncoder extends BaseEncoder {

    private final BaseEncoder[] elements;
    /** The element names, or null for an unnamed tuple. */
    private final String[] names;
    /** How an element shows in an error's path: {@code .name}, or {@code .1} (ClickHouse counts from 1). */
    private final String[] segments;
    private final String arity;

    TupleEncoder(ClickHouseType type, List<String> names, List<BaseEncoder> elements) {
        super(type, zero(elements));
        this.elements = elements.toArray(new BaseEncoder[0]);
        this.names = names.isEmpty() ? null : names.toArray(new String[0]);
        this.segments = new String[this.elements.length];
        for (int i = 0; i < segments.length; i++) {
            segments[i] = "." + (this.names == null ? String.valueOf(i + 1) : this.names[i]);
        }
        this.arity = "the tuple has " + this.elements.length + (this.elements.length == 1 ? " element" : " elements");
    }

    private static byte[] zero(List<BaseEncoder> elements) {
        ByteArrayOutputStream zero = new ByteArrayOutputStream();
        for (BaseEncoder element : elements) {
            zero.writeBytes(element.zeroBytes());
        }
        return zero.toByteArray();
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (value instanceof List<?> list) {
            checkSize(list.size(), value);
            encodeAll(list instanceof RandomAccess ? list : Arrays.asList(list.toArray()), out);
        } else if (value instanceof Object[] array) {
            checkSize(array.length, value);
            encodeAll(Arrays.asList(array), out);
        } else if (value instanceof Map<?, ?> map) {
            if (names == null) {
                throw fail(value, "is a Map, but the tuple has no element names", "give a List, by position");
            }
            encodeByName(map, out);
        } else {
            throw notAccepted(value, names == null ? "a List, by position" : "a List, by position, or a Map by element name");
        }
    }

    private void checkSize(int size, Object value) throws ValueConversionException {
        if (size != elements.length) {
            throw fail(value, "has " + size + (size == 1 ? " element" : " elements"), arity);
        }
    }

    private void encodeAll(List<?> values, RowBinaryOutput out) throws ValueConversionException {
        int start = out.size();
        for (int i = 0; i < elements.length; i++) {
            try {
                elements[i].encode(values.get(i), out);
            } catch (ValueConversionException e) {
                out.truncate(start);
                throw e.within(segments[i]);
            }
        }
    }

    private void encodeByName(Map<?, ?> map, RowBinaryOutput out) throws ValueConversionException {
        int start = out.size();
        for (int i = 0; i < elements.length; i++) {
            Object element = map.get(names[i]);
            if (element == null && !map.containsKey(names[i])) {
                elements[i].encodeZero(out);
                continue;
            }
            try {
                elements[i].encode(element, out);
            } catch (ValueConversionException e) {
                out.truncate(start);
                throw e.within(segments[i]);
            }
        }
    }
}
