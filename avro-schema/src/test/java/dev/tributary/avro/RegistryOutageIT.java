package dev.tributary.avro;

import dev.tributary.core.Pipeline;
import dev.tributary.registry.TcpProxy;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.tributary.avro.AvroTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry goes away for 20 seconds while messages with schema ids the pipeline has not seen
 * arrive: the pipeline waits (nothing lands, nothing goes to the error table, it does not fail),
 * and when the registry is back every message lands, once.
 */
@ExtendWith(TestServers.class)
class RegistryOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(20);

    private static Schema version(int n) {
        StringBuilder fields = new StringBuilder("{\"name\": \"id\", \"type\": \"long\"}");
        for (int i = 2; i <= n; i++) {
            fields.append(", {\"name\": \"f").append(i).append("\", \"type\": \"string\", \"default\": \"\"}");
        }
        return AvroTestSupport.parse("{\"type\": \"record\", \"name\": \"E\", \"fields\": [" + fields + "]}");
    }

    private static List<byte[]> messages(int schemaId, Schema schema, int from, int to) {
        List<byte[]> messages = new ArrayList<>();
        for (long id = from; id < to; id++) {
            GenericData.Record record = AvroTestSupport.record(schema, Map.of("id", id));
            schema.getFields().stream().skip(1).forEach(field -> record.put(field.name(), "v"));
            messages.add(AvroTestSupport.confluent(schemaId, schema, record));
        }
        return messages;
    }

    @Test
    void thePipelineWaitsOutARegistryOutageAndLosesNothing(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        String topic = AvroKafka.topic(kafka, "outage", 1);
        SchemaRegistryClient direct = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int[] ids = new int[7];
        for (int v = 1; v <= 6; v++) {
            ids[v] = direct.register(topic + "-value", version(v));
        }
        String table = AvroKafka.unique("outage");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id Int64, f6 String) ENGINE = MergeTree ORDER BY id");

        try (TcpProxy proxy = new TcpProxy(registry.url().getPort())) {
            String viaProxy = "http://127.0.0.1:" + proxy.port() + registry.url().getPath();
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(viaProxy).retryBackoff(Duration.ofMillis(50))
                    .connectTimeout(Duration.ofSeconds(2)).build();
            AvroKafka.produce(kafka, topic, messages(ids[1], version(1), 0, 100));
            try (Pipeline pipeline = AvroKafka.pipeline("outage", kafka, topic, clickhouse, table, null,
                    AvroConfluentDecoder.builder().registry(client).build(), AvroSchemaMapper.create(), Duration.ofSeconds(2))) {
                pipeline.start();
                await("the first 100 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 100);

                proxy.cut();
                List<byte[]> later = new ArrayList<>();
                for (int v = 2; v <= 6; v++) {
                    later.addAll(messages(ids[v], version(v), v * 100 - 100, v * 100));
                }
                AvroKafka.produce(kafka, topic, later);
                long until = System.nanoTime() + OUTAGE.toNanos();
                while (System.nanoTime() < until) { // the outage itself: watched, not waited for
                    assertEquals(100, sql.longValue("SELECT count() FROM " + table), "nothing lands while the registry is down");
                    assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"), "nothing goes to the error table");
                    assertEquals(Pipeline.State.RUNNING, pipeline.state());
                    Thread.sleep(500);
                }
                proxy.restore();
                await("all 600 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) >= 600);
                pipeline.stop();
                pipeline.awaitTermination(Duration.ofMinutes(1));
                assertTrue(pipeline.metrics().recordsRead() >= 600, "read everything");
            }
        }
        assertEquals(List.of(List.of("600", "600", "0", "599", "600")),
                sql.rows("SELECT count(), uniqExact(id), min(id), max(id), countIf(f6 = if(id >= 500, 'v', '')) FROM " + table));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"));
    }
}
