package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SideBySide;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance of configuration from properties: the same records through a pipeline built from a
 * properties file and through one built with the builders give the same rows and the same error rows.
 */
@ExtendWith(TestServers.class)
class PipelineFromPropertiesIT {

    private static final int GOOD = 3000;

    @Test
    void aPipelineFromAPropertiesFileWritesWhatTheBuilderOneWrites(KafkaBroker kafka, ClickHouseServer clickhouse,
                                                                     @TempDir Path dir) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "props_" + suffix;
        String fromFile = "from_file_" + suffix;
        String fromBuilders = "from_builders_" + suffix;
        ClickHouseSql sql = clickhouse.sql();
        for (String table : List.of(fromFile, fromBuilders)) {
            sql.execute("CREATE TABLE " + table + " (id UInt64, login String, qty UInt32, env String, kafka_offset UInt64,"
                    + " kafka_partition UInt64) ENGINE = MergeTree ORDER BY (kafka_partition, kafka_offset)");
        }
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 3);
        int bad = produce(kafka.clientProperties(), topic);

        Path file = dir.resolve("pipeline.properties");
        Files.writeString(file, String.join("\n",
                "# the same pipeline as the builder one below",
                "pipeline.name=orders",
                "pipeline.poll-timeout=100ms",
                "pipeline.metrics-log-interval=0",
                "source.type=kafka",
                "source.bootstrap-servers=" + kafka.bootstrapServers(),
                "source.topics=" + topic,
                "source.group-id=file-" + suffix,
                "source.starting-offsets=earliest",
                "source.max-poll-records=500",
                "decoder.type=json",
                "decoder.max-nesting-depth=5",
                "mapper.strict=true",
                "mapper.column.login.field=actor.login",
                "mapper.column.kafka_offset.virtual=_offset",
                "mapper.column.kafka_partition.virtual=_partition",
                "mapper.column.env.constant=prod",
                "sink.endpoint=" + clickhouse.endpoint(),
                "sink.table=" + fromFile,
                "sink.max-rows=700",
                "sink.max-age=300ms",
                "sink.max-in-flight-batches=3",
                "sink.insert-setting.max_insert_block_size=100000",
                ""));
        Pipeline builders = Pipeline.builder().name("orders").pollTimeout(Duration.ofMillis(100)).metricsLogInterval(Duration.ZERO)
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId("builders-" + suffix)
                        .startingOffsets(StartingOffsets.EARLIEST).maxPollRecords(500).build())
                .decoder(JsonDecoder.builder().maxNestingDepth(5).build())
                .mapper(DefaultSchemaMapper.builder().strict(true).columnFromField("login", "actor.login")
                        .columnFromVirtual("kafka_offset", "_offset").columnFromVirtual("kafka_partition", "_partition")
                        .constant("env", "prod").build())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(fromBuilders).maxRows(700)
                        .maxAge(Duration.ofMillis(300)).maxInFlightBatches(3).insertSetting("max_insert_block_size", "100000").build())
                .build();
        try (Pipeline properties = PipelineConfig.fromFile(file); builders) {
            properties.start();
            builders.start();
            SideBySide.awaitRowsAndErrors(GOOD, bad, sql::rows, fromFile, fromBuilders);
        }

        SideBySide.assertSameRows(sql::rows, "SELECT id, login, qty, env, kafka_partition, kafka_offset FROM %s"
                + " ORDER BY kafka_partition, kafka_offset", fromBuilders, fromFile, GOOD);
        List<List<String>> expectedErrors = SideBySide.assertSameErrors(sql::rows, fromBuilders, fromFile, bad);
        // Each kind of bad record is there: undecodable, nested beyond the depth, a value the column refuses, a field missing.
        assertEquals(List.of(List.of("DECODE", "2"), List.of("MAPPING", "2")),
                sql.rows("SELECT error_kind, count() FROM " + fromFile + "_errors GROUP BY error_kind ORDER BY error_kind"));
        assertTrue(expectedErrors.stream().anyMatch(row -> row.get(4).contains("nesting depth")
                || row.get(4).toLowerCase().contains("depth")), expectedErrors.toString());
    }

    /** {@value #GOOD} good records, spread by key over the partitions, and four bad ones; returns the number of bad ones. */
    private static int produce(Properties connection, String topic) {
        List<String> values = new ArrayList<>();
        for (int id = 0; id < GOOD; id++) {
            values.add("{\"id\":" + id + ",\"actor\":{\"login\":\"user" + (id % 17) + "\"},\"qty\":" + (id % 100) + "}");
            if (id == 100) {
                values.add("{\"id\":"); // not JSON: DECODE
            } else if (id == 1000) {
                values.add("{\"id\":1,\"actor\":{\"login\":\"x\"},\"qty\":1,\"n\":[[[[[[1]]]]]]}"); // beyond depth 5: DECODE
            } else if (id == 2000) {
                values.add("{\"id\":2,\"actor\":{\"login\":\"x\"},\"qty\":\"many\"}"); // not a UInt32: MAPPING
            } else if (id == 2500) {
                values.add("{\"id\":3,\"qty\":4}"); // no actor.login, strict: MAPPING
            }
        }
        Properties properties = new Properties();
        properties.putAll(connection);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        values.get(i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return values.size() - GOOD;
    }
}
