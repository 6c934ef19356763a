package dev.tributary.avro;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A schema with every Avro type and supported logical type, and three records of it. */
final class AllTypes {

    static final Schema SCHEMA = AvroTestSupport.parse("""
            {"type": "record", "name": "AllTypes", "namespace": "test", "fields": [
              {"name": "id", "type": "long"},
              {"name": "b", "type": "boolean"},
              {"name": "i", "type": "int"},
              {"name": "f", "type": "float"},
              {"name": "d", "type": "double"},
              {"name": "s", "type": "string"},
              {"name": "by", "type": "bytes"},
              {"name": "fx", "type": {"type": "fixed", "name": "Fx", "size": 4}},
              {"name": "e", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}},
              {"name": "dec", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 3}},
              {"name": "decf", "type": {"type": "fixed", "name": "Dec16", "size": 16, "logicalType": "decimal", "precision": 30, "scale": 5}},
              {"name": "u", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "uf", "type": {"type": "fixed", "name": "U16", "size": 16, "logicalType": "uuid"}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "tsu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
              {"name": "tsn", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
              {"name": "arr", "type": {"type": "array", "items": "int"}},
              {"name": "arrn", "type": {"type": "array", "items": ["null", "string"]}},
              {"name": "m", "type": {"type": "map", "values": "long"}},
              {"name": "rec", "type": {"type": "record", "name": "Inner", "fields": [
                {"name": "x", "type": "int"}, {"name": "y", "type": ["null", "string"]}]}},
              {"name": "recn", "type": ["null", {"type": "record", "name": "Point", "fields": [
                {"name": "px", "type": "double"}, {"name": "py", "type": "double"}]}]},
              {"name": "arrnull", "type": ["null", {"type": "array", "items": "int"}]},
              {"name": "mapnull", "type": ["null", {"type": "map", "values": "string"}]},
              {"name": "items", "type": {"type": "array", "items": {"type": "record", "name": "Item", "fields": [
                {"name": "k", "type": "string"}, {"name": "v", "type": "double"}]}}},
              {"name": "ns", "type": ["null", "string"]},
              {"name": "nl", "type": ["long", "null"]},
              {"name": "nts", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}]},
              {"name": "bigd", "type": {"type": "bytes", "logicalType": "big-decimal"}}
            ]}""");

    private AllTypes() {
    }

    /** The schema without some fields (e.g. the maps, for ClickHouse 18.16, which has no Map). */
    static Schema without(String... names) {
        List<String> dropped = List.of(names);
        List<Schema.Field> fields = SCHEMA.getFields().stream().filter(field -> !dropped.contains(field.name()))
                .map(field -> new Schema.Field(field, field.schema())).toList();
        return Schema.createRecord(SCHEMA.getName(), null, SCHEMA.getNamespace(), false, fields);
    }

    /** {@code record}'s values of the fields {@code schema} has. */
    static GenericData.Record copy(GenericData.Record record, Schema schema) {
        GenericData.Record copy = new GenericData.Record(schema);
        schema.getFields().forEach(field -> copy.put(field.name(), record.get(field.name())));
        return copy;
    }

    static Schema field(String name) {
        return SCHEMA.getField(name).schema();
    }

    static GenericData.Record typical() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", 1L);
        fields.put("b", true);
        fields.put("i", -42);
        fields.put("f", 1.5f);
        fields.put("d", 0.1);
        fields.put("s", "héllo 世界 🎉");
        fields.put("by", ByteBuffer.wrap(new byte[] {0, 1, (byte) 0xFF}));
        fields.put("fx", new GenericData.Fixed(field("fx"), "abcd".getBytes(StandardCharsets.US_ASCII)));
        fields.put("e", new GenericData.EnumSymbol(field("e"), "GREEN"));
        fields.put("dec", new BigDecimal("-1234567.891"));
        fields.put("decf", new BigDecimal("1234567890123456789012345.12345"));
        fields.put("u", UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"));
        fields.put("uf", UUID.fromString("00112233-4455-6677-8899-aabbccddeeff"));
        fields.put("day", LocalDate.of(2024, 2, 29));
        fields.put("tsm", Instant.parse("2024-01-31T12:34:56.789Z"));
        fields.put("tsu", Instant.parse("2024-01-31T12:34:56.789123Z"));
        fields.put("tsn", Instant.parse("2024-01-31T12:34:56.789123456Z"));
        fields.put("arr", List.of(1, 2, 3));
        fields.put("arrn", Arrays.asList("a", null, "c"));
        fields.put("m", new LinkedHashMap<>(Map.of("k1", 10L)));
        fields.put("rec", AvroTestSupport.record(field("rec"), Map.of("x", 7, "y", "why")));
        fields.put("recn", AvroTestSupport.record(Schemas.nonNull(field("recn")), Map.of("px", 1.25, "py", -2.5)));
        fields.put("arrnull", List.of(5, 6));
        fields.put("mapnull", new LinkedHashMap<>(Map.of("a", "b")));
        fields.put("items", List.of(AvroTestSupport.record(Schemas.nonNull(field("items")).getElementType(), Map.of("k", "one", "v", 1.0)),
                AvroTestSupport.record(Schemas.nonNull(field("items")).getElementType(), Map.of("k", "two", "v", 2.0))));
        fields.put("ns", "present");
        fields.put("nl", 99L);
        fields.put("nts", Instant.parse("2000-01-01T00:00:00Z"));
        fields.put("bigd", new BigDecimal("-12345678901234567890.123456789"));
        return AvroTestSupport.record(SCHEMA, fields);
    }

    /** Extremes, and null for every union. */
    static GenericData.Record extremes() {
        GenericData.Record record = typical();
        record.put("id", 2L);
        record.put("b", false);
        record.put("i", Integer.MIN_VALUE);
        record.put("f", Float.NEGATIVE_INFINITY);
        record.put("d", -0.0);
        record.put("s", "");
        record.put("by", ByteBuffer.wrap(new byte[0]));
        record.put("e", new GenericData.EnumSymbol(field("e"), "BLUE"));
        record.put("dec", new BigDecimal("9999999.999"));
        record.put("decf", new BigDecimal("-0.00001"));
        record.put("day", LocalDate.of(1900, 1, 1));
        record.put("tsm", Instant.parse("1969-12-31T23:59:59.999Z"));
        record.put("tsu", Instant.parse("2299-12-31T23:59:59.999999Z"));
        // 1900-01-01T00:00:00.000000001Z as a raw long: Avro 1.12.1's TimestampNanosConversion.toLong
        // writes pre-1970 instants with a fraction wrongly (its fromLong reads them right).
        record.put("tsn", -2_208_988_799_999_999_999L);
        record.put("arr", List.of());
        record.put("arrn", Arrays.asList((String) null));
        record.put("m", new HashMap<>());
        record.put("rec", AvroTestSupport.record(field("rec"), Map.of("x", -1)));
        record.put("recn", null);
        record.put("arrnull", null);
        record.put("mapnull", null);
        record.put("items", List.of());
        record.put("ns", null);
        record.put("nl", null);
        record.put("nts", null);
        record.put("bigd", new BigDecimal("1E+3"));
        return record;
    }
}
