package dev.tributary.kafka;

import dev.tributary.core.SampleStart;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampler's settings (the source builder's, without a group) and how it shares a sample over partitions. */
class KafkaSamplerTest {

    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);
    private static final TopicPartition P2 = new TopicPartition("t", 2);
    private static final List<TopicPartition> PARTITIONS = List.of(P0, P1, P2);
    /** Offsets 10..15 in p0, 0..3 in p1, none in p2. */
    private static final Map<TopicPartition, Long> BEGINNING = Map.of(P0, 10L, P1, 0L, P2, 7L);
    private static final Map<TopicPartition, Long> END = Map.of(P0, 16L, P1, 4L, P2, 7L);

    private static Map<String, List<Long>> ranges(int max, SampleStart start) {
        Map<String, List<Long>> printed = new TreeMap<>();
        KafkaSampler.ranges(PARTITIONS, BEGINNING, END, max, start)
                .forEach((partition, range) -> printed.put(partition.toString(), List.of(range[0], range[1])));
        return printed;
    }

    @Test
    void earliestSharesTheSampleFromEachPartitionsBeginning() {
        assertEquals(Map.of("t-0", List.of(10L, 11L)), ranges(1, SampleStart.EARLIEST), "one more to the first partition");
        assertEquals(Map.of("t-0", List.of(10L, 13L), "t-1", List.of(0L, 2L)), ranges(5, SampleStart.EARLIEST));
        assertEquals(Map.of("t-0", List.of(10L, 16L), "t-1", List.of(0L, 4L)), ranges(100, SampleStart.EARLIEST),
                "a partition with fewer leaves its share to the others; an empty one is left out");
        assertEquals(Map.of("t-0", List.of(10L, 15L), "t-1", List.of(0L, 4L)), ranges(9, SampleStart.EARLIEST));
    }

    @Test
    void latestSharesTheLastRecordsBackFromEachPartitionsEnd() {
        assertEquals(Map.of("t-0", List.of(13L, 16L), "t-1", List.of(2L, 4L)), ranges(5, SampleStart.LATEST));
        assertEquals(Map.of("t-0", List.of(10L, 16L), "t-1", List.of(0L, 4L)), ranges(100, SampleStart.LATEST));
    }

    @Test
    void emptyPartitionsGiveNoRanges() {
        assertTrue(KafkaSampler.ranges(List.of(P2), BEGINNING, END, 10, SampleStart.LATEST).isEmpty());
    }

    @Test
    void aSamplerNeedsNoGroupAndCannotCommit() {
        KafkaSampler sampler = KafkaSource.builder().bootstrapServers("127.0.0.1:9092").topics("events")
                .property("group.id", "someone-elses").property("group.instance.id", "i-1")
                .buildSampler(SampleStart.EARLIEST);
        Map<String, String> properties = sampler.describe();
        assertFalse(properties.containsKey("group.id"), properties.toString());
        assertFalse(properties.containsKey("group.instance.id"), properties.toString());
        assertEquals("false", properties.get("enable.auto.commit"));
        assertEquals("earliest", properties.get("auto.offset.reset"), "records deleted while sampling: the earliest kept");
        assertEquals("tributary-sampler", properties.get("client.id"));
        assertEquals(SampleStart.EARLIEST, sampler.start());
        assertEquals(KafkaVirtualColumns.ALL, sampler.virtualColumns());
        sampler.close();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> sampler.sample(1, java.time.Duration.ofSeconds(1)));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void theSourcesChecksApplyAndSecretsStayHidden() {
        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> KafkaSource.builder().topics("t").buildSampler(SampleStart.LATEST));
        assertTrue(unset.getMessage().contains("bootstrapServers is not set"), unset.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> KafkaSource.builder()
                .bootstrapServers("h:1").topics("t").topicPattern(Pattern.compile("t.*")).buildSampler(SampleStart.LATEST));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        assertThrows(NullPointerException.class, () -> KafkaSource.builder().bootstrapServers("h:1").topics("t").buildSampler(null));

        KafkaSampler sampler = KafkaPresets.confluentCloud("pkc-1.example:9092", "KEY", "s3cret-value").topics("t")
                .buildSampler(SampleStart.LATEST);
        assertFalse(sampler.toString().contains("s3cret-value"), sampler.toString());
        assertEquals("[hidden]", sampler.describe().get("sasl.jaas.config"));
        sampler.close();
    }
}
