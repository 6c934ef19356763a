package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.tributary.core.FieldPath;
import dev.tributary.core.Pipeline;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.registry.SchemaReference;
import dev.tributary.registry.SchemaRegistryClient;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tributary.protobuf.PbKafka.confluent;
import static dev.tributary.protobuf.PbKafka.count;
import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Protobuf from a real Kafka broker with schemas (and references) in Apicurio, through the fast path, into ClickHouse 18.16. */
@ExtendWith(TestServers.class)
class ProtobufPipelineIT {

    @Test
    void everyTypeAndWellKnownTypeLandsOn1816InTheTableMadeFromTheRegistrySchema(KafkaBroker kafka, SchemaRegistry registry,
                                                                                   ClickHouseServer clickhouse) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_all");
        int id = Protos.registerOrder(client, topic + "-value");
        Descriptors.Descriptor order = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("Order");
        String table = PbKafka.unique("pb_all");
        ProtobufTableDdl ddl = ProtobufTableDdl.builder().message(order).table(table).orderBy("id").serverVersion("18.16").build();

        DynamicMessage empty = Protos.message(order, Map.of("id", 2L));
        PbKafka.produce(kafka, topic, List.of(confluent(id, Protos.fullOrder(order, 1)), confluent(id, empty)));
        ClickHouseSql sql = clickhouse.sql();
        try (Pipeline pipeline = PbKafka.pipeline("pb-all", kafka, topic, PbKafka.sink(clickhouse, table), ddl.sql(),
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("2 rows", Duration.ofMinutes(1), () -> count(sql, table) == 2);
        }
        assertEquals(List.of(
                Arrays.asList("1", "-42", "-7", "-9000000000", "4294967295", "18446744073709551615", "123", "1099511627776", "-123",
                        "-1099511627776", "1.5", "-0.25", "1", "héllo 世界", "0001FF", "SHIPPED", "[1,-2,3]", "['a','b']",
                        "('Ann',('Utrecht',(52.09,5.12)))", "2024-02-29 12:00:00", "2500000000", "77", "fragile", "5", "chosen", null,
                        "('EUR',1999)", "['A1','B2']", "[2,1]"),
                Arrays.asList("2", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "", "", "STATUS_UNSPECIFIED", "[]",
                        "[]", "('',('',(0,0)))", "0000-00-00 00:00:00", "0", null, null, null, null, null, "('',0)", "[]", "[]")),
                sql.rows("SELECT id, i32, s32, s64, u32, u64, f32, f64, sf32, sf64, fl, db, ok, name, hex(raw), status, nums, tags,"
                        + " customer, at, took, maybe, note, opt, text, number, total, lines.sku, lines.qty FROM " + table
                        + " ORDER BY id"),
                () -> ddl.sql());
        // A oneof member not chosen, an absent wrapper or optional: NULL; an absent message: its zero (18.16 prints
        // DateTime 0 as 0000-00-00 00:00:00); proto3 fields without presence: their defaults.
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"));
    }
    private static final String V1 = """
            syntax = "proto3";
            package evo;
            message Order { int64 id = 1; string name = 2; int32 amount = 3; string obsolete = 4; }
            """;
    /** v1 without {@code obsolete} (its number reserved), with {@code country}. */
    private static final String V2 = """
            syntax = "proto3";
            package evo;
            message Order { int64 id = 1; string name = 2; int32 amount = 3; reserved 4; string country = 5; }
            """;
    /** v2 with {@code amount} widened to int64 (the same wire type) and an optional {@code coupon}. */
    private static final String V3 = """
            syntax = "proto3";
            package evo;
            message Order { int64 id = 1; string name = 2; int64 amount = 3; reserved 4; string country = 5; optional string coupon = 6; }
            """;

    private static List<byte[]> evolved(SchemaRegistryClient client, int schemaId, int from, int to, String country)
            throws Exception {
        Descriptors.Descriptor type = ProtobufSchemas.byId(client, schemaId).file().findMessageTypeByName("Order");
        List<byte[]> messages = new ArrayList<>();
        for (long id = from; id < to; id++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("id", id);
            fields.put("name", "n" + id);
            boolean wide = type.findFieldByName("amount").getType() == Descriptors.FieldDescriptor.Type.INT64;
            fields.put("amount", wide ? (Object) (5_000_000_000L + id) : (Object) (int) id);
            if (type.findFieldByName("obsolete") != null) {
                fields.put("obsolete", "old" + id);
            }
            if (type.findFieldByName("country") != null) {
                fields.put("country", country);
            }
            messages.add(confluent(schemaId, Protos.message(type, fields)));
        }
        return messages;
    }

