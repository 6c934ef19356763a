package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import dev.tributary.core.Decoder;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.registry.SchemaRegistryClient;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.SideBySide;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.tributary.protobuf.PbKafka.confluent;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code decoder.type=protobuf} end to end: the same messages (schemas with a reference in Apicurio, Kafka
 * 4.3.1) through a pipeline built from a properties file and through one built with the builders give
 * identical rows and identical error rows in ClickHouse 18.16 — the registry keys, the framing, the message
 * type and the mapper rules on Protobuf's fast path each reach the pipeline as their builder call does.
 */
@ExtendWith(TestServers.class)
class ProtobufFromPropertiesIT {

    private static final int GOOD = 1000;

    @Test
    void aConfluentFramedProtobufPipelineFromAPropertiesFileWritesWhatTheBuilderOneWrites(
            KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse, @TempDir Path dir) throws Exception {
        SchemaRegistryClient admin = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_props");
        int id = Protos.registerOrder(admin, topic + "-value");
        int avro = admin.register(topic + "-avro", "AVRO",
                "{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"id\", \"type\": \"long\"}]}", List.of());
        Descriptors.Descriptor order = ProtobufSchemas.byId(admin, id).file().findMessageTypeByName("Order");
        List<byte[]> messages = new ArrayList<>();
        for (long n = 0; n < GOOD; n++) {
            messages.add(confluent(id, order(order, n, (int) (n % 100))));
            if (n == 100) {
                messages.add("{\"id\": 100}".getBytes(StandardCharsets.UTF_8)); // not the Confluent wire format: DECODE
            } else if (n == 300) {
                messages.add(confluent(999_999, order(order, n, 1))); // a schema id the registry does not know: DECODE
            } else if (n == 500) {
                messages.add(confluent(id, order(order, n, 300))); // 300 does not fit Int8: MAPPING
            } else if (n == 700) {
                byte[] whole = confluent(id, Protos.fullOrder(order, n));
                messages.add(Arrays.copyOf(whole, whole.length - 3)); // cut inside its last field: DECODE
            } else if (n == 800) {
                messages.add(confluent(avro, order(order, n, 1))); // an Avro schema's id: DECODE
            } else if (n == 900) {
                messages.add(null); // a tombstone: DECODE
            }
        }
        int bad = messages.size() - GOOD;
        PbKafka.produce(kafka, topic, messages);
        String fromFile = PbKafka.unique("pb_file");
        String fromBuilders = PbKafka.unique("pb_builders");
        ClickHouseSql sql = clickhouse.sql();
        for (String table : List.of(fromFile, fromBuilders)) {
            sql.execute("CREATE TABLE " + table + " (id Int64, name String, login String, i32 Int8, units Int64, env String,"
                    + " kafka_offset UInt64) ENGINE = MergeTree ORDER BY kafka_offset");
        }
        Path file = properties(dir, kafka, topic, clickhouse, fromFile,
                "decoder.framing=confluent",
                "decoder.registry.url=" + registry.url(),
                "decoder.registry.connect-timeout=5s",
                "decoder.registry.request-timeout=10s",
                "decoder.registry.max-attempts=2",
                "decoder.registry.retry-backoff=100ms",
                "decoder.registry.max-response-bytes=1MB",
                "mapper.strict=true",
                "mapper.column.login.field=customer.name",
                "mapper.column.units.field=total.units",
                "mapper.column.kafka_offset.virtual=_offset",
                "mapper.column.env.constant=prod");
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString())
                .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(10)).maxAttempts(2)
                .retryBackoff(Duration.ofMillis(100)).maxResponseBytes(1024 * 1024).build();
        Pipeline builders = builders(kafka, topic, clickhouse, fromBuilders,
                ProtobufConfluentDecoder.builder().registry(client).framing(ProtobufConfluentDecoder.Framing.CONFLUENT).build(),
                DefaultSchemaMapper.builder().strict(true).columnFromField("login", "customer.name").columnFromField("units", "total.units")
                        .columnFromVirtual("kafka_offset", "_offset").constant("env", "prod").build());
        runSideBySide(file, builders, sql, fromFile, fromBuilders, GOOD, bad);

        SideBySide.assertSameRows(sql::rows, "SELECT id, name, login, i32, units, env, kafka_offset FROM %s ORDER BY kafka_offset",
                fromBuilders, fromFile, GOOD);
        assertEquals(List.of(List.of("0", "0", "0", "prod")), sql.rows("SELECT countIf(login != concat('c', toString(id % 7))),"
                + " countIf(units != id * 3), countIf(i32 != id % 100), any(env) FROM " + fromFile));
        SideBySide.assertSameErrors(sql::rows, fromBuilders, fromFile, bad);
        assertEquals(List.of(List.of("DECODE", "5"), List.of("MAPPING", "1")),
                sql.rows("SELECT error_kind, count() FROM " + fromFile + "_errors GROUP BY error_kind ORDER BY error_kind"));
    }

    /** Plain framing: one schema from a subject-version URL, the message type named (not the file's first). */
    @Test
    void aPlainProtobufPipelineWithAMessageTypeFromAPropertiesFileWritesWhatTheBuilderOneWrites(
            KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse, @TempDir Path dir) throws Exception {
        SchemaRegistryClient admin = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = PbKafka.topic(kafka, "pb_plain_props");
        int id = Protos.registerOrder(admin, topic + "-value");
        Descriptors.Descriptor line = ProtobufSchemas.byId(admin, id).file().findMessageTypeByName("Line");
        int good = 200;
        List<byte[]> messages = new ArrayList<>();
        for (int n = 0; n < good; n++) {
            messages.add(Protos.message(line, Map.of("sku", "S" + n, "qty", n)).toByteArray());
            if (n == 50) {
                messages.add(new byte[] {(byte) 0x0A, 0x7F, 0x41}); // field 1 claims 127 bytes, has 1: DECODE
            }
        }
        PbKafka.produce(kafka, topic, messages);
        String fromFile = PbKafka.unique("pb_plain_file");
        String fromBuilders = PbKafka.unique("pb_plain_builders");
        ClickHouseSql sql = clickhouse.sql();
        for (String table : List.of(fromFile, fromBuilders)) {
            sql.execute("CREATE TABLE " + table + " (sku String, qty Int32, kafka_offset UInt64) ENGINE = MergeTree ORDER BY kafka_offset");
        }
        String fixed = registry.url() + "/subjects/" + topic + "-value/versions/1";
        Path file = properties(dir, kafka, topic, clickhouse, fromFile,
                "decoder.framing=plain",
                "decoder.message-type=shop.Line",
                "decoder.registry.url=" + fixed,
                "mapper.column.kafka_offset.virtual=_offset");
        Pipeline builders = builders(kafka, topic, clickhouse, fromBuilders,
                ProtobufConfluentDecoder.builder().registry(SchemaRegistryClient.builder().url(fixed).build())
                        .framing(ProtobufConfluentDecoder.Framing.PLAIN).messageType("shop.Line").build(),
                DefaultSchemaMapper.builder().columnFromVirtual("kafka_offset", "_offset").build());
        runSideBySide(file, builders, sql, fromFile, fromBuilders, good, 1);

        List<List<String>> expected = SideBySide.assertSameRows(sql::rows, "SELECT sku, qty, kafka_offset FROM %s ORDER BY kafka_offset",
                fromBuilders, fromFile, good);
        assertEquals(List.of("S199", "199", Integer.toString(good)), expected.get(good - 1), "read as shop.Line");
        SideBySide.assertSameErrors(sql::rows, fromBuilders, fromFile, 1);
    }

    /** An order: id {@code n}, customer {@code c<n % 7>}, total units {@code 3n}, {@code i32} as given. */
    private static com.google.protobuf.DynamicMessage order(Descriptors.Descriptor order, long n, int i32) {
        Descriptors.Descriptor customer = order.getFile().findMessageTypeByName("Customer");
        Descriptors.Descriptor money = order.findFieldByName("total").getMessageType();
        return Protos.message(order, Map.of("id", n, "name", "n" + n, "i32", i32,
                "customer", Protos.message(customer, Map.of("name", "c" + n % 7)),
                "total", Protos.message(money, Map.of("currency", "EUR", "units", n * 3))));
    }

    /** The file: a Kafka source from the earliest offsets, {@code decoder.type=protobuf} with these keys, the sink. */
    private static Path properties(Path dir, KafkaBroker kafka, String topic, ClickHouseServer clickhouse, String table,
                                   String... decoderAndMapper) throws Exception {
        List<String> lines = new ArrayList<>(List.of(
                "pipeline.name=pb-orders",
                "pipeline.metrics-log-interval=0",
                "pipeline.retry-backoff-max=1s",
                "source.type=kafka",
                "source.bootstrap-servers=" + kafka.bootstrapServers(),
                "source.topics=" + topic,
                "source.group-id=" + PbKafka.unique("file"),
                "source.starting-offsets=earliest",
                "decoder.type=protobuf",
                "sink.endpoint=" + clickhouse.endpoint(),
                "sink.table=" + table,
                "sink.max-rows=300",
                "sink.max-age=300ms"));
        lines.addAll(List.of(decoderAndMapper));
        lines.add("");
        return Files.writeString(dir.resolve(table + ".properties"), String.join("\n", lines));
    }

    /** What {@link #properties} says, as builder calls. */
    private static Pipeline builders(KafkaBroker kafka, String topic, ClickHouseServer clickhouse, String table, Decoder decoder,
                                     DefaultSchemaMapper rules) {
        return Pipeline.builder().name("pb-orders").metricsLogInterval(Duration.ZERO).retryBackoffMax(Duration.ofSeconds(1))
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId(PbKafka.unique("builders"))
                        .startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(decoder)
                .mapper(ProtobufSchemaMapper.of(rules))
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).maxRows(300).maxAge(Duration.ofMillis(300))
                        .build())
                .build();
    }

    private static void runSideBySide(Path file, Pipeline builders, ClickHouseSql sql, String fromFile, String fromBuilders, int good,
                                      int bad) throws Exception {
        try (Pipeline properties = PipelineConfig.fromFile(file); builders) {
            properties.start();
            builders.start();
            SideBySide.awaitRowsAndErrors(good, bad, sql::rows, fromFile, fromBuilders);
        }
    }
}
