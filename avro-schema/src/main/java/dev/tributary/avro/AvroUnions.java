package dev.tributary.avro;

import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DateTime64Type;
import dev.tributary.core.types.DateTimeType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.TupleType;
import dev.tributary.core.types.VariantType;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How an Avro union of several types maps to one column, for the DDL ({@link AvroTypeMapping}) and
 * the fast path ({@link ReaderCompiler}) alike. Each branch has its own column type; branches of one
 * <em>family</em> (integers, floats, text, dates and times) share one variant, their widest type
 * ({@code int} and {@code long} → Int64, {@code float} and {@code double} → Float64, {@code string},
 * {@code bytes}, enums and fixed → String, {@code date} and a timestamp → DateTime64), because ClickHouse
 * refuses a {@code Variant} of such "similar" types unless {@code allow_suspicious_variant_types} is set.
 * A union that folds into one type is that type (Nullable with a null branch); several are a Variant.
 */
final class AvroUnions {

    private AvroUnions() {
    }

    /** The index of the union's null branch (in a union of any size), or -1. */
    static int nullIndex(Schema union) {
        List<Schema> types = union.getTypes();
        for (int i = 0; i < types.size(); i++) {
            if (types.get(i).getType() == Schema.Type.NULL) {
                return i;
            }
        }
        return -1;
    }

    /** The union's branches that are not null, in order. */
    static List<Schema> nonNullBranches(Schema union) {
        return union.getTypes().stream().filter(branch -> branch.getType() != Schema.Type.NULL).toList();
    }

    /**
     * The branch of the reader's schema that reads a writer branch (Avro's rule: the first of the
     * same type, and of the same name for named types), or null when there is none.
     */
    static Schema readerBranch(Schema reader, Schema writerBranch) {
        if (reader == null || reader.getType() != Schema.Type.UNION) {
            return reader;
        }
        Schema sameType = null;
        for (Schema branch : reader.getTypes()) {
            if (branch.getType() == writerBranch.getType()) {
                boolean named = switch (branch.getType()) {
                    case RECORD, ENUM, FIXED -> true;
                    default -> false;
                };
                if (!named || branch.getFullName().equals(writerBranch.getFullName())) {
                    return branch;
                }
                sameType = sameType == null ? branch : sameType;
            }
        }
        return sameType;
    }

    /** Which group of mutually "similar" scalar types a column type is in (LowCardinality taken off); else its kind. */
    static String family(ClickHouseType type) {
        ClickHouseType plain = type instanceof LowCardinalityType low ? low.element() : type;
        return switch (plain.kind()) {
            case INT8, INT16, INT32, INT64, INT128, INT256, UINT8, UINT16, UINT32, UINT64, UINT128, UINT256 -> "integer";
            case FLOAT32, FLOAT64 -> "float";
            case STRING, FIXED_STRING, ENUM8, ENUM16 -> "text";
            case DATE, DATE32, DATETIME, DATETIME64 -> "time";
            default -> plain.kind().name();
        };
    }

    /**
     * The column types of a union's branches, folded: duplicates once, and the branches of one scalar
     * family as its widest type; in the order each first appears.
     */
    static List<ClickHouseType> fold(List<ClickHouseType> types) {
        Map<String, List<ClickHouseType>> byFamily = new LinkedHashMap<>();
        List<ClickHouseType> folded = new ArrayList<>();
        for (ClickHouseType type : types) {
            String family = family(type);
            boolean scalar = switch (family) {
                case "integer", "float", "text", "time" -> true;
                default -> false;
            };
            if (scalar) {
                byFamily.computeIfAbsent(family, f -> new ArrayList<>()).add(type);
                if (byFamily.get(family).size() == 1) {
                    folded.add(null); // the family's place, filled below
                }
            } else if (!folded.contains(type)) {
                folded.add(type);
            }
        }
        List<ClickHouseType> widened = new ArrayList<>(byFamily.values().stream().map(AvroUnions::widest).toList());
        for (int i = 0; i < folded.size(); i++) {
            if (folded.get(i) == null) {
                folded.set(i, widened.remove(0));
            }
        }
        return folded;
    }

    /** The widest of types of one scalar family. */
    private static ClickHouseType widest(List<ClickHouseType> types) {
        if (types.stream().distinct().count() == 1) {
            return types.get(0);
        }
        return switch (family(types.get(0))) {
            case "integer" -> types.stream().map(t -> (SimpleType) t).max((a, b) -> Integer.compare(a.bits(), b.bits()))
                    .orElseThrow(); // Avro's int and long: Int32 and Int64, both signed
            case "float" -> SimpleType.FLOAT64;
            case "text" -> SimpleType.STRING;
            default -> { // time: DateTime64 of the finest precision, else DateTime, else Date32, else Date
                int precision = types.stream().filter(t -> t instanceof DateTime64Type)
                        .mapToInt(t -> ((DateTime64Type) t).precision()).max().orElse(-1);
                if (precision >= 0) {
                    yield new DateTime64Type(precision, null);
                }
                if (types.stream().anyMatch(t -> t instanceof DateTimeType)) {
                    yield DateTimeType.WITHOUT_TIMEZONE;
                }
                yield types.contains(SimpleType.DATE32) ? SimpleType.DATE32 : SimpleType.DATE;
            }
        };
    }

    /**
     * Whether ClickHouse refuses {@code a} and {@code b} in one Variant as similar types (they have a
     * common supertype: numbers with decimals, arrays, maps and tuples of such, tuples differing only
     * in element names); Bool is never similar to anything.
     */
    static boolean similar(ClickHouseType a, ClickHouseType b) {
        if (a.equals(b)) {
            return true;
        }
        String fa = family(a);
        String fb = family(b);
        if (fa.equals("BOOL") || fb.equals("BOOL")) {
            return false;
        }
        if (fa.equals(fb)) {
            return switch (fa) {
                case "integer", "float", "text", "time", "DECIMAL" -> true;
                case "ARRAY" -> similar(((ArrayType) a).element(), ((ArrayType) b).element());
                case "MAP" -> similar(((MapType) a).key(), ((MapType) b).key()) && similar(((MapType) a).value(), ((MapType) b).value());
                case "TUPLE" -> {
                    List<ClickHouseType> ta = ((TupleType) a).types();
                    List<ClickHouseType> tb = ((TupleType) b).types();
                    boolean all = ta.size() == tb.size();
                    for (int i = 0; all && i < ta.size(); i++) {
                        all = similar(ta.get(i), tb.get(i));
                    }
                    yield all;
                }
                default -> false;
            };
        }
        return (fa.equals("integer") && fb.equals("DECIMAL")) || (fa.equals("DECIMAL") && fb.equals("integer"));
    }

    /**
     * The indexes of the variants that may take values of a branch whose own column type is
     * {@code natural} (null when it has none), best first: that type, then the variants of its
     * family in the column's order.
     */
    static List<Integer> candidates(ClickHouseType natural, VariantType variant) {
        List<Integer> exact = new ArrayList<>();
        List<Integer> family = new ArrayList<>();
        List<ClickHouseType> types = variant.types();
        for (int i = 0; i < types.size(); i++) {
            ClickHouseType type = types.get(i);
            ClickHouseType plain = type instanceof LowCardinalityType low ? low.element() : type;
            if (natural != null && plain.equals(natural)) {
                exact.add(i);
            } else if (natural != null && family(plain).equals(family(natural))) {
                family.add(i);
            }
        }
        exact.addAll(family);
        return exact;
    }
}
