package dev.tributary.chdb;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kinesis.Checkpoint;
import dev.tributary.kinesis.ClickHouseCheckpointStore;
import dev.tributary.testkit.Await;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ChDbTarget} as the target of the sink and of the Kinesis checkpoint store: a whole pipeline from a
 * real Kafka broker into the embedded 26.5 engine, read back. The engine holds one data path per JVM, so the
 * target uses the test kit's {@link ChDb} data path (and shares that engine).
 */
@ExtendWith(TestServers.class)
class ChDbTargetIT {

    private static int sequence;

    private static String unique(String prefix) {
        return prefix + "_" + System.nanoTime() + "_" + (++sequence);
    }

    private static ChDbTarget target(ChDb chdb) {
        return ChDbTarget.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library()).build();
    }

    private static long count(ChDb chdb, String sql) {
        return Long.parseLong(chdb.queryText(sql, "TabSeparated").trim());
    }

    @Test
    void aKafkaPipelineWritesEveryRecordAndItsErrorRowIntoTheEmbeddedEngine(KafkaBroker kafka, ChDb chdb)
            throws Exception {
        String topic = unique("events");
        String table = unique("events");
        chdb.query("CREATE TABLE " + table + " (id UInt64, name String, score Float64 DEFAULT 1.5,"
                + " _partition UInt64, _offset UInt64) ENGINE = MergeTree ORDER BY (_partition, _offset)", "TabSeparated");
        Properties client = kafka.clientProperties();
        try (Admin admin = Admin.create(client)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        int total = 3_000;
        Properties producerProps = new Properties();
        producerProps.putAll(client);
        producerProps.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerProps.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps)) {
            for (int i = 0; i < total; i++) {
                String json = i == 1234 ? "{not json" : "{\"id\":" + i + ",\"name\":\"user-" + i + "\"}";
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
            }
        }

        ChDbTarget target = target(chdb);
        KafkaSource source = KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                .groupId(unique("group")).topics(topic).build();
        try (Pipeline pipeline = Pipeline.builder().name(table).source(source).decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().target(target).table(table)
                        .maxRows(1_000).maxAge(Duration.ofMillis(300)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            Await.await("2,999 rows in the embedded engine", Duration.ofSeconds(60),
                    () -> count(chdb, "SELECT count() FROM " + table) >= total - 1);
        }

        assertEquals("2999\t2999\t1234\t1.5\t3", chdb.queryText("SELECT count(), uniqExact(id),"
                + " toUInt64(sumIf(1, id < 1235)), any(score), uniqExact(_partition) FROM " + table, "TabSeparated").trim());
        assertEquals(0, count(chdb, "SELECT count() FROM " + table + " WHERE name != concat('user-', toString(id))"));
        assertEquals(0, count(chdb, "SELECT count() FROM " + table + " WHERE id = 1234"));
        // The one bad record is an error row of the embedded engine's error table.
        assertEquals(1, count(chdb, "SELECT count() FROM " + table + "_errors WHERE raw_value = '{not json' AND error_kind = 'DECODE'"));
    }

    @Test
    void theKinesisCheckpointStoreKeepsItsCheckpointsInTheEmbeddedEngine(ChDb chdb) {
        String table = unique("checkpoints");
        try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().target(target(chdb))
                .table(table).build()) {
            store.open();
            store.save("app", "stream", Map.of("shardId-0", Checkpoint.at("100"), "shardId-1", Checkpoint.TRIM_HORIZON));
            store.save("app", "stream", Map.of("shardId-0", Checkpoint.at("200")));
            assertEquals(Map.of("shardId-0", Checkpoint.at("200"), "shardId-1", Checkpoint.TRIM_HORIZON),
                    store.load("app", "stream"));
        }
        assertTrue(count(chdb, "SELECT count() FROM `default`.`" + table + "`") >= 2);
    }

    @Test
    void aSecondDataPathIsRefusedAtOpenNamingTheOneInUse(ChDb chdb) {
        ChDbTarget other = ChDbTarget.builder().dataPath(chdb.dataPath().resolveSibling(unique("other")))
                .libraryPath(chdb.library()).build();
        IllegalStateException e = assertThrows(IllegalStateException.class, other::open);
        assertTrue(e.getMessage().contains(chdb.dataPath().toString()), e.getMessage());
    }
}
