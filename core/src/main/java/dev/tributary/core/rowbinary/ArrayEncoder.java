package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.lang.reflect.Array;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * {@code Array(T)} (and {@code Nested}, as an array of tuples): the element count as a varint, then
 * the elements. From a List, an Object[] or an array of primitives.
 */
final class ArrayEncoder extends BaseEncoder {

    private static final String EXPECTED = "a List or a Java array";

    private final ColumnEncoder element;

    ArrayEncoder(ClickHouseType type, ColumnEncoder element) {
        super(type, new byte[1]);
        this.element = element;
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (value instanceof List<?> list) {
            encodeList(list, out);
        } else if (value instanceof Object[] array) {
            encodeList(Arrays.asList(array), out);
        } else if (value != null && value.getClass().isArray()) {
            encodeList(new PrimitiveArray(value), out);
        } else {
            throw notAccepted(value, EXPECTED);
        }
    }

    private void encodeList(List<?> list, RowBinaryOutput out) throws ValueConversionException {
        int start = out.size();
        int index = 0;
        out.writeVarUInt(list.size());
        try {
            if (list instanceof RandomAccess) {
                for (int size = list.size(); index < size; index++) {
                    element.encode(list.get(index), out);
                }
            } else {
                for (Object item : list) {
                    element.encode(item, out);
                    index++;
                }
            }
        } catch (ValueConversionException e) {
            out.truncate(start);
            throw e.within("[" + index + "]");
        }
    }

    /** An int[], double[], … seen as a list of boxed values. */
    private static final class PrimitiveArray extends AbstractList<Object> implements RandomAccess {
        private final Object array;

        PrimitiveArray(Object array) {
            this.array = array;
        }

        @Override
        public Object get(int index) {
            return Array.get(array, index);
        }

        @Override
        public int size() {
            return Array.getLength(array);
        }
    }
}
