package dev.tributary.avro;

import dev.tributary.core.Pipeline;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.tributary.avro.AvroTestSupport.await;
import static dev.tributary.avro.AvroTestSupport.confluent;
import static dev.tributary.avro.AvroTestSupport.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Avro from a real Kafka broker with schemas in Apicurio, through the pipeline, into ClickHouse 18.16. */
@ExtendWith(TestServers.class)
class AvroPipelineIT {

    private static final Schema V1 = AvroTestSupport.parse("""
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
              {"name": "amount", "type": "int"}, {"name": "obsolete", "type": "string"}]}""");
    /** v1 with {@code obsolete} removed and {@code country} added with a default. */
    private static final Schema V2 = AvroTestSupport.parse("""
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
              {"name": "amount", "type": "int"}, {"name": "country", "type": "string", "default": "NL"}]}""");
    /** v2 with {@code amount} widened from int to long. */
    private static final Schema V3 = AvroTestSupport.parse("""
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"}, {"name": "name", "type": "string"},
              {"name": "amount", "type": "long"}, {"name": "country", "type": "string", "default": "NL"}]}""");

    private static List<byte[]> orders(int schemaId, Schema schema, int from, int to, Map<String, Object> extra) {
        List<byte[]> messages = new ArrayList<>();
        for (int id = from; id < to; id++) {
            GenericData.Record order = record(schema, extra);
            order.put("id", (long) id);
            order.put("name", "n" + id);
            order.put("amount", schema == V3 ? (Object) (5_000_000_000L + id) : (Object) id);
            if (schema == V1) {
                order.put("obsolete", "old" + id);
            }
            messages.add(confluent(schemaId, schema, order));
        }
        return messages;
    }

    @Test
    void messagesOfThreeSchemaVersionsLandInOneRunWithTheirValues(KafkaBroker kafka, SchemaRegistry registry,
                                                                    ClickHouseServer clickhouse) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = AvroKafka.topic(kafka, "orders", 1);
        int v1 = client.register(topic + "-value", V1);
        int v2 = client.register(topic + "-value", V2);
        int v3 = client.register(topic + "-value", V3);
        String asWritten = AvroKafka.unique("orders");
        String asV3 = AvroKafka.unique("orders_v3");
        ClickHouseSql sql = clickhouse.sql();
        AvroTableDdl.Builder ddl = AvroTableDdl.builder().schema(V3).orderBy("id").serverVersion("18.16").column("obsolete", "String")
                .column("_offset", "UInt64");

        AvroKafka.produce(kafka, topic, orders(v1, V1, 0, 100, Map.of()));
        try (Pipeline plain = AvroKafka.pipeline("orders", kafka, topic, clickhouse, asWritten, ddl.table(asWritten).build().sql(),
                AvroConfluentDecoder.builder().registry(client).build(), AvroSchemaMapper.create(), Duration.ofSeconds(1));
             Pipeline resolved = AvroKafka.pipeline("orders-v3", kafka, topic, clickhouse, asV3, ddl.table(asV3).build().sql(),
                     AvroConfluentDecoder.builder().registry(client).readerSchema(V3).build(), AvroSchemaMapper.create(),
                     Duration.ofSeconds(1))) {
            plain.start();
            resolved.start();
            await("v1 rows", Duration.ofMinutes(1), () -> count(sql, asWritten) == 100 && count(sql, asV3) == 100);
            AvroKafka.produce(kafka, topic, orders(v2, V2, 100, 200, Map.of("country", "DE")));
            await("v2 rows", Duration.ofMinutes(1), () -> count(sql, asWritten) == 200 && count(sql, asV3) == 200);
            AvroKafka.produce(kafka, topic, orders(v3, V3, 200, 300, Map.of("country", "FR")));
            await("v3 rows", Duration.ofMinutes(1), () -> count(sql, asWritten) == 300 && count(sql, asV3) == 300);
        }

