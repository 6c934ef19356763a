package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import dev.tributary.core.Pipeline;
import dev.tributary.registry.SchemaRegistryClient;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
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
                List.of("1", "-42", "-7", "-9000000000", "4294967295", "18446744073709551615", "123", "1099511627776", "-123",
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
}
