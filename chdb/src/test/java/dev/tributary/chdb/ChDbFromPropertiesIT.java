package dev.tributary.chdb;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SideBySide;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
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

/**
 * {@code sink.target=chdb} end to end: the same JSON records from Kafka 4.3.1 through a pipeline built from a
 * properties file and through one built with the builders, both into the embedded 26.5 engine (the test kit's
 * data path: one per JVM), give identical rows, in types 18.16 lacks, and identical error rows.
 */
@ExtendWith(TestServers.class)
class ChDbFromPropertiesIT {

    private static final int GOOD = 1000;

    @Test
    void aPipelineIntoTheEmbeddedEngineFromAPropertiesFileWritesWhatTheBuilderOneWrites(KafkaBroker kafka, ChDb chdb,
                                                                                          @TempDir Path dir) throws Exception {
        String suffix = System.nanoTime() + "";
        String topic = "chdb_props_" + suffix;
        String fromFile = "chdb_file_" + suffix;
        String fromBuilders = "chdb_builders_" + suffix;
        for (String table : List.of(fromFile, fromBuilders)) {
            chdb.execute("CREATE TABLE " + table + " (id UInt64, login String, qty UInt32, paid Bool, at DateTime64(3, 'UTC'),"
                    + " env LowCardinality(String), kafka_offset UInt64) ENGINE = MergeTree ORDER BY kafka_offset");
        }
        int bad = produce(kafka, topic);

        Path file = dir.resolve("chdb.properties");
        Files.writeString(file, String.join("\n",
                "pipeline.name=chdb-orders",
                "pipeline.metrics-log-interval=0",
                "source.type=kafka",
                "source.bootstrap-servers=" + kafka.bootstrapServers(),
                "source.topics=" + topic,
                "source.group-id=file-" + suffix,
                "source.starting-offsets=earliest",
                "decoder.type=json",
                "mapper.strict=true",
                "mapper.column.login.field=actor.login",
                "mapper.column.kafka_offset.virtual=_offset",
                "mapper.column.env.constant=prod",
                "sink.target=chdb",
                "sink.target.data-path=" + chdb.dataPath(),
                "sink.target.library-path=" + chdb.library(),
                "sink.target.database=default",
                "sink.table=" + fromFile,
                "sink.max-rows=300",
                "sink.max-age=300ms",
                ""));
        Pipeline builders = Pipeline.builder().name("chdb-orders").metricsLogInterval(Duration.ZERO)
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId("builders-" + suffix)
                        .startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(JsonDecoder.create())
                .mapper(DefaultSchemaMapper.builder().strict(true).columnFromField("login", "actor.login")
                        .columnFromVirtual("kafka_offset", "_offset").constant("env", "prod").build())
                .sink(ClickHouseSink.builder().target(ChDbTarget.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library())
                                .database("default").build())
                        .table(fromBuilders).maxRows(300).maxAge(Duration.ofMillis(300)).build())
                .build();
        try (Pipeline properties = PipelineConfig.fromFile(file); builders) {
            properties.start();
            builders.start();
            SideBySide.awaitRowsAndErrors(GOOD, bad, chdb::rows, fromFile, fromBuilders);
        }

        List<List<String>> expected = SideBySide.assertSameRows(chdb::rows,
                "SELECT id, login, qty, paid, at, env, kafka_offset FROM %s ORDER BY kafka_offset", fromBuilders, fromFile, GOOD);
        assertEquals(List.of("999", "user13", "99", "false", "2024-05-01 00:16:39.500", "prod", Integer.toString(GOOD + bad - 1)),
                expected.get(GOOD - 1));
        SideBySide.assertSameErrors(chdb::rows, fromBuilders, fromFile, bad);
        assertEquals(List.of(List.of("DECODE", "1"), List.of("MAPPING", "3")),
                chdb.rows("SELECT error_kind, count() FROM " + fromFile + "_errors GROUP BY error_kind ORDER BY error_kind"));
    }

    /** {@value #GOOD} good records and four bad ones, in order on one partition; returns the number of bad ones. */
    private static int produce(KafkaBroker kafka, String topic) throws Exception {
        List<String> values = new ArrayList<>();
        for (int id = 0; id < GOOD; id++) {
            values.add("{\"id\":" + id + ",\"actor\":{\"login\":\"user" + (id % 17) + "\"},\"qty\":" + (id % 100)
                    + ",\"paid\":" + (id % 2 == 0) + ",\"at\":\"" + String.format("2024-05-01T00:%02d:%02d.5Z", id / 60, id % 60) + "\"}");
            if (id == 100) {
                values.add("{\"id\":"); // not JSON: DECODE
            } else if (id == 300) {
                values.add("{\"id\":3,\"actor\":{\"login\":\"x\"},\"qty\":\"many\",\"paid\":true,\"at\":\"2024-05-01T00:00:00Z\"}"); // not a UInt32: MAPPING
            } else if (id == 500) {
                values.add("{\"id\":5,\"actor\":{\"login\":\"x\"},\"qty\":1,\"paid\":\"maybe\",\"at\":\"2024-05-01T00:00:00Z\"}"); // not a Bool: MAPPING
            } else if (id == 700) {
                values.add("{\"id\":7,\"qty\":4,\"paid\":true,\"at\":\"2024-05-01T00:00:00Z\"}"); // no actor.login, strict: MAPPING
            }
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                        values.get(i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return values.size() - GOOD;
    }
}
