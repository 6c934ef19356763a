package dev.tributary.kafka;

import dev.tributary.core.SourcePosition;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KafkaPositionTest {

    @Test
    void positionsOfOnePartitionAreOrderedByOffset() {
        KafkaPosition a = new KafkaPosition("events", 1, 10);
        assertEquals(-1, Integer.signum(a.compareWithinSplit(new KafkaPosition("events", 1, 11))));
        assertEquals(0, a.compareWithinSplit(new KafkaPosition("events", 1, 10)));
        assertEquals(1, Integer.signum(new KafkaPosition("events", 1, Long.MAX_VALUE).compareWithinSplit(a)));
    }

    @Test
    void positionsOfAnotherPartitionTopicOrSourceAreRefused() {
        KafkaPosition a = new KafkaPosition("events", 1, 10);
        assertThrows(IllegalArgumentException.class, () -> a.compareWithinSplit(new KafkaPosition("events", 2, 10)));
        assertThrows(IllegalArgumentException.class, () -> a.compareWithinSplit(new KafkaPosition("other", 1, 10)));
        SourcePosition foreign = () -> "events/1";
        assertThrows(IllegalArgumentException.class, () -> a.compareWithinSplit(foreign));
    }

    @Test
    void aSplitNameGivesItsPartitionBack() {
        assertEquals(new TopicPartition("my.topic-1", 12), KafkaPosition.topicPartition(new KafkaPosition("my.topic-1", 12, 0).split()));
        assertThrows(IllegalArgumentException.class, () -> KafkaPosition.topicPartition("no-partition"));
        assertThrows(IllegalArgumentException.class, () -> KafkaPosition.topicPartition("t/x"));
    }
}
