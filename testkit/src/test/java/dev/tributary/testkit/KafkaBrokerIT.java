package dev.tributary.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(TestServers.class)
class KafkaBrokerIT {

    @Test
    void producesAndConsumesThroughAConsumerGroup(KafkaBroker kafka) throws Exception {
        String topic = "smoke-" + System.nanoTime();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        List<String> sent = KafkaRoundTrip.produce(kafka.clientProperties(), topic, 300);

        List<String> received = KafkaRoundTrip.consume(kafka.clientProperties(), topic, sent.size());

        assertEquals(new TreeSet<>(sent), new TreeSet<>(received));
        assertEquals(sent.size(), received.size());
    }

    /** Produce and consume helpers shared by the broker smoke tests. */
    static final class KafkaRoundTrip {
        private KafkaRoundTrip() {
        }

        static List<String> produce(Properties connection, String topic, int count) throws Exception {
            Properties properties = new Properties();
            properties.putAll(connection);
            properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            List<String> sent = new ArrayList<>();
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties)) {
                for (int i = 0; i < count; i++) {
                    String value = "{\"id\":" + i + "}";
                    producer.send(new ProducerRecord<>(topic, "key-" + i, value)).get();
                    sent.add(value);
                }
            }
            return sent;
        }

        /** Consumes until {@code expected} records arrived, or fails after 60 s. */
        static List<String> consume(Properties connection, String topic, int expected) {
            Properties properties = new Properties();
            properties.putAll(connection);
            properties.put(ConsumerConfig.GROUP_ID_CONFIG, "smoke-" + topic);
            properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            List<String> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
                consumer.subscribe(Set.of(topic));
                while (received.size() < expected && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                        received.add(record.value());
                    }
                }
                consumer.commitSync();
            }
            return received;
        }
    }
}
