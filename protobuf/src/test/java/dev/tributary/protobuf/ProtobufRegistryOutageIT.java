package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import dev.tributary.core.Pipeline;
import dev.tributary.registry.SchemaRegistryClient;
import dev.tributary.registry.TcpProxy;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry goes away for 15 seconds while messages with schema ids (and references) the
 * pipeline has not seen arrive: the pipeline waits (nothing lands, nothing goes to the error table,
 * it does not fail), and when the registry is back every message lands, once.
 */
@ExtendWith(TestServers.class)
class ProtobufRegistryOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(15);

    private static String version(int n) {
        StringBuilder fields = new StringBuilder("int64 id = 1;");
        for (int i = 2; i <= n; i++) {
            fields.append(" string f").append(i).append(" = ").append(i).append(';');
        }
        return "syntax = \"proto3\"; package outage; message E { " + fields + " }";
    }

    private static List<byte[]> messages(SchemaRegistryClient client, int schemaId, int from, int to) throws Exception {
        Descriptors.Descriptor type = ProtobufSchemas.byId(client, schemaId).file().findMessageTypeByName("E");
        List<byte[]> messages = new ArrayList<>();
        for (long id = from; id < to; id++) {
            com.google.protobuf.DynamicMessage.Builder message = Protos.message(type, Map.of("id", id)).toBuilder();
            type.getFields().stream().skip(1).forEach(field -> message.setField(field, "v"));
            messages.add(PbKafka.confluent(schemaId, message.build()));
        }
        return messages;
    }

    @Test
    void thePipelineWaitsOutARegistryOutageAndLosesNothing(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        String topic = PbKafka.topic(kafka, "pb_outage");
        SchemaRegistryClient direct = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int[] ids = new int[5];
        for (int v = 1; v <= 4; v++) {
            ids[v] = direct.register(topic + "-value", "PROTOBUF", version(v), List.of());
        }
        List<byte[]> later = new ArrayList<>();
        for (int v = 2; v <= 4; v++) {
            later.addAll(messages(direct, ids[v], v * 100 - 100, v * 100));
        }
        String table = PbKafka.unique("pb_outage");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, f4 String) ENGINE = MergeTree ORDER BY id");

        try (TcpProxy proxy = new TcpProxy(registry.url().getPort())) {
            String viaProxy = "http://127.0.0.1:" + proxy.port() + registry.url().getPath();
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(viaProxy).retryBackoff(Duration.ofMillis(50))
                    .connectTimeout(Duration.ofSeconds(2)).build();
            PbKafka.produce(kafka, topic, messages(direct, ids[1], 0, 100));
            try (Pipeline pipeline = PbKafka.pipeline("pb-outage", kafka, topic, PbKafka.sink(clickhouse, table), null,
                    ProtobufConfluentDecoder.builder().registry(client).build(), ProtobufSchemaMapper.create())) {
                pipeline.start();
                await("the first 100 rows", Duration.ofMinutes(1), () -> PbKafka.count(sql, table) == 100);

                proxy.cut();
                PbKafka.produce(kafka, topic, later);
                long until = System.nanoTime() + OUTAGE.toNanos();
                while (System.nanoTime() < until) { // the outage itself: watched, not waited for
                    assertEquals(100, sql.longValue("SELECT count() FROM " + table), "nothing lands while the registry is down");
                    assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"), "nothing goes to the error table");
                    assertEquals(Pipeline.State.RUNNING, pipeline.state());
                    Thread.sleep(500);
                }
                proxy.restore();
                await("all 400 rows", Duration.ofMinutes(1), () -> PbKafka.count(sql, table) >= 400);
                pipeline.stop();
                pipeline.awaitTermination(Duration.ofMinutes(1));
                assertTrue(pipeline.metrics().recordsRead() >= 400, "read everything");
            }
        }
        assertEquals(List.of(List.of("400", "400", "0", "399", "400")),
                sql.rows("SELECT count(), uniqExact(id), min(id), max(id), countIf(f4 = if(id >= 300, 'v', '')) FROM " + table));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"));
    }
}
