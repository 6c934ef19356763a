package dev.tributary.protobuf;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DateTime64Type;
import dev.tributary.core.types.DateTimeType;
import dev.tributary.core.types.EnumType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NestedType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.TupleType;
import dev.tributary.core.types.VariantType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The ClickHouse type of each Protobuf field ({@code docs/protobuf.md}): double → Float64, float →
 * Float32, int32/sint32/sfixed32 → Int32, int64/sint64/sfixed64 → Int64, uint32/fixed32 → UInt32,
 * uint64/fixed64 → UInt64, bool → Bool, string and bytes → String, enum → Enum8/16 of its names
 * and numbers (String when a number does not fit Enum16), repeated → Array, map → Map, a message →
 * named Tuple (any depth), {@code google.protobuf.Timestamp} → DateTime64(9), {@code Duration} →
 * Int64 (nanoseconds), a wrapper → Nullable(its type); a field with presence ({@code optional}, a
 * {@code oneof} member) → Nullable(T) where T can be Nullable. On an older server the nearest
 * type it has (18.16: Bool → UInt8, DateTime64 → DateTime, tuples in arrays without names); Map
 * has none before 21.8 and is refused there.
 */
final class ProtobufTypeMapping {

    private final ServerVersion server;
    private final Set<String> inProgress = new HashSet<>();

    ProtobufTypeMapping(ServerVersion server) {
        this.server = server;
    }

    /** The column type of a top-level field (its message counts as in progress: a field of its own type is recursive). */
    ClickHouseType typeOf(FieldDescriptor field) {
        String root = field.getContainingType().getFullName();
        boolean added = inProgress.add(root);
        try {
            return topLevelType(field);
        } finally {
            if (added) {
                inProgress.remove(root);
            }
        }
    }

    private ClickHouseType topLevelType(FieldDescriptor field) {
        if (!server.atLeast(21, 1) && field.isRepeated() && !field.isMapField()
                && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !isScalarLike(field.getMessageType())) {
            // Before 21.1 an Array(Tuple) column is split into one array per element anyway: say so.
            TupleType tuple = (TupleType) messageType(field.getMessageType(), field.getName() + "[]", true);
            List<String> names = field.getMessageType().getFields().stream().map(FieldDescriptor::getName).toList();
            return new NestedType(names, tuple.types());
        }
        return typeOf(field, field.getName(), false);
    }

    /**
     * The Variant column of a {@code oneof}: one variant per member (25.3+, where Variant needs no
     * setting); refused when two members map to the same type, which a Variant cannot tell apart.
     */
    ClickHouseType oneofType(Descriptors.OneofDescriptor oneof) {
        String where = oneof.getName();
        if (!server.supportsVariant()) {
            throw refuse(where, "a oneof as Variant needs ClickHouse 25.3 or later (the server is " + server
                    + "); leave oneofsAsVariant off to get a Nullable column per member");
        }
        List<ClickHouseType> types = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String root = oneof.getContainingType().getFullName();
        boolean added = inProgress.add(root);
        try {
            for (FieldDescriptor member : oneof.getFields()) {
                ClickHouseType type = valueType(member, where + "." + member.getName(), false);
                ClickHouseType plain = type instanceof NullableType nullable ? nullable.element() : type;
                if (!seen.add(plain.toString())) {
                    throw refuse(where, "two members map to " + plain + ", which a Variant cannot tell apart;"
                            + " leave oneofsAsVariant off to get a Nullable column per member");
                }
                types.add(plain);
            }
        } finally {
            if (added) {
                inProgress.remove(root);
            }
        }
        return new VariantType(types);
    }

    /** Timestamp, Duration and the wrappers: messages that map to one scalar column. */
    static boolean isScalarLike(Descriptors.Descriptor message) {
        String name = message.getFullName();
        return name.equals(ProtobufValues.TIMESTAMP) || name.equals(ProtobufValues.DURATION) || ProtobufValues.isWrapper(message);
    }

    private ClickHouseType typeOf(FieldDescriptor field, String where, boolean inCollection) {
        if (field.isMapField()) {
            if (!server.atLeast(21, 8)) {
                throw refuse(where, "the Map type needs ClickHouse 21.8 or later (the server is " + server + ")");
            }
            Descriptors.Descriptor entry = field.getMessageType();
            ClickHouseType key = valueType(entry.findFieldByNumber(1), where + ".key", true);
            ClickHouseType value = valueType(entry.findFieldByNumber(2), where + "[]", true);
            return new MapType(key, value);
        }
        ClickHouseType element = valueType(field, where, inCollection || field.isRepeated());
        if (field.isRepeated()) {
            return new ArrayType(element);
        }
        boolean presence = field.hasPresence() && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE;
        return presence && canBeNullable(element) ? new NullableType(element) : element;
    }

