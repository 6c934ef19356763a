package dev.tributary.kafka;

import dev.tributary.core.SourcePosition;
import org.apache.kafka.common.TopicPartition;

/** A record's place in Kafka: topic, partition, offset. Printed as {@code topic/partition@offset}. */
public record KafkaPosition(String topic, int partition, long offset) implements SourcePosition {

    @Override
    public String split() {
        return split(topic, partition);
    }

    /** By offset, within one topic partition. */
    @Override
    public int compareWithinSplit(SourcePosition other) {
        if (!(other instanceof KafkaPosition kafka) || kafka.partition != partition || !kafka.topic.equals(topic)) {
            throw new IllegalArgumentException("cannot order " + this + " against " + other + ": not the same Kafka partition");
        }
        return Long.compare(offset, kafka.offset);
    }

    /** The split name of a partition: {@code topic/partition}. */
    static String split(String topic, int partition) {
        return topic + "/" + partition;
    }

    static String split(TopicPartition partition) {
        return split(partition.topic(), partition.partition());
    }

    /** The partition a split name ({@code topic/partition}) stands for; a topic name cannot contain '/'. */
    static TopicPartition topicPartition(String split) {
        int slash = split.lastIndexOf('/');
        try {
            if (slash > 0) {
                return new TopicPartition(split.substring(0, slash), Integer.parseInt(split.substring(slash + 1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + split + "' is not a Kafka split (topic/partition)");
    }

    TopicPartition topicPartition() {
        return new TopicPartition(topic, partition);
    }

    @Override
    public String toString() {
        return topic + "/" + partition + "@" + offset;
    }
}