    @Test
    void messagesOfThreeSchemaVersionsInOneTopicLandWithTheirValues(KafkaBroker kafka, SchemaRegistry registry,
                                                                      ClickHouseServer clickhouse) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_evo");
        String subject = topic + "-value";
        int v1 = client.register(subject, "PROTOBUF", V1, List.of());
        int v2 = client.register(subject, "PROTOBUF", V2, List.of());
        int v3 = client.register(subject, "PROTOBUF", V3, List.of());
        String table = PbKafka.unique("pb_evo");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, name String, amount Int64, obsolete String, country String,"
                + " coupon Nullable(String)) ENGINE = MergeTree ORDER BY id");

        PbKafka.produce(kafka, topic, evolved(client, v1, 0, 100, null));
        try (Pipeline pipeline = PbKafka.pipeline("pb-evo", kafka, topic, PbKafka.sink(clickhouse, table), null,
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("v1 rows", Duration.ofMinutes(1), () -> count(sql, table) == 100);
            PbKafka.produce(kafka, topic, evolved(client, v2, 100, 200, "DE"));
            await("v2 rows", Duration.ofMinutes(1), () -> count(sql, table) == 200);
            PbKafka.produce(kafka, topic, evolved(client, v3, 200, 300, "FR"));
            await("v3 rows", Duration.ofMinutes(1), () -> count(sql, table) == 300);
        }
        // A field the version lacks is missing (zero on 18.16); coupon, declared only by v3 and never set, is NULL.
        assertEquals(List.of(List.of("0", "100", "100", "100", "100", "", "100", "100"),
                        List.of("1", "100", "100", "100", "100", "DE", "100", "100"),
                        List.of("2", "100", "100", "100", "100", "FR", "100", "100")),
                sql.rows("SELECT intDiv(id, 100) AS v, count(), uniqExact(id), countIf(name = concat('n', toString(id))),"
                        + " countIf(amount = if(v = 2, 5000000000 + id, id)), any(country),"
                        + " countIf(obsolete = if(v = 0, concat('old', toString(id)), '')), countIf(coupon IS NULL)"
                        + " FROM " + table + " GROUP BY v ORDER BY v"));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"));
    }

    @Test
    void badInputGoesToTheErrorTableWithItsRawBytesAndReason(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_bad");
        int id = client.register(topic + "-value", "PROTOBUF", V1, List.of());
        Descriptors.Descriptor type = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("Order");
        String table = PbKafka.unique("pb_bad");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, name String, amount Int8) ENGINE = MergeTree ORDER BY id");

        byte[] whole = confluent(id, Protos.message(type, Map.of("id", 4L, "name", "a name long enough to be cut")));
        List<byte[]> bad = Arrays.asList(
                "{\"id\": 1}".getBytes(StandardCharsets.UTF_8),                         // wrong magic
                confluent(999_999, Protos.message(type, Map.of("id", 2L))),             // unknown id
                PbKafka.confluent(id, new int[] {5}, Protos.message(type, Map.of("id", 3L)).toByteArray()), // no message 5
                Arrays.copyOf(whole, whole.length - 10),                                 // truncated body
                ByteBuffer.allocate(6).put((byte) 0).putInt(id).put((byte) 2).array(), // index list cut short
                confluent(id, Protos.message(type, Map.of("id", 6L, "amount", 300))),    // 300 does not fit Int8
                new byte[] {0, 0, 1});                                                   // shorter than the header
        List<byte[]> values = new ArrayList<>();
        values.add(confluent(id, Protos.message(type, Map.of("id", 0L, "name", "first"))));
        values.addAll(bad);
        values.add(confluent(id, Protos.message(type, Map.of("id", 9L, "name", "last"))));
        PbKafka.produce(kafka, topic, values);

        try (Pipeline pipeline = PbKafka.pipeline("pb-bad", kafka, topic, PbKafka.sink(clickhouse, table), null,
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("2 rows and 7 errors", Duration.ofMinutes(1),
                    () -> count(sql, table) == 2 && count(sql, table + "_errors") == bad.size());
        }
        assertEquals(List.of(List.of("0", "first"), List.of("9", "last")), sql.rows("SELECT id, name FROM " + table + " ORDER BY id"));
        List<List<String>> errors = sql.rows("SELECT splitByChar('@', position)[2] AS offset, error_kind, message, hex(raw_value)"
                + " FROM " + table + "_errors ORDER BY toUInt64(offset)");
        assertEquals(List.of(
                List.of("1", "DECODE", "wrong magic byte 0x7b: a message in the Confluent wire format starts with byte 0x00, then the"
                        + " 4-byte schema id (this message looks like JSON); for Protobuf without the header use Framing.PLAIN with a"
                        + " fixed schema"),
                List.of("2", "DECODE", "schema id 999999 is not in the schema registry at " + registry.url()
                        + " (HTTP 404, error 40403: Schema 999999 not found.)"),
                List.of("3", "DECODE", "bad message index list for schema id " + id + ", proto file tributary_schema_" + id
                        + ".proto: message index 5 is out of range: the file tributary_schema_" + id + ".proto has 1 top-level"
                        + " message types"),
                List.of("4", "DECODE", "the Protobuf body is malformed (evo.Order, schema id " + id + ", proto file tributary_schema_"
                        + id + ".proto): a length of 28 bytes runs past the end of the body (18 left; truncated?)"),
                List.of("5", "DECODE", "bad message index list: the message ends in message index 1 of 1 (after 6 bytes)"),
                List.of("6", "MAPPING", "column amount: value 300 is out of range for Int8 (-128..127) (field evo.Order.amount,"
                        + " schema id " + id + ", proto file tributary_schema_" + id + ".proto)"),
                List.of("7", "DECODE", "message of 3 bytes is shorter than the Confluent header (byte 0x00 and a 4-byte schema id)")),
                errors.stream().map(row -> row.subList(0, 3)).toList());
        for (int i = 0; i < bad.size(); i++) {
            assertEquals(HexFormat.of().withUpperCase().formatHex(bad.get(i)), errors.get(i).get(3), "raw bytes of error " + i);
        }
    }

    @Test
    void messageIndexesPickASecondAndANestedMessageType(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        String text = """
                syntax = "proto3";
                package idx;
                message First { int64 id = 1; string first = 2; }
                message Second { int64 id = 1; string second = 2; message Inner { int64 id = 1; string inner = 3; } }
                """;
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_idx");
        int id = client.register(topic + "-value", "PROTOBUF", text, List.of());
        Descriptors.FileDescriptor file = ProtobufSchemas.byId(client, id).file();
        Descriptors.Descriptor second = file.findMessageTypeByName("Second");
        Descriptors.Descriptor inner = second.findNestedTypeByName("Inner");
        String table = PbKafka.unique("pb_idx");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, first String, second String, inner String) ENGINE = MergeTree ORDER BY id");
        PbKafka.produce(kafka, topic, List.of(
                confluent(id, Protos.message(file.findMessageTypeByName("First"), Map.of("id", 1L, "first", "f"))),
                PbKafka.confluent(id, new int[] {1}, Protos.message(second, Map.of("id", 2L, "second", "s")).toByteArray()),
                PbKafka.confluent(id, new int[] {1, 0}, Protos.message(inner, Map.of("id", 3L, "inner", "i")).toByteArray())));
        try (Pipeline pipeline = PbKafka.pipeline("pb-idx", kafka, topic, PbKafka.sink(clickhouse, table), null,
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("3 rows", Duration.ofMinutes(1), () -> count(sql, table) == 3);
        }
        assertEquals(List.of(List.of("1", "f", "", ""), List.of("2", "", "s", ""), List.of("3", "", "", "i")),
                sql.rows("SELECT id, first, second, inner FROM " + table + " ORDER BY id"));
    }

    @Test
    void aFixedSubjectReadsPlainMessagesFieldsByNumberAndIgnoresUnknownFields(KafkaBroker kafka, SchemaRegistry registry,
                                                                               ClickHouseServer clickhouse) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_plain");
        client.register(topic + "-value", "PROTOBUF", V1, List.of());
        // The producer writes v3: country (5) and coupon (6) are unknown to v1, which the decoder reads them as.
        Descriptors.Descriptor v3 = ProtoFiles.parse("v3.proto", Map.of("v3.proto", V3)).findMessageTypeByName("Order");
        PbKafka.produce(kafka, topic, List.of(
                Protos.message(v3, Map.of("id", 1L, "name", "a", "amount", 10L, "country", "NL", "coupon", "X")).toByteArray(),
                Protos.message(v3, Map.of("id", 2L, "name", "b")).toByteArray()));
        String table = PbKafka.unique("pb_plain");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, label String, amount Int64, country String) ENGINE = MergeTree ORDER BY id");
        SchemaRegistryClient fixed = SchemaRegistryClient.builder()
                .url(registry.url() + "/subjects/" + topic + "-value/versions/1").build();
        try (Pipeline pipeline = PbKafka.pipeline("pb-plain", kafka, topic, PbKafka.sink(clickhouse, table), null,
                ProtobufConfluentDecoder.builder().registry(fixed).framing(ProtobufConfluentDecoder.Framing.PLAIN)
                        .messageType("evo.Order").build(),
                ProtobufSchemaMapper.of(DefaultSchemaMapper.builder().columnFromField("label", FieldPath.of("2")).build()))) {
            pipeline.start();
            await("2 rows", Duration.ofMinutes(1), () -> count(sql, table) == 2);
        }
        assertEquals(List.of(List.of("1", "a", "10", ""), List.of("2", "b", "0", "")),
                sql.rows("SELECT id, label, amount, country FROM " + table + " ORDER BY id"));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"));
    }

    @Test
    void aDescriptorGivenInCodeReadsPlainMessagesWithoutARegistry(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        Descriptors.Descriptor order = Protos.order();
        String topic = PbKafka.topic(kafka, "pb_code");
        PbKafka.produce(kafka, topic, List.of(Protos.fullOrder(order, 1).toByteArray(),
                Protos.message(order, Map.of("id", 2L, "name", "second")).toByteArray()));
        String table = PbKafka.unique("pb_code");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, name String, `customer.address.geo.lat` Float64, total_units Int64,"
                + " maybe Nullable(Int64)) ENGINE = MergeTree ORDER BY id");
        try (Pipeline pipeline = PbKafka.pipeline("pb-code", kafka, topic, PbKafka.sink(clickhouse, table), null,
                ProtobufConfluentDecoder.builder().descriptor(order).build(),
                ProtobufSchemaMapper.of(DefaultSchemaMapper.builder().columnFromField("total_units", "total.units").build()))) {
            pipeline.start();
            await("2 rows", Duration.ofMinutes(1), () -> count(sql, table) == 2);
        }
        // Inside an absent message a field is NULL: zero in a column that is not Nullable.
        assertEquals(List.of(List.of("1", "héllo 世界", "52.09", "1999", "77"), Arrays.asList("2", "second", "0", "0", null)),
                sql.rows("SELECT id, name, `customer.address.geo.lat`, total_units, maybe FROM " + table + " ORDER BY id"));
    }

    @Test
    void theSlowPathReadsTheSameRowsAsTheFastPath(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_slow");
        int id = Protos.registerOrder(client, topic + "-value");
        Descriptors.Descriptor order = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("Order");
        List<byte[]> values = new ArrayList<>();
        for (long i = 0; i < 20; i++) {
            values.add(confluent(id, i % 2 == 0 ? Protos.fullOrder(order, i) : Protos.message(order, Map.of("id", i, "opt", (int) i))));
        }
        PbKafka.produce(kafka, topic, values);
        ClickHouseSql sql = clickhouse.sql();
        String fast = PbKafka.unique("pb_fast");
        String slow = PbKafka.unique("pb_slow");
        ProtobufTableDdl.Builder ddl = ProtobufTableDdl.builder().message(order).orderBy("id").serverVersion("18.16");
        try (Pipeline a = PbKafka.pipeline("pb-fast", kafka, topic, PbKafka.sink(clickhouse, fast), ddl.table(fast).build().sql(),
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create());
             Pipeline b = PbKafka.pipeline("pb-slow", kafka, topic, PbKafka.sink(clickhouse, slow), ddl.table(slow).build().sql(),
                     ProtobufConfluentDecoder.builder().registry(client).build(), DefaultSchemaMapper.create())) {
            a.start();
            b.start();
            await("20 rows in each", Duration.ofMinutes(1), () -> count(sql, fast) == 20 && count(sql, slow) == 20);
        }
        String columns = "id, i32, s32, s64, u32, u64, f32, f64, sf32, sf64, fl, db, ok, name, raw, status, nums, tags, customer, at,"
                + " took, maybe, note, opt, text, number, total, lines.sku, lines.qty";
        assertEquals(sql.rows("SELECT " + columns + " FROM " + fast + " ORDER BY id"),
                sql.rows("SELECT " + columns + " FROM " + slow + " ORDER BY id"));
        assertEquals(10, sql.longValue("SELECT countIf(opt = id) FROM " + fast));
    }

    @Test
    void referencesOfReferencesResolveAndANonProtobufSchemaIsRefused(KafkaBroker kafka, SchemaRegistry registry,
                                                                     ClickHouseServer clickhouse) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_refs");
        String s = topic + "-";
        client.register(s + "c", "PROTOBUF", "syntax = \"proto3\"; package c; message C { string deep = 1; }", List.of());
        client.register(s + "b", "PROTOBUF", "syntax = \"proto3\"; package b; import \"c/c.proto\"; message B { c.C c = 1; }",
                List.of(new SchemaReference("c/c.proto", s + "c", "1")));
        int a = client.register(s + "a", "PROTOBUF", "syntax = \"proto3\"; package a; import \"b/b.proto\"; message A { int64 id = 1; b.B b = 2; }",
                List.of(new SchemaReference("b/b.proto", s + "b", "1")));
        int avro = client.register(s + "avro", "AVRO", "{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"}]}",
                List.of());
        Descriptors.Descriptor type = ProtobufSchemas.byId(client, a).file().findMessageTypeByName("A");
        Descriptors.Descriptor b = type.findFieldByName("b").getMessageType();
        Descriptors.Descriptor c = b.findFieldByName("c").getMessageType();
        DynamicMessage message = Protos.message(type, Map.of("id", 1L, "b", Protos.message(b, Map.of("c", Protos.message(c,
                Map.of("deep", "three levels"))))));
        byte[] avroFramed = confluent(avro, Protos.message(type, Map.of("id", 2L)));
        PbKafka.produce(kafka, topic, List.of(confluent(a, message), avroFramed));
        String table = PbKafka.unique("pb_refs");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, `b.c.deep` String) ENGINE = MergeTree ORDER BY id");
        try (Pipeline pipeline = PbKafka.pipeline("pb-refs", kafka, topic, PbKafka.sink(clickhouse, table), null,
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("1 row and 1 error", Duration.ofMinutes(1), () -> count(sql, table) == 1 && count(sql, table + "_errors") == 1);
        }
        assertEquals(List.of(List.of("1", "three levels")), sql.rows("SELECT id, `b.c.deep` FROM " + table));
        assertEquals(List.of(List.of("DECODE", "schema id " + avro + ", AVRO is a AVRO schema; only Protobuf schemas can be decoded here",
                        HexFormat.of().withUpperCase().formatHex(avroFramed))),
                sql.rows("SELECT error_kind, message, hex(raw_value) FROM " + table + "_errors"));
    }

    @Test
    void aFieldThatCannotGoIntoItsColumnSendsEveryMessageOfTheTypeToTheErrorTable(KafkaBroker kafka, SchemaRegistry registry,
                                                                                 ClickHouseServer clickhouse) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_refuse");
        int id = Protos.registerOrder(client, topic + "-value");
        Descriptors.Descriptor order = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("Order");
        String table = PbKafka.unique("pb_refuse");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, customer Int64) ENGINE = MergeTree ORDER BY id");
        PbKafka.produce(kafka, topic, List.of(confluent(id, Protos.fullOrder(order, 1)), confluent(id, Protos.message(order, Map.of("id", 2L)))));
        try (Pipeline pipeline = PbKafka.pipeline("pb-refuse", kafka, topic, PbKafka.sink(clickhouse, table), null,
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("2 errors", Duration.ofMinutes(1), () -> count(sql, table + "_errors") == 2);
        }
        assertEquals(0, count(sql, table));
        assertEquals(List.of(List.of("2", "MAPPING", "column customer: field customer of shop.Order: a message (shop.Customer) goes into"
                        + " a Tuple (or JSON) column, not Int64 (schema id " + id + ", proto file tributary_schema_" + id + ".proto)")),
                sql.rows("SELECT count(), any(error_kind), any(message) FROM " + table + "_errors"));
    }

    @Test
    void virtualColumnsAndConstantsStandBesideProtobufFields(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_virtual");
        int id = client.register(topic + "-value", "PROTOBUF", V1, List.of());
        Descriptors.Descriptor type = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("Order");
        List<byte[]> values = new ArrayList<>();
        for (long i = 0; i < 5; i++) {
            values.add(confluent(id, Protos.message(type, Map.of("id", i, "name", "n" + i))));
        }
        PbKafka.produce(kafka, topic, values);
        String table = PbKafka.unique("pb_virtual");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, name String, _offset UInt64, _topic String, source String)"
                + " ENGINE = MergeTree ORDER BY id");
        try (Pipeline pipeline = PbKafka.pipeline("pb-virtual", kafka, topic, PbKafka.sink(clickhouse, table), null,
                ProtobufConfluentDecoder.builder().registry(client).build(),
                ProtobufSchemaMapper.of(DefaultSchemaMapper.builder().constant("source", "orders-pb").build()))) {
            pipeline.start();
            await("5 rows", Duration.ofMinutes(1), () -> count(sql, table) == 5);
        }
        assertEquals(List.of(List.of("5", "0", "5", "1")),
                sql.rows("SELECT count(), countIf(_offset != id), countIf(_topic = '" + topic + "' AND name = concat('n', toString(id))),"
                        + " uniqExact(source) FROM " + table + " WHERE source = 'orders-pb'"));
    }
}
