package dev.tributary.examples;

import dev.tributary.avro.AvroConfluentDecoder;
import dev.tributary.avro.AvroSchemaMapper;
import dev.tributary.avro.AvroTableDdl;
import dev.tributary.avro.RegisteredSchema;
import dev.tributary.avro.SchemaLookupException;
import dev.tributary.avro.SchemaRegistryClient;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.KafkaVirtualColumns;
import dev.tributary.kafka.StartingOffsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Avro in the Confluent wire format from a Kafka topic into a ClickHouse table, with the schema
 * from a Confluent-API schema registry — the table is created from that schema if it does not exist.
 *
 * <pre>
 * java dev.tributary.examples.AvroQuickstart --bootstrap 127.0.0.1:9092 --topic clicks \
 *      --registry http://127.0.0.1:8081 [--registry-user KEY --registry-password SECRET] \
 *      --clickhouse http://127.0.0.1:8123 --table clicks [--group tributary-clicks] \
 *      [--produce 100000] [--until-drained]
 * </pre>
 * {@code --registry} is the registry's root (each message's schema id is looked up; the table is
 * made from the latest version of subject {@code <topic>-value}), or a {@code /schemas/ids/<id>} or
 * {@code /subjects/<subject>[/versions/<n>]} URL naming the schema to make the table from. With
 * {@code --produce N} it first registers a demo schema and sends N demo click events. Every few
 * seconds it prints records/s, rows and the consumer lag; at the end a summary. A table that exists
 * is used as it is: its columns are filled from the fields of the same name, other fields skipped.
 */
public final class AvroQuickstart {

    /** The demo events {@code --produce} sends. */
    static final Schema CLICK = new Schema.Parser().parse("""
            {"type": "record", "name": "Click", "namespace": "dev.tributary.examples", "fields": [
              {"name": "id", "type": "long"},
              {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "user", "type": "string"},
              {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["VIEW", "CLICK", "BUY"]}},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
              {"name": "country", "type": ["null", "string"], "default": null},
              {"name": "tags", "type": {"type": "array", "items": "string"}}]}""");

    /** What to read and where to write. */
    public record Settings(String bootstrapServers, String topic, String groupId, String registryUrl, String registryUser,
                           String registryPassword, String clickhouseEndpoint, String table, long produce, boolean untilDrained,
                           Duration progressEvery) {

        @Override
        public String toString() { // the registry password is never printed
            return "Settings[" + topic + " -> " + table + ", registry " + registryUrl + (registryUser == null ? "" : " (basic auth)") + "]";
        }
    }

    private AvroQuickstart() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Quickstart.options(args);
        boolean untilDrained = options.containsKey("until-drained");
        String topic = options.getOrDefault("topic", "clicks");
        run(new Settings(options.getOrDefault("bootstrap", "127.0.0.1:9092"), topic, options.getOrDefault("group", "tributary-" + topic),
                options.getOrDefault("registry", "http://127.0.0.1:8081"), options.get("registry-user"), options.get("registry-password"),
                options.getOrDefault("clickhouse", "http://127.0.0.1:8123"), options.getOrDefault("table", topic),
                Long.parseLong(options.getOrDefault("produce", "0")), untilDrained, Duration.ofSeconds(3)));
    }

    /** Runs the pipeline; returns its final counters. */
    public static MetricsSnapshot run(Settings settings) throws Exception {
        SchemaRegistryClient.Builder registryBuilder = SchemaRegistryClient.builder().url(settings.registryUrl());
        if (settings.registryUser() != null) {
            registryBuilder.basicAuth(settings.registryUser(), settings.registryPassword());
        }
        SchemaRegistryClient registry = registryBuilder.build();
        if (settings.produce() > 0) {
            produceClicks(settings, registry);
        }
        RegisteredSchema schema = registry.hasFixedSchema() ? registry.fixedSchema() : registry.latest(settings.topic() + "-value");
        ClickHouseConnection clickhouse = ClickHouseConnection.builder().endpoint(settings.clickhouseEndpoint()).build();
        // The table, if missing: one column per field, typed for this server, plus the Kafka metadata to sort by.
        ClickHouseSink sink = Quickstart.existingOrNewTable(clickhouse, settings.table(), schema, version -> AvroTableDdl.builder()
                .schema(schema.schema())
                .table(settings.table())
                .serverVersion(version)
                .column(KafkaVirtualColumns.PARTITION, "UInt64")
                .column(KafkaVirtualColumns.OFFSET, "UInt64")
                .orderBy(KafkaVirtualColumns.PARTITION, KafkaVirtualColumns.OFFSET)
                .build()
                .sql());

        Pipeline pipeline = Pipeline.builder()
                .name("avro-quickstart-" + settings.table())
                .source(KafkaSource.builder()
                        .bootstrapServers(settings.bootstrapServers())
                        .topics(settings.topic())
                        .groupId(settings.groupId())
                        .startingOffsets(StartingOffsets.EARLIEST)
                        .build())
                .decoder(AvroConfluentDecoder.builder().registry(registry).build())
                .mapper(AvroSchemaMapper.create())          // decodes each message straight into the row
                .sink(sink)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "avro-quickstart-shutdown"));
        return watch(pipeline, settings);
    }

    /** Prints progress until the pipeline ends (or, with --until-drained, the topic is drained), then a summary. */
    private static MetricsSnapshot watch(Pipeline pipeline, Settings settings) throws InterruptedException {
        return Quickstart.watch(pipeline, new Quickstart.Settings(settings.bootstrapServers(), settings.topic(),
                settings.groupId(), settings.clickhouseEndpoint(), settings.table(), settings.untilDrained(),
                settings.progressEvery()));
    }

    /** Registers {@link #CLICK} under {@code <topic>-value} and sends {@code --produce} events, Confluent-framed. */
    static void produceClicks(Settings settings, SchemaRegistryClient registry) throws SchemaLookupException, IOException {
        int schemaId = registry.register(settings.topic() + "-value", CLICK);
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
        model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        GenericDatumWriter<GenericData.Record> writer = new GenericDatumWriter<>(CLICK, model);
        Schema kind = CLICK.getField("kind").schema();
        Properties producer = new Properties();
        producer.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        producer.setProperty(ProducerConfig.LINGER_MS_CONFIG, "20");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = null;
        try (KafkaProducer<byte[], byte[]> kafka = new KafkaProducer<>(producer, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long id = 0; id < settings.produce(); id++) {
                GenericData.Record click = new GenericData.Record(CLICK);
                click.put("id", id);
                click.put("ts", Instant.ofEpochMilli(1_700_000_000_000L + id * 250));
                click.put("user", "user-" + id % 1000);
                click.put("kind", new GenericData.EnumSymbol(kind, List.of("VIEW", "VIEW", "CLICK", "BUY").get((int) (id % 4))));
                click.put("amount", BigDecimal.valueOf(id % 10_000, 2));
                click.put("country", id % 5 == 0 ? null : List.of("NL", "DE", "FR", "CN").get((int) (id % 4)));
                click.put("tags", List.of("t" + id % 7));
                bytes.reset();
                bytes.write(0); // the Confluent wire format: byte 0, the schema id, the Avro body
                bytes.write(ByteBuffer.allocate(4).putInt(schemaId).array());
                encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
                writer.write(click, encoder);
                encoder.flush();
                kafka.send(new ProducerRecord<>(settings.topic(), Long.toString(id).getBytes(StandardCharsets.UTF_8), bytes.toByteArray()));
            }
        }
        System.out.printf(Locale.ROOT, "produced %,d click events with schema id %d%n", settings.produce(), schemaId);
    }
}
