package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DateTime64Type;
import dev.tributary.core.types.DateTimeType;
import dev.tributary.core.types.DecimalType;
import dev.tributary.core.types.EnumType;
import dev.tributary.core.types.FixedStringType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NestedType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.TupleType;
import dev.tributary.core.types.VariantType;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds the {@link ColumnEncoder} of a type: the type's nesting is compiled once into a tree of
 * encoders, each with its constants worked out, so that encoding a value never looks at the type.
 */
public final class ColumnEncoders {

    private ColumnEncoders() {
    }

    /**
     * The encoder of {@code type}.
     *
     * @param defaultZone the zone of date-time text and java.time values without an offset, for
     *     {@code DateTime} and {@code DateTime64} columns without a time zone of their own (a
     *     column's own zone wins), and the zone in which an Instant's date is taken for
     *     {@code Date} and {@code Date32}
     */
    public static ColumnEncoder forType(ClickHouseType type, ZoneId defaultZone) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultZone, "defaultZone");
        return build(type, type, defaultZone);
    }

    /**
     * @param type what to convert to
     * @param column the type the encoder reports and names in errors: {@code type}, or the
     *     {@code LowCardinality} or {@code Nested} column type that is written as {@code type}
     */
    private static BaseEncoder build(ClickHouseType type, ClickHouseType column, ZoneId zone) {
        return switch (type.kind()) {
            case INT8, INT16, INT32, INT64, INT128, INT256, UINT8, UINT16, UINT32, UINT64, UINT128, UINT256 ->
                    new IntegerEncoder(column, (SimpleType) type);
            case FLOAT32 -> new FloatEncoder(column, true);
            case FLOAT64 -> new FloatEncoder(column, false);
            case BOOL -> new BoolEncoder(column);
            case STRING -> new StringEncoder(column);
            case DATE -> new DateEncoder(column, false, zone);
            case DATE32 -> new DateEncoder(column, true, zone);
            case UUID -> new UuidEncoder(column);
            case IPV4 -> new Ipv4Encoder(column);
            case IPV6 -> new Ipv6Encoder(column);
            case DECIMAL -> new DecimalEncoder(column, (DecimalType) type);
            case FIXED_STRING -> new FixedStringEncoder(column, ((FixedStringType) type).length());
            case DATETIME -> new DateTimeEncoder(column, -1, ((DateTimeType) type).zoneOr(zone));
            case DATETIME64 -> {
                DateTime64Type dateTime = (DateTime64Type) type;
                yield new DateTimeEncoder(column, dateTime.precision(), dateTime.zoneOr(zone));
            }
            case ENUM8, ENUM16 -> new EnumEncoder(column, (EnumType) type);
            case LOW_CARDINALITY -> build(((LowCardinalityType) type).element(), column, zone);
            case NULLABLE -> {
                ClickHouseType element = ((NullableType) type).element();
                yield new NullableEncoder(column, build(element, element, zone));
            }
            case ARRAY -> {
                ClickHouseType element = ((ArrayType) type).element();
                yield new ArrayEncoder(column, build(element, element, zone));
            }
            case MAP -> {
                MapType map = (MapType) type;
                yield new MapEncoder(column, build(map.key(), map.key(), zone), build(map.value(), map.value(), zone));
            }
            case TUPLE -> {
                TupleType tuple = (TupleType) type;
                List<BaseEncoder> elements = new ArrayList<>();
                for (ClickHouseType element : tuple.types()) {
                    elements.add(build(element, element, zone));
                }
                yield new TupleEncoder(column, tuple.names(), elements);
            }
            case NESTED -> build(((NestedType) type).asArrayOfTuples(), column, zone);
            case VARIANT -> {
                VariantType variant = (VariantType) type;
                List<BaseEncoder> variants = new ArrayList<>();
                for (ClickHouseType element : variant.types()) {
                    variants.add(build(element, element, zone));
                }
                yield new VariantEncoder(column, variant, variants);
            }
            case JSON -> new JsonEncoder(column);
        };
    }
}
