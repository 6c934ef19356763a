package dev.tributary.protobuf;

import com.google.protobuf.Message;
import dev.tributary.core.Decoder;
import dev.tributary.core.Pipeline;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.testkit.Await;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/** Topics, producers, framing and pipelines for the Protobuf end-to-end tests (no Confluent jar). */
final class PbKafka {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private PbKafka() {
    }

    static String unique(String prefix) {
        return prefix + "_" + System.nanoTime() + "_" + SEQUENCE.incrementAndGet();
    }

    /** The Confluent Protobuf framing: byte 0, the id, the message indexes (a single 0 for the first message), the body. */
    static byte[] confluent(int schemaId, int[] indexes, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
        if (indexes.length == 1 && indexes[0] == 0) {
            out.write(0);
        } else {
            zigZag(out, indexes.length);
            for (int index : indexes) {
                zigZag(out, index);
            }
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    static byte[] confluent(int schemaId, Message message) {
        return confluent(schemaId, new int[] {0}, message.toByteArray());
    }

    static void zigZag(ByteArrayOutputStream out, int value) {
        int v = (value << 1) ^ (value >> 31);
        while ((v & ~0x7F) != 0) {
            out.write((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    /** Creates a topic and waits until its partitions have a leader. */
    static String topic(KafkaBroker kafka, String prefix) throws Exception {
        String topic = unique(prefix);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            Await.await("leaders of " + topic, Duration.ofSeconds(30), () -> {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                            .allMatch(p -> p.leader() != null && p.leader().id() >= 0);
                } catch (Exception e) {
                    return false;
                }
            });
        }
        return topic;
    }

    /** Produces the values in order to partition 0, keyed {@code k<n>}; a null value is a tombstone. */
    static void produce(KafkaBroker kafka, String topic, List<byte[]> values) {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < values.size(); i++) {
                producer.send(new ProducerRecord<>(topic, 0, ("k" + i).getBytes(StandardCharsets.UTF_8), values.get(i)));
            }
            producer.flush();
        }
    }

    /** A pipeline from {@code topic} (earliest offsets) into the sink's table, created from {@code ddl} if missing. */
    static Pipeline pipeline(String name, KafkaBroker kafka, String topic, ClickHouseSink.Builder sink, String ddl, Decoder decoder,
                             SchemaMapper mapper) {
        sink.maxRows(10_000).maxAge(Duration.ofMillis(300));
        if (ddl != null) {
            sink.createTableIfMissing(ddl);
        }
        return Pipeline.builder().name(name)
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic)
                        .groupId(unique("group")).startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(decoder)
                .mapper(mapper)
                .sink(sink.build())
                .retryBackoffMax(Duration.ofSeconds(1))
                .metricsLogInterval(Duration.ZERO)
                .build();
    }

    static ClickHouseSink.Builder sink(ClickHouseServer clickhouse, String table) {
        return ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table);
    }

    static long count(ClickHouseSql sql, String table) {
        try {
            return sql.longValue("SELECT count() FROM " + table);
        } catch (RuntimeException e) {
            return -1; // not created yet
        }
    }
}