        String byVersion = "SELECT intDiv(id, 100) AS v, count(), uniqExact(id), countIf(name = concat('n', toString(id))),"
                + " countIf(amount = if(v = 2, 5000000000 + id, id)), any(country), countIf(obsolete = if(v = 0, concat('old', toString(id)), ''))"
                + " FROM %s GROUP BY v ORDER BY v";
        assertEquals(List.of(List.of("0", "100", "100", "100", "100", "", "100"), List.of("1", "100", "100", "100", "100", "DE", "100"),
                List.of("2", "100", "100", "100", "100", "FR", "100")), sql.rows(byVersion.formatted(asWritten)));
        // Read as v3, a v1 message has v3's default country and no obsolete field.
        assertEquals(List.of(List.of("0", "100", "100", "100", "100", "NL", "0"), List.of("1", "100", "100", "100", "100", "DE", "100"),
                List.of("2", "100", "100", "100", "100", "FR", "100")), sql.rows(byVersion.formatted(asV3)));
        for (String table : List.of(asWritten, asV3)) {
            assertEquals(0, sql.longValue("SELECT countIf(_offset != id) FROM " + table), "virtual column _offset of " + table);
            assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"));
        }
    }

    @Test
    void everyTypeClickHouse1816HasLandsFromKafka(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        Schema schema = AllTypes.without("m", "mapnull");
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = AvroKafka.topic(kafka, "all_types", 1);
        int id = client.register(topic + "-value", schema);
        String table = AvroKafka.unique("all_types");
        AvroTableDdl ddl = AvroTableDdl.builder().schema(schema).table(table).orderBy("id").serverVersion("18.16").build();

        GenericData.Record low = AllTypes.extremes();
        low.put("day", LocalDate.EPOCH);
        low.put("tsm", Instant.ofEpochSecond(1));
        low.put("tsu", Instant.parse("2037-12-31T23:59:59.999999Z"));
        low.put("tsn", 1_000_000_000L);
        GenericData.Record outOfRange = AllTypes.typical();
        outOfRange.put("id", 3L);
        outOfRange.put("day", LocalDate.of(1969, 12, 31));
        AvroKafka.produce(kafka, topic, List.of(confluent(id, schema, AllTypes.copy(AllTypes.typical(), schema)),
                confluent(id, schema, AllTypes.copy(low, schema)), confluent(id, schema, AllTypes.copy(outOfRange, schema))));

        ClickHouseSql sql = clickhouse.sql();
        try (Pipeline pipeline = AvroKafka.pipeline("all-types", kafka, topic, clickhouse, table, ddl.sql(),
                AvroConfluentDecoder.builder().registry(client).build(), AvroSchemaMapper.create(), Duration.ofSeconds(1))) {
            pipeline.start();
            await("2 rows and 1 error", Duration.ofMinutes(1),
                    () -> count(sql, table) == 2 && count(sql, table + "_errors") == 1);
        }
        // 18.16 splits the array of records into Nested columns items.k and items.v; it shows date 0 as 0000-00-00.
        assertEquals(List.of(
                List.of("1", "1", "-42", "1.5", "0.1", "héllo 世界 🎉", "0001FF", "abcd", "GREEN", "-1234567.891",
                        "1234567890123456789012345.12345", "61f0c404-5cb3-11e7-907b-a6006ad3dba0", "00112233-4455-6677-8899-aabbccddeeff",
                        "2024-02-29", "2024-01-31 12:34:56", "2024-01-31 12:34:56", "2024-01-31 12:34:56", "[1,2,3]", "['a',NULL,'c']",
                        "(7,'why')", "(1.25,-2.5)", "[5,6]", "['one','two']", "[1,2]", "present", "99", "2000-01-01 00:00:00",
                        "-12345678901234567890.123456789"),
                Arrays.asList("2", "0", "-2147483648", "-inf", "-0", "", "", "abcd", "BLUE", "9999999.999", "-0.00001",
                        "61f0c404-5cb3-11e7-907b-a6006ad3dba0", "00112233-4455-6677-8899-aabbccddeeff", "0000-00-00",
                        "1970-01-01 00:00:01", "2037-12-31 23:59:59", "1970-01-01 00:00:01", "[]", "[NULL]", "(-1,NULL)", "(0,0)",
                        "[]", "[]", "[]", null, null, null, "1000")),
                sql.rows("SELECT id, b, i, f, d, s, hex(by), fx, e, dec, decf, u, uf, day, tsm, tsu, tsn, arr, arrn, rec, recn,"
                        + " arrnull, items.k, items.v, ns, nl, nts, bigd FROM " + table + " ORDER BY id"));
        assertEquals(List.of(List.of("MAPPING", "column day: value -1 is out of range for Date (1970-01-01..2149-06-06, days"
                + " 0..65535 since 1970-01-01) (field day, schema id " + id + ")")),
                sql.rows("SELECT error_kind, message FROM " + table + "_errors"));
    }

    @Test
    void badMessagesGoToTheErrorTableWithTheirReasons(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        Schema good = AvroTestSupport.parse("""
                {"type": "record", "name": "G", "fields": [{"name": "id", "type": "long"}, {"name": "v", "type": "string"}]}""");
        Schema union = AvroTestSupport.parse("""
                {"type": "record", "name": "U", "fields": [{"name": "id", "type": "long"},
                  {"name": "v", "type": ["int", {"type": "array", "items": "int"}]}]}""");
        Schema wide = AvroTestSupport.parse("""
                {"type": "record", "name": "W", "fields": [{"name": "id", "type": "long"}, {"name": "small", "type": "long"}]}""");
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = AvroKafka.topic(kafka, "bad", 1);
        int goodId = client.register(topic + "-good", good);
        int unionId = client.register(topic + "-union", union);
        int wideId = client.register(topic + "-wide", wide);
        String table = AvroKafka.unique("bad");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, v String, small Int8) ENGINE = MergeTree ORDER BY id");

        byte[] whole = confluent(goodId, good, record(good, Map.of("id", 3L, "v", "a value long enough to cut")));
        AvroKafka.produce(kafka, topic, Arrays.asList(
                confluent(goodId, good, record(good, Map.of("id", 1L, "v", "first"))),
                "{\"id\": 2}".getBytes(StandardCharsets.UTF_8),
                confluent(999_999, good, record(good, Map.of("id", 3L, "v", "x"))),
                Arrays.copyOf(whole, whole.length - 10),
                confluent(unionId, union, record(union, Map.of("id", 5L, "v", 5))),
                confluent(wideId, wide, record(wide, Map.of("id", 6L, "small", 300L))),
                null,
                new byte[] {0, 0, 1},
                confluent(goodId, good, record(good, Map.of("id", 9L, "v", "last")))));

        try (Pipeline pipeline = AvroKafka.pipeline("bad", kafka, topic, clickhouse, table, null,
                AvroConfluentDecoder.builder().registry(client).build(), AvroSchemaMapper.create(), Duration.ofSeconds(1))) {
            pipeline.start();
            await("2 rows and 7 errors", Duration.ofMinutes(1), () -> count(sql, table) == 2 && count(sql, table + "_errors") == 7);
        }
        assertEquals(List.of(List.of("1", "first"), List.of("9", "last")), sql.rows("SELECT id, v FROM " + table + " ORDER BY id"));
        assertEquals(List.of(
                List.of("1", "DECODE", "wrong magic byte 0x7b: a message in the Confluent wire format starts with byte 0x00, then the"
                        + " 4-byte schema id (this message looks like JSON); for Avro without the header use Framing.PLAIN with a fixed schema"),
                List.of("2", "DECODE", "schema id 999999 is not in the schema registry at " + registry.url()
                        + " (HTTP 404, error 40403: Schema 999999 not found.)"),
                List.of("3", "DECODE", "the Avro body is malformed (schema id " + goodId + " in field v): a length of 26 bytes exceeds"
                        + " the 16 bytes left at byte 2 of the Avro body"),
                List.of("4", "MAPPING", "column v: field v (Avro array<int>) cannot be written to String: an Avro array maps to an"
                        + " Array column (branch 1 of Avro union [int, array<int>]) (schema id " + unionId + ")"),
                List.of("5", "MAPPING", "column small: value 300 is out of range for Int8 (-128..127) (field small, schema id " + wideId + ")"),
                List.of("6", "DECODE", "the record has no value (a tombstone)"),
                List.of("7", "DECODE", "message of 3 bytes is shorter than the Confluent header (byte 0x00 and a 4-byte schema id)")),
                sql.rows("SELECT splitByChar('@', position)[2] AS offset, error_kind, message FROM " + table + "_errors"
                        + " ORDER BY toUInt64(offset)"));
    }

    private static long count(ClickHouseSql sql, String table) {
        try {
            return sql.longValue("SELECT count() FROM " + table);
        } catch (RuntimeException e) {
            return -1; // not created yet
        }
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }
}
