package dev.tributary.chdb.contract;

import dev.tributary.avro.AvroConfluentDecoder;
import dev.tributary.avro.AvroSchemaMapper;
import dev.tributary.avro.AvroTableDdl;
import dev.tributary.avro.SchemaRegistryClient;
import dev.tributary.core.Pipeline;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.ClickHouseServer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Avro through the fast path ({@link AvroSchemaMapper}) and the sink into the 26.5 engine, in the table
 * {@link AvroTableDdl} makes for a modern server: Decimal256, Date32, DateTime64 (milli, nano), UUID, Bool, Map,
 * arrays of Nullable, a null union — read back with the values written; unions of several types into Variant
 * columns, each value in the variant of its branch.
 */
@ExtendWith(TestServers.class)
class AvroModernEngineIT {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type": "record", "name": "Modern", "fields": [
              {"name": "id", "type": "long"},
              {"name": "ok", "type": "boolean"},
              {"name": "big", "type": {"type": "bytes", "logicalType": "decimal", "precision": 50, "scale": 10}},
              {"name": "day", "type": {"type": "int", "logicalType": "date"}},
              {"name": "tsm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "tsn", "type": {"type": "long", "logicalType": "timestamp-nanos"}},
              {"name": "u", "type": {"type": "string", "logicalType": "uuid"}},
              {"name": "m", "type": {"type": "map", "values": "long"}},
              {"name": "tags", "type": {"type": "array", "items": ["null", "string"]}},
              {"name": "note", "type": ["null", "string"], "default": null}]}""");

    /** Confluent framing: magic byte 0, the schema id (big-endian), the Avro body. */
    private static byte[] confluent(int schemaId, GenericData.Record record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericData.Record>(SCHEMA).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericData.Record record(long id, boolean ok, String unscaled, int day, long tsm, long tsn,
                                             Map<String, Long> m, List<String> tags, String note) {
        GenericData.Record record = new GenericData.Record(SCHEMA);
        record.put("id", id);
        record.put("ok", ok);
        record.put("big", ByteBuffer.wrap(new BigInteger(unscaled).toByteArray()));
        record.put("day", day);
        record.put("tsm", tsm);
        record.put("tsn", tsn);
        record.put("u", "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
        record.put("m", m);
        record.put("tags", tags);
        record.put("note", note);
        return record;
    }

    @Test
    void avroThroughTheFastPathLandsInTheModernTypesWithItsValues(SchemaRegistry registry, ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int id = client.register("avro_modern-value", SCHEMA);
        AvroTableDdl ddl = AvroTableDdl.builder().schema(SCHEMA).table("avro_modern").orderBy("id").build();
        engine.execute("DROP TABLE IF EXISTS avro_modern");
        engine.execute("DROP TABLE IF EXISTS avro_modern_errors");
        engine.execute(ddl.sql());

        Map<String, Long> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", -2L);
        List<byte[]> values = List.of(
                confluent(id, record(1, true, "-123456789012345678901234567890123456789012345678", -25567, -1L,
                        1_709_208_000_123_456_789L, m, Arrays.asList("x", null), null)),
                confluent(id, record(2, false, "1", 120_529, 1_709_208_000_123L, -1L, Map.of(), List.of(), "n")));
        GeneratedSource source = new GeneratedSource(1, values.size(), 100, i -> values.get((int) i));
        try (Pipeline pipeline = Pipeline.builder().name("avro-modern").source(source)
                .decoder(AvroConfluentDecoder.builder().registry(client).build()).mapper(AvroSchemaMapper.create())
                .sink(engine.sink("avro_modern").maxAge(Duration.ofMillis(100)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("every record committed", Duration.ofSeconds(30), () -> source.committedCount() == values.size());
        }
        assertEquals(List.of(
                        Arrays.asList("1", "true", "-12345678901234567890123456789012345678.9012345678", "Decimal(50, 10)",
                                "1900-01-01", "1969-12-31 23:59:59.999", "2024-02-29 12:00:00.123456789",
                                "61f0c404-5cb3-11e7-907b-a6006ad3dba0", "{'a':1,'b':-2}", "['x',NULL]", null),
                        Arrays.asList("2", "false", "0.0000000001", "Decimal(50, 10)", "2299-12-31", "2024-02-29 12:00:00.123",
                                "1969-12-31 23:59:59.999999999", "61f0c404-5cb3-11e7-907b-a6006ad3dba0", "{}", "[]", "n")),
                engine.rows("SELECT id, ok, toString(big), toTypeName(big), day, tsm, tsn, u, m, tags, note"
                        + " FROM avro_modern ORDER BY id"),
                () -> "table: " + ddl.sql() + "; errors: " + engine.rows("SELECT message FROM avro_modern_errors"));
        assertEquals(0, engine.longValue("SELECT count() FROM avro_modern_errors"));
    }

    private static final Schema POINT = new Schema.Parser().parse("""
            {"type": "record", "name": "Point", "fields": [{"name": "x", "type": "int"}, {"name": "label", "type": "string"}]}""");

    private static final Schema MIXED = new Schema.Parser().parse("""
            {"type": "record", "name": "Mixed", "fields": [
              {"name": "id", "type": "long"},
              {"name": "v", "type": ["null", "string", "long", "double", %s]},
              {"name": "n", "type": ["int", "long"]},
              {"name": "tags", "type": {"type": "array", "items": ["string", "boolean"]}}]}""".formatted(POINT));

    private static byte[] confluent(int schemaId, Schema schema, Map<String, Object> fields) throws IOException {
        GenericData.Record record = new GenericData.Record(schema);
        fields.forEach(record::put);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericData.Record>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Map<String, Object> mixed(long id, Object v, Object n, List<Object> tags) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.put("v", v);
        fields.put("n", n);
        fields.put("tags", tags);
        return fields;
    }

    private static void land(ContractTarget engine, String table, SchemaRegistryClient client, List<byte[]> values) throws Exception {
        GeneratedSource source = new GeneratedSource(1, values.size(), 100, i -> values.get((int) i));
        try (Pipeline pipeline = Pipeline.builder().name(table).source(source)
                .decoder(AvroConfluentDecoder.builder().registry(client).build()).mapper(AvroSchemaMapper.create())
                .sink(engine.sink(table).maxAge(Duration.ofMillis(100)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("every record committed", Duration.ofSeconds(30), () -> source.committedCount() == values.size());
        }
    }

    /** A union of several types: a Variant column made by AvroTableDdl, each value in the variant of its branch. */
    @Test
    void aUnionOfSeveralTypesLandsInTheVariantOfItsBranch(SchemaRegistry registry, ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int id = client.register("avro_variant-value", MIXED);
        AvroTableDdl ddl = AvroTableDdl.builder().schema(MIXED).table("avro_variant").orderBy("id")
                .serverVersion(engine.value("SELECT version()")).build();
        engine.execute("DROP TABLE IF EXISTS avro_variant");
        engine.execute("DROP TABLE IF EXISTS avro_variant_errors");
        engine.execute(ddl.sql());
        GenericData.Record point = new GenericData.Record(POINT);
        point.put("x", 7);
        point.put("label", "p");
        land(engine, "avro_variant", client, List.of(
                confluent(id, MIXED, mixed(1, "42", 1, List.of("a", true))),
                confluent(id, MIXED, mixed(2, 42L, 9_000_000_000L, List.of())),
                confluent(id, MIXED, mixed(3, 1.5, -1, List.of(false))),
                confluent(id, MIXED, mixed(4, point, 0L, List.of("b"))),
                confluent(id, MIXED, mixed(5, null, 2, List.of()))));
        assertEquals(List.of(
                        Arrays.asList("1", "String", "42", "1", "['a',true]", "['String','Bool']"),
                        Arrays.asList("2", "Int64", "42", "9000000000", "[]", "[]"),
                        Arrays.asList("3", "Float64", "1.5", "-1", "[false]", "['Bool']"),
                        Arrays.asList("4", "Tuple(x Int32, label String)", "(7,'p')", "0", "['b']", "['String']"),
                        Arrays.asList("5", "None", null, "2", "[]", "[]")),
                engine.rows("SELECT id, variantType(v), if(v IS NULL, NULL, toString(v)), n, toString(tags),"
                        + " toString(arrayMap(t -> variantType(t), tags)) FROM avro_variant ORDER BY id"),
                () -> "table: " + ddl.sql() + "; errors: " + engine.rows("SELECT message FROM avro_variant_errors"));
        assertEquals("Variant(Float64, Int64, String, Tuple(x Int32, label String))",
                engine.value("SELECT type FROM system.columns WHERE database = currentDatabase() AND table = 'avro_variant'"
                        + " AND name = 'v'"));
        assertEquals("Int64", engine.value("SELECT type FROM system.columns WHERE database = currentDatabase()"
                + " AND table = 'avro_variant' AND name = 'n'"));
        assertEquals(0, engine.longValue("SELECT count() FROM avro_variant_errors"));
    }

    /**
     * An existing Variant column whose variants are not the branches' types: a branch goes to a variant of its family
     * (long into UInt8), a value that variant cannot hold is an error row naming the column, the others land.
     */
    @Test
    void aValueTheVariantOfItsBranchCannotHoldIsAnErrorRow(SchemaRegistry registry, ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "Small", "fields": [
                  {"name": "id", "type": "long"}, {"name": "small", "type": ["null", "string", "long"]}]}""");
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int id = client.register("avro_small-value", schema);
        engine.execute("DROP TABLE IF EXISTS avro_small");
        engine.execute("DROP TABLE IF EXISTS avro_small_errors");
        engine.execute("CREATE TABLE avro_small (id Int64, small Variant(String, UInt8)) ENGINE = MergeTree ORDER BY id");
        land(engine, "avro_small", client, List.of(
                confluent(id, schema, Map.of("id", 1L, "small", 7L)),
                confluent(id, schema, Map.of("id", 2L, "small", "x")),
                confluent(id, schema, Map.of("id", 3L, "small", 300L))));
        assertEquals(List.of(List.of("1", "UInt8", "7"), List.of("2", "String", "x")),
                engine.rows("SELECT id, variantType(small), toString(small) FROM avro_small ORDER BY id"));
        List<List<String>> errors = engine.rows("SELECT error_kind, position, message FROM avro_small_errors");
        assertEquals(1, errors.size(), errors::toString);
        assertEquals("MAPPING", errors.get(0).get(0));
        assertTrue(errors.get(0).get(2).startsWith("column small: value 300 is out of range for UInt8"), errors::toString);
    }

    /** On a server without Variant the DDL of such a union is refused, naming the field, the server and the fix. */
    @Test
    void onAServerWithoutVariantTheDdlOfAUnionOfSeveralTypesIsRefused(ClickHouseServer server) {
        String version = server.sql().version();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvroTableDdl.builder().schema(MIXED).table("avro_variant").serverVersion(version).build());
        assertTrue(e.getMessage().contains("field v (Avro union [null, string, long, double, record Point]): a union of several"
                + " types maps to a Variant column") && e.getMessage().contains("which needs ClickHouse 25.3 or later (the server"
                + " is " + version + "); upgrade the server") && e.getMessage().contains("[\"null\", T]"), e.getMessage());
    }

    /** An Avro record and a map into JSON columns of a table made by hand: JSON objects, read back with their paths. */
    @Test
    void anAvroRecordAndMapLandInJsonColumns(SchemaRegistry registry, ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        Schema schema = new Schema.Parser().parse("""
                {"type": "record", "name": "WithDoc", "fields": [
                  {"name": "id", "type": "long"},
                  {"name": "doc", "type": ["null", %s]},
                  {"name": "attrs", "type": {"type": "map", "values": ["null", "string"]}}]}""".formatted(POINT));
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int id = client.register("avro_json-value", schema);
        engine.execute("DROP TABLE IF EXISTS avro_json");
        engine.execute("DROP TABLE IF EXISTS avro_json_errors");
        engine.execute("CREATE TABLE avro_json (id Int64, doc JSON, attrs JSON) ENGINE = MergeTree ORDER BY id");
        GenericData.Record point = new GenericData.Record(POINT);
        point.put("x", 7);
        point.put("label", "p \"q\"");
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("k", "v");
        attrs.put("gone", null);
        land(engine, "avro_json", client, List.of(
                confluent(id, schema, Map.of("id", 1L, "doc", point, "attrs", attrs)),
                confluent(id, schema, Map.of("id", 2L, "attrs", Map.of()))));
        assertEquals(List.of(List.of("1", "{\"label\":\"p \\\"q\\\"\",\"x\":7}", "7", "{\"k\":\"v\"}"),
                        List.of("2", "{}", "0", "{}")),
                engine.rows("SELECT id, toJSONString(doc), ifNull(doc.x, 0), toJSONString(attrs) FROM avro_json ORDER BY id"),
                () -> "errors: " + engine.rows("SELECT message FROM avro_json_errors"));
        assertEquals(0, engine.longValue("SELECT count() FROM avro_json_errors"));
    }
}
