package dev.tributary.kafka.reliability;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;

/** Producing and JSON text for the reliability tests (topics and waiting: {@link dev.tributary.kafka.KafkaTestData}). */
final class ReliabilityTestSupport {

    private ReliabilityTestSupport() {
    }

    /** Produces {@code values} in order to partition 0 of {@code topic}, waiting for each acknowledgement. */
    static void produce(Properties connection, String topic, List<String> values) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(connection, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, 0, null, value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    /** {@code text} as a JSON string literal. */
    static String jsonString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
