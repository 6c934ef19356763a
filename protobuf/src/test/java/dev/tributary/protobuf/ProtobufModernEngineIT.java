package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import dev.tributary.chdb.ChDbTarget;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.registry.SchemaRegistryClient;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.tributary.protobuf.PbKafka.confluent;
import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Protobuf from Kafka with schemas in Apicurio, through the fast path, into the chDB 26.5 engine in
 * this JVM, in tables {@link ProtobufTableDdl} makes for a modern server: Bool, DateTime64(9),
 * named Array(Tuple), Map, Nullable — and a column DEFAULT for a field the schema lacks.
 */
@ExtendWith(TestServers.class)
class ProtobufModernEngineIT {

    private static ClickHouseSink.Builder sink(ChDb chdb, String table) {
        return ClickHouseSink.builder().target(ChDbTarget.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library()).build())
                .table(table);
    }

    private static long count(ChDb chdb, String table) {
        try {
            return Long.parseLong(chdb.rows("SELECT count() FROM " + table).get(0).get(0));
        } catch (RuntimeException e) {
            return -1; // not created yet
        }
    }

    @Test
    void everyTypeLandsOnTheModernEngineInTheTableMadeFromTheSchema(KafkaBroker kafka, SchemaRegistry registry, ChDb chdb)
            throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_modern");
        int id = Protos.registerOrder(client, topic + "-value");
        Descriptors.Descriptor order = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("Order");
        String table = PbKafka.unique("pb_modern");
        ProtobufTableDdl ddl = ProtobufTableDdl.builder().message(order).table(table).orderBy("id").build();
        PbKafka.produce(kafka, topic, List.of(confluent(id, Protos.fullOrder(order, 1)),
                confluent(id, Protos.message(order, Map.of("id", 2L, "number", 42L)))));
        try (Pipeline pipeline = PbKafka.pipeline("pb-modern", kafka, topic, sink(chdb, table), ddl.sql(),
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("2 rows", Duration.ofMinutes(1), () -> count(chdb, table) == 2);
        }
        assertEquals(List.of(
                        List.of("1", "true", "SHIPPED", "2024-02-29 12:00:00.123456789", "2500000000", "77", "fragile", "5", "chosen",
                                "[('A1',2),('B2',1)]", "('Ann',('Utrecht',(52.09,5.12)))", "DateTime64(9)", "Nullable(Int64)"),
                        Arrays.asList("2", "false", "STATUS_UNSPECIFIED", "1970-01-01 00:00:00.000000000", "0", null, null, null, null,
                                "[]", "('',('',(0,0)))", "DateTime64(9)", "Nullable(Int64)")),
                chdb.rows("SELECT id, ok, status, at, took, maybe, note, opt, text, lines, customer, toTypeName(at),"
                        + " toTypeName(number) FROM " + table + " ORDER BY id"),
                () -> ddl.sql());
        assertEquals(List.of(Arrays.asList("1", null), List.of("2", "42")), chdb.rows("SELECT id, number FROM " + table + " ORDER BY id"));
        assertEquals(0, count(chdb, table + "_errors"));
    }

    @Test
    void mapFieldsLandAsMapsWithMessageValuesAsTuples(KafkaBroker kafka, SchemaRegistry registry, ChDb chdb) throws Exception {
        String text = """
                syntax = "proto3";
                package maps;
                message Stock { int64 id = 1; map<string, int64> counts = 2; map<int32, Line> lines = 3; }
                message Line { string sku = 1; int32 qty = 2; }
                """;
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_maps");
        int id = client.register(topic + "-value", "PROTOBUF", text, List.of());
        Descriptors.FileDescriptor file = ProtobufSchemas.byId(client, id).file();
        Descriptors.Descriptor stock = file.findMessageTypeByName("Stock");
        Descriptors.Descriptor line = file.findMessageTypeByName("Line");
        String table = PbKafka.unique("pb_maps");
        ProtobufTableDdl ddl = ProtobufTableDdl.builder().message(stock).table(table).orderBy("id").build();
        var withMaps = com.google.protobuf.DynamicMessage.newBuilder(stock).setField(stock.findFieldByName("id"), 1L);
        Descriptors.Descriptor countsEntry = stock.findFieldByName("counts").getMessageType();
        Descriptors.Descriptor linesEntry = stock.findFieldByName("lines").getMessageType();
        for (Map.Entry<String, Long> e : Map.of("a", 1L).entrySet()) {
            withMaps.addRepeatedField(stock.findFieldByName("counts"), Protos.message(countsEntry, Map.of("key", e.getKey(), "value", e.getValue())));
        }
        withMaps.addRepeatedField(stock.findFieldByName("counts"), Protos.message(countsEntry, Map.of("key", "b", "value", -2L)));
        withMaps.addRepeatedField(stock.findFieldByName("lines"), Protos.message(linesEntry, Map.of("key", 7,
                "value", Protos.message(line, Map.of("sku", "X", "qty", 3)))));
        PbKafka.produce(kafka, topic, List.of(confluent(id, withMaps.build()), confluent(id, Protos.message(stock, Map.of("id", 2L)))));
        try (Pipeline pipeline = PbKafka.pipeline("pb-maps", kafka, topic, sink(chdb, table), ddl.sql(),
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("2 rows", Duration.ofMinutes(1), () -> count(chdb, table) == 2);
        }
        // The message values are named tuples: their elements read back by name.
        assertEquals(List.of(List.of("1", "{'a':1,'b':-2}", "{7:('X',3)}", "X", "3", "Map(String, Int64)"),
                        List.of("2", "{}", "{}", "", "0", "Map(String, Int64)")),
                chdb.rows("SELECT id, counts, lines, lines[7].sku, lines[7].qty, toTypeName(counts) FROM " + table + " ORDER BY id"),
                () -> ddl.sql());
    }

    @Test
    void aFieldTheSchemaLacksTakesTheColumnDefault(KafkaBroker kafka, SchemaRegistry registry, ChDb chdb) throws Exception {
        String text = "syntax = \"proto3\"; package dflt; message E { int64 id = 1; optional string label = 2; }";
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_default");
        int id = client.register(topic + "-value", "PROTOBUF", text, List.of());
        Descriptors.Descriptor e = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("E");
        String table = PbKafka.unique("pb_default");
        chdb.execute("CREATE TABLE " + table + " (id Int64, label String DEFAULT 'unlabelled', region String DEFAULT 'eu-' || toString(id))"
                + " ENGINE = MergeTree ORDER BY id");
        PbKafka.produce(kafka, topic, List.of(confluent(id, Protos.message(e, Map.of("id", 1L, "label", "one"))),
                confluent(id, Protos.message(e, Map.of("id", 2L)))));
        try (Pipeline pipeline = PbKafka.pipeline("pb-default", kafka, topic, sink(chdb, table), null,
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("2 rows", Duration.ofMinutes(1), () -> count(chdb, table) == 2);
        }
        // region is in no schema: missing, so the DEFAULT expression; label is absent with presence: DEFAULT too.
        assertEquals(List.of(List.of("1", "one", "eu-1"), List.of("2", "unlabelled", "eu-2")),
                chdb.rows("SELECT id, label, region FROM " + table + " ORDER BY id"));
    }

    @Test
    void enumsGoIntoEnumStringAndIntegerColumnsAndAnUndeclaredNumberIsKept(KafkaBroker kafka, SchemaRegistry registry, ChDb chdb)
            throws Exception {
        String text = """
                syntax = "proto3";
                package enums;
                message E { int64 id = 1; Color as_enum = 2; Color as_text = 3; Color as_number = 4; }
                enum Color { COLOR_UNSPECIFIED = 0; RED = 1; GREEN = 2; }
                """;
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_enums");
        int id = client.register(topic + "-value", "PROTOBUF", text, List.of());
        Descriptors.Descriptor e = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("E");
        String table = PbKafka.unique("pb_enums");
        chdb.execute("CREATE TABLE " + table + " (id Int64, as_enum Enum8('COLOR_UNSPECIFIED' = 0, 'RED' = 1, 'GREEN' = 2),"
                + " as_text String, as_number Int16) ENGINE = MergeTree ORDER BY id");
        // A producer with a newer schema wrote number 7, which this schema does not declare (proto3 enums are open).
        byte[] seven = {8, 2, 16, 7, 24, 7, 32, 7};
        PbKafka.produce(kafka, topic, List.of(
                confluent(id, Protos.message(e, Map.of("id", 1L, "as_enum", "GREEN", "as_text", "RED", "as_number", "GREEN"))),
                PbKafka.confluent(id, new int[] {0}, seven),
                PbKafka.confluent(id, new int[] {0}, new byte[] {8, 3, 24, 7, 32, 7})));
        try (Pipeline pipeline = PbKafka.pipeline("pb-enums", kafka, topic, sink(chdb, table), null,
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("2 rows and 1 error", Duration.ofMinutes(1), () -> count(chdb, table) == 2 && count(chdb, table + "_errors") == 1);
        }
        // Into Enum8 the number 7 has no name: the error table; into String and Int16 it stays a number.
        assertEquals(List.of(List.of("1", "GREEN", "RED", "2"), List.of("3", "COLOR_UNSPECIFIED", "7", "7")),
                chdb.rows("SELECT id, as_enum, as_text, as_number FROM " + table + " ORDER BY id"));
        assertEquals(List.of(List.of("MAPPING")), chdb.rows("SELECT error_kind FROM " + table + "_errors"));
    }

    @Test
    void theSlowPathWritesTheModernTypesAsTheFastPathDoes(KafkaBroker kafka, SchemaRegistry registry, ChDb chdb) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_modern_slow");
        int id = Protos.registerOrder(client, topic + "-value");
        Descriptors.Descriptor order = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("Order");
        String fast = PbKafka.unique("pb_mfast");
        String slow = PbKafka.unique("pb_mslow");
        ProtobufTableDdl.Builder ddl = ProtobufTableDdl.builder().message(order).orderBy("id");
        PbKafka.produce(kafka, topic, List.of(confluent(id, Protos.fullOrder(order, 1)),
                confluent(id, Protos.message(order, Map.of("id", 2L, "number", 9L, "u64", Long.MIN_VALUE)))));
        try (Pipeline a = PbKafka.pipeline("pb-mfast", kafka, topic, sink(chdb, fast), ddl.table(fast).build().sql(),
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create());
             Pipeline b = PbKafka.pipeline("pb-mslow", kafka, topic, sink(chdb, slow), ddl.table(slow).build().sql(),
                     ProtobufConfluentDecoder.builder().registry(client).build(), dev.tributary.core.mapping.DefaultSchemaMapper.create())) {
            a.start();
            b.start();
            await("2 rows in each", Duration.ofMinutes(1), () -> count(chdb, fast) == 2 && count(chdb, slow) == 2);
        }
        String columns = "id, i32, s32, s64, u32, u64, f32, f64, sf32, sf64, fl, db, ok, name, raw, status, nums, tags, customer, at,"
                + " took, maybe, note, opt, text, number, total, lines";
        List<List<String>> fastRows = chdb.rows("SELECT " + columns + " FROM " + fast + " ORDER BY id");
        assertEquals(fastRows, chdb.rows("SELECT " + columns + " FROM " + slow + " ORDER BY id"));
        assertEquals("9223372036854775808", fastRows.get(1).get(5), "a uint64 above Long.MAX_VALUE");
    }

    @Test
    void aOneofLandsAsOneVariantColumn(KafkaBroker kafka, SchemaRegistry registry, ChDb chdb) throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_variant");
        int id = Protos.registerOrder(client, topic + "-value");
        Descriptors.Descriptor order = ProtobufSchemas.byId(client, id).file().findMessageTypeByName("Order");
        String table = PbKafka.unique("pb_variant");
        ProtobufTableDdl ddl = ProtobufTableDdl.builder().message(order).table(table).orderBy("id").serverVersion("26.5")
                .oneofsAsVariant(true).build();
        PbKafka.produce(kafka, topic, List.of(confluent(id, Protos.message(order, Map.of("id", 1L, "text", "chosen"))),
                confluent(id, Protos.message(order, Map.of("id", 2L, "number", 42L))), confluent(id, Protos.message(order, Map.of("id", 3L)))));
        try (Pipeline pipeline = PbKafka.pipeline("pb-variant", kafka, topic, sink(chdb, table), ddl.sql(),
                ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
            pipeline.start();
            await("3 rows", Duration.ofMinutes(1), () -> count(chdb, table) == 3);
        }
        assertEquals(List.of(List.of("1", "chosen", "String"), List.of("2", "42", "Int64"), Arrays.asList("3", null, "None")),
                chdb.rows("SELECT id, choice, variantType(choice) FROM " + table + " ORDER BY id"), () -> ddl.sql());
    }
}
