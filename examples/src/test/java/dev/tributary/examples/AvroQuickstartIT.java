package dev.tributary.examples;

import dev.tributary.avro.SchemaRegistryClient;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link AvroQuickstart} with a table the user made: an existing table is used as it is, whatever the
 * registry's schema holds that the server could not type.
 */
@ExtendWith(TestServers.class)
class AvroQuickstartIT {

    private static final Schema TAGGED = new Schema.Parser().parse("""
            {"type": "record", "name": "Tagged", "namespace": "dev.tributary.examples", "fields": [
              {"name": "id", "type": "long"},
              {"name": "attrs", "type": {"type": "map", "values": "string"}}]}""");

    @Test
    void anExistingTableIsUsedAsItIsThoughTheSchemaHasAMapThat1816CannotType(KafkaBroker kafka, SchemaRegistry registry,
                                                                           ClickHouseServer clickhouse) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "avro_tagged_" + suffix;
        Demo.createTopic(kafka, topic, 1);
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int schemaId = client.register(topic + "-value", TAGGED);
        produce(kafka, topic, schemaId, 500);
        ClickHouseSql sql = clickhouse.sql();
        // The user's table leaves the map out: 18.16 has no Map type.
        sql.execute("CREATE TABLE " + topic + " (id Int64, _partition UInt64, _offset UInt64) ENGINE = MergeTree ORDER BY id");

        MetricsSnapshot metrics = AvroQuickstart.run(new AvroQuickstart.Settings(kafka.bootstrapServers(), topic, "group-" + suffix,
                registry.url().toString(), null, null, clickhouse.endpoint(), topic, 0, true, Duration.ofMillis(500)));

        assertEquals(500, metrics.rowsInserted());
        assertEquals(0, metrics.errorsTotal());
        assertEquals(List.of(List.of("500", "0", "499")), sql.rows("SELECT count(), min(id), max(id) FROM " + topic));
    }

    @Test
    void aMissingTableIsMadeFromTheRegistrySchema(KafkaBroker kafka, SchemaRegistry registry, ClickHouseServer clickhouse)
            throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "avro_clicks_" + suffix;
        Demo.createTopic(kafka, topic, 1);

        MetricsSnapshot metrics = AvroQuickstart.run(new AvroQuickstart.Settings(kafka.bootstrapServers(), topic, "group-" + suffix,
                registry.url().toString(), null, null, clickhouse.endpoint(), topic, 300, true, Duration.ofMillis(500)));

        assertEquals(300, metrics.rowsInserted());
        assertEquals(0, metrics.errorsTotal());
        // The columns of AvroQuickstart.CLICK as AvroTableDdl types them for 18.16, then the Kafka metadata.
        assertEquals(List.of("id", "ts", "user", "kind", "amount", "country", "tags", "_partition", "_offset"),
                clickhouse.sql().rows("SELECT name FROM system.columns WHERE database = currentDatabase() AND table = '" + topic + "'")
                        .stream().map(row -> row.get(0)).toList());
        assertEquals("300", clickhouse.sql().value("SELECT count() FROM " + topic));
    }

    private static void produce(KafkaBroker kafka, String topic, int schemaId, int count) throws Exception {
        GenericDatumWriter<GenericData.Record> writer = new GenericDatumWriter<>(TAGGED);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = null;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long id = 0; id < count; id++) {
                GenericData.Record record = new GenericData.Record(TAGGED);
                record.put("id", id);
                record.put("attrs", Map.of("k", "v" + id));
                bytes.reset();
                bytes.write(0); // the Confluent wire format: byte 0, the schema id, the Avro body
                bytes.write(ByteBuffer.allocate(4).putInt(schemaId).array());
                encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
                writer.write(record, encoder);
                encoder.flush();
                producer.send(new ProducerRecord<>(topic, bytes.toByteArray()));
            }
            producer.flush();
        }
    }
}
