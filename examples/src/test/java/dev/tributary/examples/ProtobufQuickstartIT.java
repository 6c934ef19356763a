package dev.tributary.examples;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Descriptors;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.protobuf.ProtobufSchemas;
import dev.tributary.registry.SchemaRegistryClient;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link ProtobufQuickstart} against a real Kafka broker, Apicurio and ClickHouse 18.16: it registers
 * the demo schema, produces orders, makes the table from the registry's schema, and every order lands
 * with its values; a table the user made is used as it is.
 */
@ExtendWith(TestServers.class)
class ProtobufQuickstartIT {

    @Test
    void everyProducedOrderLandsInTheTableMadeFromTheRegistrySchema(KafkaBroker kafka, SchemaRegistry registry,
                                                                     ClickHouseServer clickhouse) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "pb_orders_" + suffix;
        Demo.createTopic(kafka, topic, 1);
        MetricsSnapshot metrics = ProtobufQuickstart.run(new ProtobufQuickstart.Settings(kafka.bootstrapServers(), topic,
                "group-" + suffix, registry.url().toString(), null, null, clickhouse.endpoint(), topic, 1_000, true,
                Duration.ofMillis(500)));

        assertEquals(1_000, metrics.rowsInserted());
        assertEquals(0, metrics.errorsTotal());
        ClickHouseSql sql = clickhouse.sql();
        assertEquals(List.of(List.of("1000", "1000", "333", "200", "200", "143")),
                sql.rows("SELECT count(), uniqExact(id), countIf(kind = 'BUY'), countIf(country IS NULL),"
                        + " countIf(ts = toDateTime(1700000000 + intDiv(id, 4), 'UTC') AND user = concat('user-', toString(id % 1000))"
                        + " AND amount_cents = id % 10000 AND country = ['NL', 'DE', 'FR', 'CN'][id % 4 + 1] AND id % 4 = 0),"
                        + " countIf(tags = [concat('t', toString(id % 7))] AND id % 7 = 0) FROM " + topic));
    }

    private static final String TAGGED = """
            syntax = "proto3";
            package dev.tributary.examples;
            message Tagged {
              int64 id = 1;
              map<string, string> attrs = 2;
            }
            """;

    @Test
    void anExistingTableIsUsedAsItIsThoughTheSchemaHasAMapThat1816CannotType(KafkaBroker kafka, SchemaRegistry registry,
                                                                           ClickHouseServer clickhouse) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "pb_tagged_" + suffix;
        Demo.createTopic(kafka, topic, 1);
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int schemaId = client.register(topic + "-value", "PROTOBUF", TAGGED, List.of());
        Descriptors.Descriptor tagged = ProtobufSchemas.byId(client, schemaId).file().getMessageTypes().get(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long id = 0; id < 500; id++) {
                Descriptors.Descriptor entry = tagged.findFieldByName("attrs").getMessageType();
                DynamicMessage message = DynamicMessage.newBuilder(tagged)
                        .setField(tagged.findFieldByName("id"), id)
                        .addRepeatedField(tagged.findFieldByName("attrs"), DynamicMessage.newBuilder(entry)
                                .setField(entry.findFieldByName("key"), "k").setField(entry.findFieldByName("value"), "v" + id).build())
                        .build();
                bytes.reset();
                bytes.write(0); // the Confluent wire format: byte 0, the schema id, message index 0, the body
                bytes.write(ByteBuffer.allocate(4).putInt(schemaId).array());
                bytes.write(0);
                message.writeTo(bytes);
                producer.send(new ProducerRecord<>(topic, bytes.toByteArray()));
            }
            producer.flush();
        }
        ClickHouseSql sql = clickhouse.sql();
        // The user's table leaves the map out: 18.16 has no Map type.
        sql.execute("CREATE TABLE " + topic + " (id Int64, _partition UInt64, _offset UInt64) ENGINE = MergeTree ORDER BY id");

        MetricsSnapshot metrics = ProtobufQuickstart.run(new ProtobufQuickstart.Settings(kafka.bootstrapServers(), topic,
                "group-" + suffix, registry.url().toString(), null, null, clickhouse.endpoint(), topic, 0, true,
                Duration.ofMillis(500)));

        assertEquals(500, metrics.rowsInserted());
        assertEquals(0, metrics.errorsTotal());
        assertEquals(List.of(List.of("500", "0", "499")), sql.rows("SELECT count(), min(id), max(id) FROM " + topic));
    }
}
