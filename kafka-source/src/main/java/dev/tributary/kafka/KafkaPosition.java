package dev.tributary.kafka;

import dev.tributary.core.SourcePosition;
import org.apache.kafka.common.TopicPartition;

/** A record's place in Kafka: topic, partition, offset. Printed as {@code topic/partition@offset}. */
public record KafkaPosition(String topic, int partition, long offset) implements SourcePosition {

    @Override
    public String split() {
        return split(topic, partition);
    }

    /** The split name of a partition: {@code topic/partition}. */
    static String split(String topic, int partition) {
        return topic + "/" + partition;
    }

    static String split(TopicPartition partition) {
        return split(partition.topic(), partition.partition());
    }

    TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