    private ClickHouseType valueType(FieldDescriptor field, String where, boolean inCollection) {
        return switch (field.getType()) {
            case DOUBLE -> SimpleType.FLOAT64;
            case FLOAT -> SimpleType.FLOAT32;
            case INT32, SINT32, SFIXED32 -> SimpleType.INT32;
            case INT64, SINT64, SFIXED64 -> SimpleType.INT64;
            case UINT32, FIXED32 -> SimpleType.UINT32;
            case UINT64, FIXED64 -> SimpleType.UINT64;
            case BOOL -> server.atLeast(21, 12) ? SimpleType.BOOL : SimpleType.UINT8;
            case STRING, BYTES -> SimpleType.STRING;
            case ENUM -> enumType(field.getEnumType());
            case MESSAGE, GROUP -> messageType(field.getMessageType(), where, inCollection);
        };
    }

    private ClickHouseType messageType(Descriptors.Descriptor message, String where, boolean inCollection) {
        switch (message.getFullName()) {
            case ProtobufValues.TIMESTAMP:
                return server.atLeast(20, 1) ? new DateTime64Type(9, null) : DateTimeType.WITHOUT_TIMEZONE;
            case ProtobufValues.DURATION:
                return SimpleType.INT64;
            default:
                break;
        }
        if (ProtobufValues.isWrapper(message)) {
            ClickHouseType inner = valueType(message.findFieldByNumber(1), where, inCollection);
            return canBeNullable(inner) ? new NullableType(inner) : inner;
        }
        if (!inProgress.add(message.getFullName())) {
            throw refuse(where, "a recursive message (" + message.getFullName() + ") has no finite ClickHouse type");
        }
        try {
            if (message.getFields().isEmpty()) {
                throw refuse(where, "a message without fields (" + message.getFullName() + ") has no ClickHouse type"
                        + " (Tuple needs an element)");
            }
            List<String> names = new ArrayList<>();
            List<ClickHouseType> types = new ArrayList<>();
            for (FieldDescriptor field : message.getFields()) {
                names.add(field.getName());
                types.add(typeOf(field, where + "." + field.getName(), inCollection));
            }
            // Before 21.1 element names only parse outside an Array; by position the values map the same.
            return new TupleType(inCollection && !server.atLeast(21, 1) ? List.of() : names, types);
        } finally {
            inProgress.remove(message.getFullName());
        }
    }

    private static ClickHouseType enumType(Descriptors.EnumDescriptor type) {
        List<EnumType.Value> values = new ArrayList<>();
        boolean fits8 = true;
        for (Descriptors.EnumValueDescriptor value : type.getValues()) {
            if (value.getIndex() != type.findValueByNumber(value.getNumber()).getIndex()) {
                continue; // an alias (allow_alias): one name per number
            }
            int number = value.getNumber();
            if (number < Short.MIN_VALUE || number > Short.MAX_VALUE) {
                return SimpleType.STRING;
            }
            fits8 &= number >= Byte.MIN_VALUE && number <= Byte.MAX_VALUE;
            values.add(new EnumType.Value(value.getName(), number));
        }
        return new EnumType(fits8 ? 8 : 16, values);
    }

    /**
     * Why {@code field} cannot be written to a column of {@code column} at all, or null (values
     * that may not fit are judged per message by the column's encoder).
     */
    static String refusal(FieldDescriptor field, ClickHouseType column, boolean projected) {
        if (field.getType() == FieldDescriptor.Type.GROUP) {
            return "proto2 groups are not read by the fast path; use DefaultSchemaMapper for this message type";
        }
        ClickHouseType target = column instanceof NullableType nullable ? nullable.element() : column;
        boolean message = field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !projected;
        if (message && !field.isRepeated() && !field.isMapField()) {
            String name = field.getMessageType().getFullName();
            if (!isScalarLike(field.getMessageType()) && target.kind() != ClickHouseType.Kind.TUPLE && target.kind() != ClickHouseType.Kind.JSON
                    && target.kind() != ClickHouseType.Kind.MAP) {
                return "a message (" + name + ") goes into a Tuple (or JSON) column, not " + column;
            }
        }
        if ((field.isRepeated() || projected) && !field.isMapField() && target.kind() != ClickHouseType.Kind.ARRAY
                && target.kind() != ClickHouseType.Kind.JSON && target.kind() != ClickHouseType.Kind.NESTED) {
            return "a repeated field goes into an Array column, not " + column;
        }
        if (field.isMapField() && target.kind() != ClickHouseType.Kind.MAP && target.kind() != ClickHouseType.Kind.JSON) {
            return "a map field goes into a Map column, not " + column;
        }
        return null;
    }

    /** ClickHouse has no Nullable Array, Map or Tuple. */
    static boolean canBeNullable(ClickHouseType type) {
        return switch (type.kind()) {
            case ARRAY, MAP, TUPLE, NESTED, NULLABLE, LOW_CARDINALITY -> false;
            default -> true;
        };
    }

    private static IllegalArgumentException refuse(String where, String reason) {
        return new IllegalArgumentException("field " + where + ": " + reason);
    }
}
