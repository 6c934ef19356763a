package dev.tributary.core.types;

/**
 * An immutable ClickHouse data type, as {@code system.columns} prints it.
 *
 * <p>One implementation per kind of type: {@link SimpleType} for the types without parameters
 * (numbers, {@code Bool}, {@code String}, dates, {@code UUID}, IP addresses) and a record for each
 * parameterised kind. Instances are compared by value; {@link #toString()} gives the canonical text,
 * which {@link #parse(String)} reads back to an equal type. Java 17 has no pattern matching for
 * {@code switch}, so {@link #kind()} is there to switch on.
 */
public sealed interface ClickHouseType
        permits SimpleType, DecimalType, FixedStringType, DateTimeType, DateTime64Type, EnumType,
        LowCardinalityType, NullableType, ArrayType, TupleType, MapType, NestedType, VariantType, JsonType {

    /** What kind of type this is: one constant per {@link SimpleType} and per parameterised kind. */
    enum Kind {
        INT8, INT16, INT32, INT64, INT128, INT256,
        UINT8, UINT16, UINT32, UINT64, UINT128, UINT256,
        FLOAT32, FLOAT64, BOOL, STRING, DATE, DATE32, UUID, IPV4, IPV6,
        DECIMAL, FIXED_STRING, DATETIME, DATETIME64, ENUM8, ENUM16,
        LOW_CARDINALITY, NULLABLE, ARRAY, TUPLE, MAP, NESTED, VARIANT, JSON
    }

    /**
     * Parses a type as ClickHouse prints it, e.g. {@code Array(Tuple(a Int32, b Nullable(String)))}.
     * Whitespace between tokens is ignored; type names are case-sensitive.
     *
     * @throws IllegalArgumentException for text that is not a supported, valid type; the message
     *     quotes the text and gives the position of the problem
     */
    static ClickHouseType parse(String text) {
        return TypeParser.parse(text);
    }

    /** The kind of this type. */
    Kind kind();

    /**
     * Whether a column of this type holds NULL: {@code Nullable(T)},
     * {@code LowCardinality(Nullable(T))} and {@code Variant(...)}.
     */
    default boolean isNullable() {
        return false;
    }

    /** The canonical text of this type, which {@link #parse(String)} reads back to an equal type. */
    @Override
    String toString();
}
