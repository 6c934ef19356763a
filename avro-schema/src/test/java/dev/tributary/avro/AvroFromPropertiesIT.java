package dev.tributary.avro;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.SideBySide;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
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

import static dev.tributary.avro.AvroTestSupport.confluent;
import static dev.tributary.avro.AvroTestSupport.record;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code decoder.type=avro} end to end: the same Avro messages (schemas in Apicurio, Kafka 4.3.1) through a
 * pipeline built from a properties file and through one built with the builders give identical rows and
 * identical error rows in ClickHouse 18.16 — the registry keys, the framing, a reader schema from a file and
 * the mapper rules on Avro's fast path each reach the pipeline as their builder call does.
 */
@ExtendWith(TestServers.class)
class AvroFromPropertiesIT {

    private static final int GOOD = 1000;

    private static final Schema WRITER = AvroTestSupport.parse("""
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"},
              {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [{"name": "login", "type": "string"}]}},
              {"name": "amount", "type": "int"}, {"name": "small", "type": "long"}]}""");
    /** The writer schema with {@code amount} widened to long and {@code country} added with a default. */
    private static final String READER = """
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [
              {"name": "id", "type": "long"},
              {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [{"name": "login", "type": "string"}]}},
              {"name": "amount", "type": "long"}, {"name": "small", "type": "long"},
              {"name": "country", "type": "string", "default": "NL"}]}""";
    /** An order whose id is text: the reader schema cannot read it. */
    private static final Schema TEXT_ID = AvroTestSupport.parse("""
            {"type": "record", "name": "Order", "namespace": "shop", "fields": [{"name": "id", "type": "string"}]}""");

    @Test
    void anAvroPipelineFromAPropertiesFileWritesWhatTheBuilderOneWrites(KafkaBroker kafka, SchemaRegistry registry,
                                                                         ClickHouseServer clickhouse, @TempDir Path dir) throws Exception {
        SchemaRegistryClient admin = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        String topic = AvroKafka.topic(kafka, "avro_props", 1);
        int writerId = admin.register(topic + "-value", WRITER);
        int textId = admin.register(topic + "-text", TEXT_ID);
        String fromFile = AvroKafka.unique("avro_file");
        String fromBuilders = AvroKafka.unique("avro_builders");
        ClickHouseSql sql = clickhouse.sql();
        for (String table : List.of(fromFile, fromBuilders)) {
            sql.execute("CREATE TABLE " + table + " (id Int64, login String, amount Int64, small Int8, country String, env String,"
                    + " kafka_offset UInt64) ENGINE = MergeTree ORDER BY kafka_offset");
        }
        List<byte[]> messages = new ArrayList<>();
        for (long id = 0; id < GOOD; id++) {
            messages.add(order(writerId, id, id % 100));
            if (id == 100) {
                messages.add("{\"id\": 100}".getBytes(StandardCharsets.UTF_8)); // not the Confluent wire format: DECODE
            } else if (id == 300) {
                messages.add(confluent(999_999, WRITER, order(id))); // a schema id the registry does not know: DECODE
            } else if (id == 500) {
                messages.add(order(writerId, id, 300)); // 300 does not fit Int8: MAPPING
            } else if (id == 700) {
                byte[] whole = order(writerId, id, 1);
                messages.add(Arrays.copyOf(whole, whole.length - 3)); // the body cut short: DECODE
            } else if (id == 800) {
                messages.add(confluent(textId, TEXT_ID, record(TEXT_ID, Map.of("id", "eight hundred")))); // unreadable as READER: DECODE
            } else if (id == 900) {
                messages.add(null); // a tombstone: DECODE
            }
        }
        int bad = messages.size() - GOOD;
        AvroKafka.produce(kafka, topic, messages);

        Path readerFile = dir.resolve("order.avsc");
        Files.writeString(readerFile, READER);
        Path file = dir.resolve("avro.properties");
        Files.writeString(file, String.join("\n",
                "pipeline.name=avro-orders",
                "pipeline.metrics-log-interval=0",
                "pipeline.retry-backoff-max=1s",
                "source.type=kafka",
                "source.bootstrap-servers=" + kafka.bootstrapServers(),
                "source.topics=" + topic,
                "source.group-id=" + AvroKafka.unique("file"),
                "source.starting-offsets=earliest",
                "decoder.type=avro",
                "decoder.framing=confluent",
                "decoder.reader-schema-file=" + readerFile,
                "decoder.registry.url=" + registry.url(),
                "decoder.registry.connect-timeout=5s",
                "decoder.registry.request-timeout=10s",
                "decoder.registry.max-attempts=2",
                "decoder.registry.retry-backoff=100ms",
                "decoder.registry.max-response-bytes=1MB",
                "mapper.strict=true",
                "mapper.column.login.field=customer.login",
                "mapper.column.kafka_offset.virtual=_offset",
                "mapper.column.env.constant=prod",
                "sink.endpoint=" + clickhouse.endpoint(),
                "sink.table=" + fromFile,
                "sink.max-rows=300",
                "sink.max-age=300ms",
                ""));
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString())
                .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(10)).maxAttempts(2)
                .retryBackoff(Duration.ofMillis(100)).maxResponseBytes(1024 * 1024).build();
        Pipeline builders = Pipeline.builder().name("avro-orders").metricsLogInterval(Duration.ZERO).retryBackoffMax(Duration.ofSeconds(1))
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId(AvroKafka.unique("builders"))
                        .startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(AvroConfluentDecoder.builder().registry(client).framing(AvroConfluentDecoder.Framing.CONFLUENT)
                        .readerSchema(AvroTestSupport.parse(READER)).build())
                .mapper(AvroSchemaMapper.of(DefaultSchemaMapper.builder().strict(true).columnFromField("login", "customer.login")
                        .columnFromVirtual("kafka_offset", "_offset").constant("env", "prod").build()))
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(fromBuilders).maxRows(300)
                        .maxAge(Duration.ofMillis(300)).build())
                .build();
        try (Pipeline properties = PipelineConfig.fromFile(file); builders) {
            properties.start();
            builders.start();
            SideBySide.awaitRowsAndErrors(GOOD, bad, sql::rows, fromFile, fromBuilders);
        }

        SideBySide.assertSameRows(sql::rows, "SELECT id, login, amount, small, country, env, kafka_offset FROM %s ORDER BY kafka_offset",
                fromBuilders, fromFile, GOOD);
        // The reader schema from the file: country is its default, amount read as long.
        assertEquals(List.of(List.of("0", "NL", "prod", "0", "0")), sql.rows("SELECT countIf(login != concat('u', toString(id % 7))),"
                + " any(country), any(env), countIf(amount != id * 3), countIf(small != id % 100) FROM " + fromFile));
        SideBySide.assertSameErrors(sql::rows, fromBuilders, fromFile, bad);
        assertEquals(List.of(List.of("DECODE", "5"), List.of("MAPPING", "1")),
                sql.rows("SELECT error_kind, count() FROM " + fromFile + "_errors GROUP BY error_kind ORDER BY error_kind"));
    }

    private static GenericData.Record order(long id) {
        return order(id, id % 100);
    }

    private static GenericData.Record order(long id, long small) {
        GenericData.Record customer = record(WRITER.getField("customer").schema(), Map.of("login", "u" + id % 7));
        return record(WRITER, Map.of("id", id, "customer", customer, "amount", (int) (id * 3), "small", small));
    }

    private static byte[] order(int schemaId, long id, long small) {
        return confluent(schemaId, WRITER, order(id, small));
    }
}
