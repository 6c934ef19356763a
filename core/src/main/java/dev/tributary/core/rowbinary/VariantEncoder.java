package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ClickHouseType.Kind;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.ValueConversionException;
import dev.tributary.core.types.VariantType;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code Variant(...)}: the discriminator byte (the variant's index among the variants sorted by
 * name; 255 for NULL), then the value in its variant's encoding.
 *
 * <p>Which variant a value goes to: the first that accepts it, trying first the variants of the
 * value's own kind, then every other variant in the column's order.
 * <ul>
 *   <li>text: {@code String}, {@code LowCardinality(String)}, {@code FixedString}, {@code Enum};
 *   <li>raw bytes: {@code String}, {@code FixedString};
 *   <li>a Boolean: {@code Bool};
 *   <li>a whole number (Byte, Short, Integer, Long, BigInteger): the integer variants from the
 *       narrowest, signed before unsigned at one width, then {@code Float64}, {@code Float32},
 *       {@code Decimal};
 *   <li>a Float, Double or BigDecimal: {@code Float64}, {@code Float32}, {@code Decimal};
 *   <li>a List or array: {@code Array}, then {@code Tuple}; a Map: {@code Map}, then {@code Tuple}.
 * </ul>
 * So with {@code Variant(String, UInt64)} JSON {@code "42"} lands as the String {@code '42'} and
 * {@code 42} as the UInt64 42. A value no variant accepts fails naming the column.
 */
final class VariantEncoder extends BaseEncoder {

    private final BaseEncoder[] variants;
    private final int[] text;
    private final int[] bytes;
    private final int[] bool;
    private final int[] whole;
    private final int[] fraction;
    private final int[] list;
    private final int[] map;
    private final int[] any;

    VariantEncoder(ClickHouseType type, VariantType variant, List<BaseEncoder> variants) {
        super(type, new byte[] {(byte) VariantType.NULL_DISCRIMINATOR});
        this.variants = variants.toArray(new BaseEncoder[0]);
        List<ClickHouseType> types = variant.types();
        this.text = order(types, Kind.STRING, Kind.FIXED_STRING, Kind.ENUM8, Kind.ENUM16);
        this.bytes = order(types, Kind.STRING, Kind.FIXED_STRING);
        this.bool = order(types, Kind.BOOL);
        this.whole = wholeNumbers(types);
        this.fraction = order(types, Kind.FLOAT64, Kind.FLOAT32, Kind.DECIMAL);
        this.list = order(types, Kind.ARRAY, Kind.TUPLE);
        this.map = order(types, Kind.MAP, Kind.TUPLE);
        this.any = new int[types.size()];
        for (int i = 0; i < any.length; i++) {
            any[i] = i;
        }
    }

    /** LowCardinality(T) is chosen as T is. */
    private static Kind kindOf(ClickHouseType type) {
        return type instanceof LowCardinalityType low ? low.element().kind() : type.kind();
    }

    private static int[] order(List<ClickHouseType> types, Kind... kinds) {
        List<Integer> indexes = new ArrayList<>();
        for (Kind kind : kinds) {
            for (int i = 0; i < types.size(); i++) {
                if (kindOf(types.get(i)) == kind) {
                    indexes.add(i);
                }
            }
        }
        return indexes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int[] wholeNumbers(List<ClickHouseType> types) {
        List<Integer> integers = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i) instanceof SimpleType simple && simple.isInteger()) {
                integers.add(i);
            }
        }
        integers.sort(Comparator.<Integer>comparingInt(i -> ((SimpleType) types.get(i)).bits())
                .thenComparing(i -> !((SimpleType) types.get(i)).isSigned()));
        Set<Integer> all = new LinkedHashSet<>(integers);
        for (int i : order(types, Kind.FLOAT64, Kind.FLOAT32, Kind.DECIMAL)) {
            all.add(i);
        }
        return all.stream().mapToInt(Integer::intValue).toArray();
    }

    private int[] preferred(Object value) {
        if (value instanceof CharSequence) {
            return text;
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            return bytes;
        } else if (value instanceof Boolean) {
            return bool;
        } else if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long
                || value instanceof BigInteger) {
            return whole;
        } else if (value instanceof Float || value instanceof Double || value instanceof BigDecimal) {
            return fraction;
        } else if (value instanceof List<?> || value instanceof Object[] || value.getClass().isArray()) {
            return list;
        } else if (value instanceof Map<?, ?>) {
            return map;
        }
        return new int[0];
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (value == null) {
            out.writeByte(VariantType.NULL_DISCRIMINATOR);
            return;
        }
        int[] first = preferred(value);
        ValueConversionException firstFailure = null;
        boolean[] tried = new boolean[variants.length];
        for (int pass = 0; pass < 2; pass++) {
            for (int i : pass == 0 ? first : any) {
                if (tried[i]) {
                    continue;
                }
                tried[i] = true;
                int start = out.size();
                out.writeByte(i);
                try {
                    variants[i].encode(value, out);
                    return;
                } catch (ValueConversionException e) {
                    out.truncate(start);
                    if (firstFailure == null) {
                        firstFailure = e;
                    }
                }
            }
        }
        throw fail(value, "is accepted by no variant",
                firstFailure == null ? "no variant" : "first refusal: " + firstFailure.getMessage());
    }
}
