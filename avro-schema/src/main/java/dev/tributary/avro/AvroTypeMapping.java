package dev.tributary.avro;

import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DateTime64Type;
import dev.tributary.core.types.DateTimeType;
import dev.tributary.core.types.DecimalType;
import dev.tributary.core.types.EnumType;
import dev.tributary.core.types.FixedStringType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NestedType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.TupleType;
import dev.tributary.core.types.VariantType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ClickHouse type of each Avro type, as the managed service infers a table from a schema:
 * record → named Tuple, array → Array, map → Map(String, T), enum → Enum8/16, fixed → FixedString,
 * {@code [null, T]} → Nullable(T) (T itself for arrays, maps and records, which cannot be
 * Nullable), a union of several types → Variant (25.3+; {@link AvroUnions}), decimal → Decimal, uuid → UUID, date → Date32, timestamp-millis/micros/nanos →
 * DateTime64(3/6/9). On a server older than a type, the nearest type it has (e.g. 18.16: Bool →
 * UInt8, Date32 → Date, DateTime64 → DateTime, an array of records → Nested (one array column per
 * field, as 18.16 splits any Array(Tuple) column), and tuples inside arrays without element names,
 * which 18.16 does not parse there); Map and wide decimals have none there and are refused.
 */
final class AvroTypeMapping {

    private final ServerVersion server;
    private final Map<Schema, Boolean> inProgress = new IdentityHashMap<>();

    AvroTypeMapping(ServerVersion server) {
        this.server = server;
    }

    /** The type of a top-level field of {@code schema}; {@code where} names the field in the message of a refusal. */
    ClickHouseType typeOf(Schema schema, String where) {
        Schema array = Schemas.nonNull(schema);
        if (!server.atLeast(21, 1) && array.getType() == Schema.Type.ARRAY
                && Schemas.nonNull(array.getElementType()).getType() == Schema.Type.RECORD) {
            // Before 21.1 an Array(Tuple) column is split into one array per element anyway: say so.
            TupleType tuple = (TupleType) recordType(Schemas.nonNull(array.getElementType()), where + "[]", true);
            List<String> names = Schemas.nonNull(array.getElementType()).getFields().stream().map(Schema.Field::name).toList();
            return new NestedType(names, tuple.types());
        }
        return typeOf(schema, where, false);
    }

    /** @param inCollection whether the type is an Array's element or a Map's value (at any depth) */
    private ClickHouseType typeOf(Schema schema, String where, boolean inCollection) {
        if (schema.getType() == Schema.Type.UNION) {
            return unionType(schema, where, inCollection);
        }
        String unsupported = Schemas.unsupportedLogicalType(schema);
        if (unsupported != null) {
            throw refuse(where, schema, unsupported);
        }
        String logical = Schemas.logicalName(schema);
        if (logical != null) {
            ClickHouseType type = logicalType(schema, logical, where);
            if (type != null) {
                return type;
            }
        }
        return switch (schema.getType()) {
            case NULL -> throw refuse(where, schema, "a field that is always null has no column type");
            case BOOLEAN -> server.atLeast(21, 12) ? SimpleType.BOOL : SimpleType.UINT8;
            case INT -> SimpleType.INT32;
            case LONG -> SimpleType.INT64;
            case FLOAT -> SimpleType.FLOAT32;
            case DOUBLE -> SimpleType.FLOAT64;
            case STRING, BYTES -> SimpleType.STRING;
            case FIXED -> new FixedStringType(schema.getFixedSize());
            case ENUM -> enumType(schema, where);
            case ARRAY -> new ArrayType(typeOf(schema.getElementType(), where + "[]", true));
            case MAP -> {
                if (!server.atLeast(21, 8)) {
                    throw refuse(where, schema, "the Map type needs ClickHouse 21.8 or later (the server is " + server + ")");
                }
                yield new MapType(SimpleType.STRING, typeOf(schema.getValueType(), where + "[]", true));
            }
            case RECORD -> recordType(schema, where, inCollection);
            case UNION -> throw new IllegalStateException("unions are handled above");
        };
    }

