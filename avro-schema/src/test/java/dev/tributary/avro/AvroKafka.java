package dev.tributary.avro;

import dev.tributary.core.Pipeline;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/** Topics, producers and pipelines for the end-to-end tests. */
final class AvroKafka {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private AvroKafka() {
    }

    static String unique(String prefix) {
        return prefix + "_" + System.nanoTime() + "_" + SEQUENCE.incrementAndGet();
    }

    /** Creates a topic and waits until its partitions have a leader. */
    static String topic(KafkaBroker kafka, String prefix, int partitions) throws Exception {
        String topic = unique(prefix);
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            AvroTestSupport.await("leaders of " + topic, Duration.ofSeconds(30), () -> {
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

    /** A pipeline from {@code topic} (earliest offsets) into {@code table}, created from {@code ddl} if missing. */
    static Pipeline pipeline(String name, KafkaBroker kafka, String topic, ClickHouseServer clickhouse, String table, String ddl,
                             AvroConfluentDecoder decoder, SchemaMapper mapper, Duration retryBackoffMax) {
        ClickHouseSink.Builder sink = ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                .maxRows(10_000).maxAge(Duration.ofMillis(300));
        if (ddl != null) {
            sink.createTableIfMissing(ddl);
        }
        return Pipeline.builder().name(name)
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic)
                        .groupId(unique("group")).startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(decoder)
                .mapper(mapper)
                .sink(sink.build())
                .retryBackoffMax(retryBackoffMax)
                .metricsLogInterval(Duration.ZERO)
                .build();
    }
}
