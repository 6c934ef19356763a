package dev.tributary.examples;

import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Timestamp;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.KafkaVirtualColumns;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.protobuf.ProtobufConfluentDecoder;
import dev.tributary.protobuf.ProtobufSchema;
import dev.tributary.protobuf.ProtobufSchemaMapper;
import dev.tributary.protobuf.ProtobufSchemas;
import dev.tributary.protobuf.ProtobufTableDdl;
import dev.tributary.registry.SchemaLookupException;
import dev.tributary.registry.SchemaRegistryClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Protobuf in the Confluent wire format from a Kafka topic into a ClickHouse table, with the schema
 * from a Confluent-API schema registry — the table is created from the schema's first message
 * type if it does not exist.
 *
 * <pre>
 * java dev.tributary.examples.ProtobufQuickstart --bootstrap 127.0.0.1:9092 --topic orders \
 *      --registry http://127.0.0.1:8081 [--registry-user KEY --registry-password SECRET] \
 *      --clickhouse http://127.0.0.1:8123 --table orders [--group tributary-orders] \
 *      [--produce 100000] [--until-drained]
 * </pre>
 * A table that exists is used as it is; a missing one is made from the latest version of subject
 * {@code <topic>-value}. With
 * {@code --produce N} it first registers a demo schema and sends N demo orders. Every few seconds it
 * prints records/s, rows and the consumer lag; at the end a summary.
 */
public final class ProtobufQuickstart {

    /** The demo schema {@code --produce} registers. */
    static final String ORDER = """
            syntax = "proto3";
            package dev.tributary.examples;
            import "google/protobuf/timestamp.proto";
            message Order {
              int64 id = 1;
              google.protobuf.Timestamp ts = 2;
              string user = 3;
              Kind kind = 4;
              sint64 amount_cents = 5;
              optional string country = 6;
              repeated string tags = 7;
              enum Kind { VIEW = 0; CLICK = 1; BUY = 2; }
            }
            """;

    /** What to read and where to write. */
    public record Settings(String bootstrapServers, String topic, String groupId, String registryUrl, String registryUser,
                           String registryPassword, String clickhouseEndpoint, String table, long produce, boolean untilDrained,
                           Duration progressEvery) {

        @Override
        public String toString() { // the registry password is never printed
            return "Settings[" + topic + " -> " + table + ", registry " + registryUrl + (registryUser == null ? "" : " (basic auth)") + "]";
        }
    }

    private ProtobufQuickstart() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Quickstart.options(args);
        String topic = options.getOrDefault("topic", "orders");
        run(new Settings(options.getOrDefault("bootstrap", "127.0.0.1:9092"), topic,
                options.getOrDefault("group", "tributary-" + topic), options.getOrDefault("registry", "http://127.0.0.1:8081"),
                options.get("registry-user"), options.get("registry-password"), options.getOrDefault("clickhouse", "http://127.0.0.1:8123"),
                options.getOrDefault("table", topic), Long.parseLong(options.getOrDefault("produce", "0")),
                options.containsKey("until-drained"), Duration.ofSeconds(3)));
    }

    /** Runs the pipeline; returns its final counters. */
    public static MetricsSnapshot run(Settings settings) throws Exception {
        SchemaRegistryClient.Builder registryBuilder = SchemaRegistryClient.builder().url(settings.registryUrl());
        if (settings.registryUser() != null) {
            registryBuilder.basicAuth(settings.registryUser(), settings.registryPassword());
        }
        SchemaRegistryClient registry = registryBuilder.build();
        if (settings.produce() > 0) {
            produceOrders(settings, registry);
        }
        ProtobufSchema schema = ProtobufSchemas.latest(registry, settings.topic() + "-value");
        ClickHouseConnection clickhouse = ClickHouseConnection.builder().endpoint(settings.clickhouseEndpoint()).build();
        // The table, if missing: one column per field, typed for this server, plus the Kafka metadata to sort by.
        ClickHouseSink sink = Quickstart.existingOrNewTable(clickhouse, settings.table(), schema, version -> ProtobufTableDdl.builder()
                .message(schema.file().getMessageTypes().get(0))
                .table(settings.table())
                .serverVersion(version)
                .column(KafkaVirtualColumns.PARTITION, "UInt64")
                .column(KafkaVirtualColumns.OFFSET, "UInt64")
                .orderBy(KafkaVirtualColumns.PARTITION, KafkaVirtualColumns.OFFSET)
                .build()
                .sql());

        Pipeline pipeline = Pipeline.builder()
                .name("protobuf-quickstart-" + settings.table())
                .source(KafkaSource.builder()
                        .bootstrapServers(settings.bootstrapServers())
                        .topics(settings.topic())
                        .groupId(settings.groupId())
                        .startingOffsets(StartingOffsets.EARLIEST)
                        .build())
                .decoder(ProtobufConfluentDecoder.builder().registry(registry).build())
                .mapper(ProtobufSchemaMapper.create())      // reads each message straight into the row
                .sink(sink)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "protobuf-quickstart-shutdown"));
        return Quickstart.watch(pipeline, new Quickstart.Settings(settings.bootstrapServers(), settings.topic(),
                settings.groupId(), settings.clickhouseEndpoint(), settings.table(), settings.untilDrained(),
                settings.progressEvery()));
    }

    /** Registers {@link #ORDER} under {@code <topic>-value} and sends {@code --produce} orders, Confluent-framed. */
    static void produceOrders(Settings settings, SchemaRegistryClient registry) throws SchemaLookupException, IOException {
        int schemaId = registry.register(settings.topic() + "-value", "PROTOBUF", ORDER, List.of());
        Descriptors.Descriptor order = ProtobufSchemas.byId(registry, schemaId).file().getMessageTypes().get(0);
        Properties producer = new Properties();
        producer.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (KafkaProducer<byte[], byte[]> kafka = new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long id = 0; id < settings.produce(); id++) {
                DynamicMessage.Builder message = DynamicMessage.newBuilder(order)
                        .setField(order.findFieldByName("id"), id)
                        .setField(order.findFieldByName("ts"), Timestamp.newBuilder().setSeconds(1_700_000_000L + id / 4).build())
                        .setField(order.findFieldByName("user"), "user-" + id % 1000)
                        .setField(order.findFieldByName("kind"), order.findEnumTypeByName("Kind").findValueByNumber((int) (id % 3)))
                        .setField(order.findFieldByName("amount_cents"), id % 10_000)
                        .addRepeatedField(order.findFieldByName("tags"), "t" + id % 7);
                if (id % 5 != 0) {
                    message.setField(order.findFieldByName("country"), List.of("NL", "DE", "FR", "CN").get((int) (id % 4)));
                }
                bytes.reset();
                bytes.write(0); // the Confluent wire format: byte 0, the schema id, message index 0, the body
                bytes.write(ByteBuffer.allocate(4).putInt(schemaId).array());
                bytes.write(0);
                message.build().writeTo(bytes);
                kafka.send(new ProducerRecord<>(settings.topic(), Long.toString(id).getBytes(StandardCharsets.UTF_8), bytes.toByteArray()));
            }
        }
        System.out.printf(Locale.ROOT, "produced %,d orders with schema id %d%n", settings.produce(), schemaId);
    }
}