    /**
     * A union: its branches typed one by one and folded ({@link AvroUnions#fold}); one type left is
     * that type (Nullable with a null branch, where it can be), several a Variant, which needs
     * {@link ServerVersion#supportsVariant()}.
     */
    private ClickHouseType unionType(Schema schema, String where, boolean inCollection) {
        List<Schema> branches = AvroUnions.nonNullBranches(schema);
        if (branches.isEmpty()) {
            throw refuse(where, schema, "a field that is always null has no column type");
        }
        List<ClickHouseType> types = new ArrayList<>();
        for (Schema branch : branches) {
            types.add(typeOf(branch, where, inCollection));
        }
        List<ClickHouseType> folded = AvroUnions.fold(types);
        if (folded.size() == 1) {
            ClickHouseType only = folded.get(0);
            return AvroUnions.nullIndex(schema) >= 0 && canBeNullable(only) ? new NullableType(only) : only;
        }
        String variant = "Variant(" + String.join(", ", folded.stream().map(ClickHouseType::toString).toList()) + ")";
        if (!server.supportsVariant()) {
            throw refuse(where, schema, "a union of several types maps to a Variant column (" + variant + "), which needs"
                    + " ClickHouse 25.3 or later (the server is " + server + "); upgrade the server (and give its version"
                    + " with serverVersion(...)), or make the field a union of null and one type, [\"null\", T]");
        }
        for (int i = 0; i < folded.size(); i++) {
            for (int j = i + 1; j < folded.size(); j++) {
                if (AvroUnions.similar(folded.get(i), folded.get(j))) {
                    throw refuse(where, schema, "its branches map to " + folded.get(i) + " and " + folded.get(j) + ", which"
                            + " ClickHouse refuses in one " + variant + " as similar types (allow_suspicious_variant_types);"
                            + " make the branches different types, or create the table yourself");
                }
            }
        }
        if (folded.size() >= VariantType.NULL_DISCRIMINATOR) {
            throw refuse(where, schema, "a Variant holds at most " + (VariantType.NULL_DISCRIMINATOR - 1) + " types, not "
                    + folded.size());
        }
        return new VariantType(folded);
    }

    private ClickHouseType logicalType(Schema schema, String logical, String where) {
        return switch (logical) {
            case "decimal" -> {
                LogicalTypes.Decimal decimal = (LogicalTypes.Decimal) schema.getLogicalType();
                int maxPrecision = server.atLeast(20, 8) ? DecimalType.MAX_PRECISION : 38;
                if (decimal.getPrecision() > maxPrecision) {
                    throw refuse(where, schema, "precision " + decimal.getPrecision() + " exceeds ClickHouse's " + maxPrecision
                            + (maxPrecision < DecimalType.MAX_PRECISION ? " on " + server : ""));
                }
                yield new DecimalType(decimal.getPrecision(), decimal.getScale());
            }
            case "big-decimal" -> SimpleType.STRING; // any scale: no Decimal type holds it exactly
            case "uuid" -> SimpleType.UUID;
            case "date" -> server.atLeast(21, 9) ? SimpleType.DATE32 : SimpleType.DATE;
            case "timestamp-millis" -> dateTime(3);
            case "timestamp-micros" -> dateTime(6);
            case "timestamp-nanos" -> dateTime(9);
            default -> null; // an unknown logical type: its underlying type
        };
    }

    private ClickHouseType dateTime(int precision) {
        return server.atLeast(20, 1) ? new DateTime64Type(precision, null) : DateTimeType.WITHOUT_TIMEZONE;
    }

    private ClickHouseType enumType(Schema schema, String where) {
        List<String> symbols = schema.getEnumSymbols();
        if (symbols.size() > Short.MAX_VALUE) {
            throw refuse(where, schema, "an enum of " + symbols.size() + " symbols does not fit Enum16");
        }
        List<EnumType.Value> values = new ArrayList<>();
        for (int i = 0; i < symbols.size(); i++) {
            values.add(new EnumType.Value(symbols.get(i), i + 1)); // numbered from 1, as ClickHouse numbers Enum('a', 'b')
        }
        return new EnumType(symbols.size() <= Byte.MAX_VALUE ? 8 : 16, values);
    }

    private ClickHouseType recordType(Schema schema, String where, boolean inCollection) {
        if (inProgress.put(schema, Boolean.TRUE) != null) {
            throw refuse(where, schema, "a recursive record has no finite ClickHouse type");
        }
        try {
            List<Schema.Field> fields = schema.getFields();
            if (fields.isEmpty()) {
                throw refuse(where, schema, "a record without fields has no ClickHouse type (Tuple needs an element)");
            }
            List<String> names = new ArrayList<>();
            List<ClickHouseType> types = new ArrayList<>();
            for (Schema.Field field : fields) {
                names.add(field.name());
                types.add(typeOf(field.schema(), where + "." + field.name(), inCollection));
            }
            // Before 21.1 element names only parse outside an Array; by position the reader maps the same.
            return new TupleType(inCollection && !server.atLeast(21, 1) ? List.of() : names, types);
        } finally {
            inProgress.remove(schema);
        }
    }

    /** ClickHouse has no Nullable Array, Map or Tuple: a null one is empty or zero instead. */
    static boolean canBeNullable(ClickHouseType type) {
        return switch (type.kind()) {
            case ARRAY, MAP, TUPLE, NESTED, NULLABLE, LOW_CARDINALITY -> false;
            default -> true;
        };
    }

    private static IllegalArgumentException refuse(String where, Schema schema, String reason) {
        return new IllegalArgumentException("field " + where + " (Avro " + Schemas.describe(schema) + "): " + reason);
    }
}
