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

/**
 * Avro through the fast path ({@link AvroSchemaMapper}) and the sink into the 26.5 engine, in the table
 * {@link AvroTableDdl} makes for a modern server: Decimal256, Date32, DateTime64 (milli, nano), UUID, Bool, Map,
 * arrays of Nullable, a null union — read back with the values written.
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
}
