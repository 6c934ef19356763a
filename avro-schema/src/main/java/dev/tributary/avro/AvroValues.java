package dev.tributary.avro;

import org.apache.avro.Conversions;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.Schema;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Avro's generic values as the plain Java values of {@link dev.tributary.core.DecodedRecord}, for
 * mappers other than {@link AvroSchemaMapper} (the slow path): text as {@code String}, bytes and
 * fixed as {@code byte[]}, enum symbols as {@code String}, records as {@code Map} by field name,
 * arrays as {@code List}, maps as {@code Map<String, Object>}, and the logical types as
 * {@code BigDecimal}, {@code UUID}, {@code LocalDate}, {@code Instant}, ...
 *
 * <p>A record's null fields are left out of its map, so that a tuple encoder gives them their zero
 * value, as the fast path does for a null nested record, array or map.
 */
final class AvroValues {

    private AvroValues() {
    }

    /** Avro's generic data model with the conversions of every logical type Avro knows. */
    static GenericData model() {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new Conversions.BigDecimalConversion());
        model.addLogicalTypeConversion(new Conversions.UUIDConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampNanosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.LocalTimestampNanosConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimeMicrosConversion());
        return model;
    }

    /** {@code value}, read with {@link #model()}, as a plain Java value. */
    static Object plain(Object value) {
        return convert(value, false);
    }

    /**
     * {@code value} as {@link dev.tributary.core.DecodedRecord#tree()} shows it: as {@link #plain}, but
     * a record's null fields kept (as null), so that every field of the schema is seen.
     */
    static Object tree(Object value) {
        return convert(value, true);
    }

    private static Object convert(Object value, boolean keepNulls) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof CharSequence text) {
            return text.toString();
        }
        if (value instanceof GenericEnumSymbol<?> symbol) {
            return symbol.toString();
        }
        if (value instanceof GenericFixed fixed) {
            return fixed.bytes().clone();
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        if (value instanceof IndexedRecord record) {
            List<Schema.Field> fields = record.getSchema().getFields();
            Map<String, Object> map = new LinkedHashMap<>(fields.size() * 2);
            for (Schema.Field field : fields) {
                Object element = record.get(field.pos());
                if (element != null || keepNulls) {
                    map.put(field.name(), convert(element, keepNulls));
                }
            }
            return map;
        }
        if (value instanceof Collection<?> collection) {
            List<Object> list = new ArrayList<>(collection.size());
            for (Object element : collection) {
                list.add(convert(element, keepNulls));
            }
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> plain = new LinkedHashMap<>(map.size() * 2);
            map.forEach((key, element) -> plain.put(key.toString(), convert(element, keepNulls)));
            return plain;
        }
        return value; // java.time values, UUID
    }
}
