package dev.tributary.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.BooleanSupplier;

/** Topics and deterministic messages for the Kafka tests (also those in sub-packages). */
public final class KafkaTestData {

    private KafkaTestData() {
    }

    /** Creates a topic and waits until every partition has a leader (producing earlier is refused). */
    static void createTopic(Properties connection, String topic, int partitions) throws Exception {
        createTopic(connection, topic, partitions, java.util.Map.of());
    }

    /** {@link #createTopic(Properties, String, int)} with topic configs, e.g. {@code max.message.bytes}. */
    public static void createTopic(Properties connection, String topic, int partitions, java.util.Map<String, String> configs)
            throws Exception {
        try (Admin admin = Admin.create(connection)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get();
            await("leaders of " + topic, Duration.ofSeconds(30), () -> {
                try {
                    TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
                    return description.partitions().size() == partitions
                            && description.partitions().stream().allMatch(p -> p.leader() != null && p.leader().id() >= 0);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    /** The JSON value of message {@code id}. */
    static String json(long id) {
        return "{\"id\":" + id + ",\"name\":\"n" + id + "\"}";
    }

    /**
     * Produces messages {@code from} (inclusive) to {@code to} (exclusive) with key {@code k<id>},
     * headers {@code source=test} and {@code seq=<id>}, partitioned by key.
     */
    static void produce(Properties connection, String topic, long from, long to) {
        Properties properties = new Properties();
        properties.putAll(connection);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        // The idempotent producer can loop on OUT_OF_ORDER_SEQUENCE_NUMBER right after a topic is
        // created; one request in flight keeps order without it.
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long id = from; id < to; id++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("source", "test".getBytes(StandardCharsets.UTF_8));
                headers.add("seq", Long.toString(id).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(topic, null, ("k" + id).getBytes(StandardCharsets.UTF_8),
                        json(id).getBytes(StandardCharsets.UTF_8), headers));
            }
            producer.flush();
        }
    }

    /** The sum of the offsets {@code group} has committed, or -1 when the broker cannot say now. */
    static long committedTotal(Properties connection, String group) {
        try (Admin admin = Admin.create(connection)) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                    .mapToLong(offset -> offset.offset()).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Waits for a condition the test cannot be told about directly, polling it. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
