package dev.tributary.kafka;

import dev.tributary.core.PendingRange;
import dev.tributary.core.PendingRangesText;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitListener;
import dev.tributary.kafka.reliability.LogCapture;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once on the Kafka side, against the broker: pending ranges live in the committed offset's
 * metadata, the next owner of a partition (after a restart or a rebalance) finds exactly them when it
 * is assigned and resumes at the first one, landing commits move the offset and the ranges, foreign
 * metadata gives no ranges and a WARN, and the text stays within what brokers keep.
 */
@ExtendWith(TestServers.class)
class KafkaExactlyOnceSourceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static int sequence;

    private static String unique(String prefix) {
        return prefix + "-" + System.nanoTime() + "-" + (++sequence);
    }

    /** A source with a listener that asks for the pending ranges at the moment each split is reported assigned. */
    private static final class Member implements SplitListener, AutoCloseable {
        final KafkaSource source;
        final Set<String> assigned = ConcurrentHashMap.newKeySet();
        final Map<String, List<PendingRange>> pendingAtAssignment = new HashMap<>();
        /** The first offset polled per split since its assignment. */
        final Map<String, Long> firstPolled = new HashMap<>();

        Member(KafkaBroker kafka, String topic, String group) {
            source = KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId(group)
                    .property(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5").build();
            source.open(new SourceContext() {
                @Override
                public String pipelineName() {
                    return "eos-it";
                }

                @Override
                public SplitListener splitListener() {
                    return Member.this;
                }
            });
        }

        @Override
        public void onSplitsAssigned(Collection<String> splits) {
            for (String split : splits) {
                pendingAtAssignment.put(split, source.pendingRanges(split));
                firstPolled.remove(split);
            }
            assigned.addAll(splits);
        }

        @Override
        public void onSplitsRevoked(Collection<String> splits) {
            assigned.removeAll(splits);
            splits.forEach(firstPolled::remove);
        }

        @Override
        public void onSplitsLost(Collection<String> splits) {
            onSplitsRevoked(splits);
        }

        void pollOnce() {
            for (SourceRecord record : source.poll(Duration.ofMillis(50))) {
                KafkaPosition position = (KafkaPosition) record.position();
                firstPolled.putIfAbsent(position.split(), position.offset());
            }
        }

        /** Polls until these splits are assigned and a record of each was read. */
        void pollUntilReading(Set<String> splits) throws InterruptedException {
            await("records of " + splits, TIMEOUT, () -> {
                pollOnce();
                return assigned.equals(splits) && firstPolled.keySet().containsAll(splits);
            });
        }

        @Override
        public void close() {
            source.close();
        }
    }

    private static PendingRange range(String topic, int partition, long first, long last, long sealedAt) {
        return new PendingRange(new KafkaPosition(topic, partition, first), new KafkaPosition(topic, partition, last), sealedAt);
    }

    private static void produce(KafkaBroker kafka, String topic, int partitions, int perPartition) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int partition = 0; partition < partitions; partition++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, partition, null, KafkaTestData.json(i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(KafkaBroker kafka, String group) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        }
    }

    private static void assertCommitted(Map<TopicPartition, OffsetAndMetadata> committed, TopicPartition partition, long offset,
                                        String metadata) {
        assertEquals(new OffsetAndMetadata(offset, metadata), committed.get(partition), "committed for " + partition);
    }

    @Test
    void theNextOwnerFindsExactlyThePendingRangesAtAssignmentResumesAtTheFirstAndLandingCommitsMoveThem(KafkaBroker kafka)
            throws Exception {
        String topic = unique("eos-restart");
        String group = unique("group");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        produce(kafka, topic, 2, 30);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        String s0 = topic + "/0";
        String s1 = topic + "/1";
        List<PendingRange> pending0 = List.of(range(topic, 0, 5, 9, 1_764_337_200_000L), range(topic, 0, 10, 19, 1_764_337_200_500L));
        List<PendingRange> pending1 = List.of(range(topic, 1, 0, 6, 1_764_337_201_000L));

        try (Member first = new Member(kafka, topic, group)) {
            assertTrue(first.source.supportsExactlyOnce());
            first.pollUntilReading(Set.of(s0, s1));
            assertEquals(Map.of(s0, List.of(), s1, List.of()), first.pendingAtAssignment, "a new group has nothing pending");
            first.source.commit(List.of(new KafkaPosition(topic, 0, 4)), Map.of(s0, pending0, s1, pending1));
        }
        Map<TopicPartition, OffsetAndMetadata> afterFirst = committed(kafka, group);
        assertCommitted(afterFirst, p0, 5, "tributary-eos/1 1764337200000:5-9,1764337200500:10-19");
        assertCommitted(afterFirst, p1, 0, "tributary-eos/1 1764337201000:0-6");

        try (Member second = new Member(kafka, topic, group)) {
            second.pollUntilReading(Set.of(s0, s1));
            assertEquals(Map.of(s0, pending0, s1, pending1), second.pendingAtAssignment,
                    "the ranges, known when the splits were reported assigned");
            assertEquals(Map.of(s0, 5L, s1, 0L), second.firstPolled, "resumed at each first range's first offset");

            // The first range of p0 landed: the offset moves past it, the second range stays.
            second.source.commit(List.of(new KafkaPosition(topic, 0, 9)), Map.of(s0, pending0.subList(1, 2)));
            Map<TopicPartition, OffsetAndMetadata> afterLanding = committed(kafka, group);
            assertCommitted(afterLanding, p0, 10, "tributary-eos/1 1764337200500:10-19");
            assertCommitted(afterLanding, p1, 0, "tributary-eos/1 1764337201000:0-6");

            // p1 named with no ranges and no new position: its offset stays, its ranges go.
            second.source.commit(List.of(), Map.of(s1, List.of()));
            assertCommitted(committed(kafka, group), p1, 0, "");

            // Everything landed.
            second.source.commit(List.of(new KafkaPosition(topic, 0, 19), new KafkaPosition(topic, 1, 6)), Map.of());
            Map<TopicPartition, OffsetAndMetadata> allLanded = committed(kafka, group);
            assertCommitted(allLanded, p0, 20, "");
            assertCommitted(allLanded, p1, 7, "");

            // An at-least-once commit leaves no ranges behind either.
            second.source.commit(List.of(), Map.of(s0, List.of(range(topic, 0, 20, 29, 1_764_337_202_000L))));
            assertCommitted(committed(kafka, group), p0, 20, "tributary-eos/1 1764337202000:20-29");
            second.source.commit(List.of(new KafkaPosition(topic, 0, 29)));
            assertCommitted(committed(kafka, group), p0, 30, "");
        }
    }

    @Test
    void aPartitionThatMovesToAnotherMemberCarriesItsPendingRanges(KafkaBroker kafka) throws Exception {
        String topic = unique("eos-rebalance");
        String group = unique("group");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        produce(kafka, topic, 2, 20);
        String s0 = topic + "/0";
        String s1 = topic + "/1";
        Map<String, List<PendingRange>> pending = Map.of(
                s0, List.of(range(topic, 0, 0, 9, 1_000L)),
                s1, List.of(range(topic, 1, 3, 7, 2_000L), range(topic, 1, 8, 12, 3_000L)));
        try (Member one = new Member(kafka, topic, group)) {
            one.pollUntilReading(Set.of(s0, s1));
            one.source.commit(List.of(new KafkaPosition(topic, 1, 2)), pending);
            try (Member other = new Member(kafka, topic, group)) {
                one.pendingAtAssignment.clear();
                await("the partitions shared by the two members", TIMEOUT, () -> {
                    one.pollOnce();
                    other.pollOnce();
                    return one.assigned.size() == 1 && other.assigned.size() == 1
                            && one.firstPolled.keySet().equals(one.assigned) && other.firstPolled.keySet().equals(other.assigned);
                });
                for (Member member : List.of(one, other)) {
                    String split = member.assigned.iterator().next();
                    assertEquals(Map.of(split, pending.get(split)), member.pendingAtAssignment, "found at assignment of " + split);
                    long firstPending = ((KafkaPosition) pending.get(split).get(0).first()).offset();
                    assertEquals(Map.of(split, firstPending), member.firstPolled, "resumed at the first pending offset of " + split);
                }
            }
        }
    }

    @Test
    void pendingRecordsDeletedByRetentionAreReportedAndTheRestIsReadOn(KafkaBroker kafka) throws Exception {
        String topic = unique("eos-retention");
        String group = unique("group");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 1);
        produce(kafka, topic, 1, 20);
        TopicPartition p0 = new TopicPartition(topic, 0);
        String s0 = topic + "/0";
        List<PendingRange> pending = List.of(range(topic, 0, 5, 9, 1_000L), range(topic, 0, 10, 14, 2_000L));
        try (Member first = new Member(kafka, topic, group)) {
            first.pollUntilReading(Set.of(s0));
            first.source.commit(List.of(new KafkaPosition(topic, 0, 4)), Map.of(s0, pending));
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.deleteRecords(Map.of(p0, org.apache.kafka.clients.admin.RecordsToDelete.beforeOffset(8))).all().get();
        }
        try (LogCapture log = LogCapture.start(); Member member = new Member(kafka, topic, group)) {
            member.pollUntilReading(Set.of(s0));
            assertEquals(Map.of(s0, pending), member.pendingAtAssignment, "the ranges as committed");
            assertEquals(Map.of(s0, 8L), member.firstPolled, "read on at the first retained record, within the first range");
            String text = log.text();
            assertTrue(text.contains("partition " + s0 + ": records of the pending ranges [" + s0 + "@5.." + s0 + "@9]"
                    + " were deleted by retention"), text);
        }
    }

    @Test
    void foreignOrGarbledMetadataIsNoPendingRangesAndAWarningNamingThePartition(KafkaBroker kafka) throws Exception {
        String topic = unique("eos-foreign");
        String group = unique("group");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        produce(kafka, topic, 2, 10);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        try (KafkaConsumer<byte[], byte[]> plain = plainConsumer(kafka, group)) {
            plain.assign(List.of(p0, p1));
            plain.commitSync(Map.of(p0, new OffsetAndMetadata(3, "written by another tool"),
                    p1, new OffsetAndMetadata(4, "tributary-eos/1 1:4-x")));
        }
        try (LogCapture log = LogCapture.start(); Member member = new Member(kafka, topic, group)) {
            member.pollUntilReading(Set.of(topic + "/0", topic + "/1"));
            assertEquals(Map.of(topic + "/0", List.of(), topic + "/1", List.of()), member.pendingAtAssignment);
            assertEquals(Map.of(topic + "/0", 3L, topic + "/1", 4L), member.firstPolled, "read on from the committed offsets");
            String text = log.text();
            assertTrue(text.contains("WARN") && text.contains("partition " + topic + "/0: the metadata 'written by another tool'")
                    && text.contains("not written by Tributary"), text);
            assertTrue(text.contains("partition " + topic + "/1: the metadata 'tributary-eos/1 1:4-x'")
                    && text.contains("range 1 '1:4-x' is not"), text);
        }
    }

    @Test
    void theMetadataMayFillWhatTheBrokersKeepButNoMore(KafkaBroker kafka) throws Exception {
        String topic = unique("eos-bound");
        String group = unique("group");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 1);
        produce(kafka, topic, 1, 5);
        TopicPartition p0 = new TopicPartition(topic, 0);
        List<PendingRange> fits = rangesEncodedIn(topic, PendingRangesMetadata.MAX_BYTES);
        List<PendingRange> tooMany = rangesEncodedIn(topic, PendingRangesMetadata.MAX_BYTES + 1);
        // The bound is the broker's: its default offset.metadata.max.bytes refuses one byte more.
        try (KafkaConsumer<byte[], byte[]> plain = plainConsumer(kafka, group)) {
            plain.assign(List.of(p0));
            String oneByteTooLong = "x".repeat(PendingRangesMetadata.MAX_BYTES + 1);
            assertThrows(OffsetMetadataTooLarge.class, () -> plain.commitSync(Map.of(p0, new OffsetAndMetadata(0, oneByteTooLong))));
        }
        try (Member member = new Member(kafka, topic, group)) {
            member.pollUntilReading(Set.of(topic + "/0"));
            member.source.commit(List.of(), Map.of(topic + "/0", fits));
            OffsetAndMetadata kept = committed(kafka, group).get(p0);
            assertEquals(PendingRangesMetadata.MAX_BYTES, kept.metadata().length());
            assertEquals(fits, PendingRangesMetadata.decode(p0, kept.offset(), kept.metadata()).ranges());

            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> member.source.commit(List.of(), Map.of(topic + "/0", tooMany)));
            assertTrue(error.getMessage().contains("lower maxInFlightBatches") && error.getMessage().contains(topic + "/0"),
                    error.getMessage());
            assertEquals(kept, committed(kafka, group).get(p0), "nothing committed");
        }
    }

    /** Ranges whose metadata is exactly {@code bytes} long (seal times of fewer digits fill the gap). */
    private static List<PendingRange> rangesEncodedIn(String topic, int bytes) {
        List<PendingRange> ranges = new ArrayList<>();
        int length = PendingRangesText.VERSION.length(); // the first entry's "," stands for the blank
        long sealedAt = 1_764_337_200_000L; // 13 digits; entries are ",<13>:<first>-<last>"
        for (long offset = 1_000_000_000L; length < bytes; offset += 10) {
            ranges.add(range(topic, 0, offset, offset + 9, sealedAt));
            length += 1 + 13 + 1 + 10 + 1 + 10;
        }
        int excess = length - bytes;
        for (int i = 0; excess > 0; i++) {
            int shorter = Math.min(12, excess);
            PendingRange r = ranges.get(i);
            ranges.set(i, new PendingRange(r.first(), r.last(), pow10(12 - shorter)));
            excess -= shorter;
        }
        TopicPartition partition = new TopicPartition(topic, 0);
        if (bytes <= PendingRangesMetadata.MAX_BYTES) {
            assertEquals(bytes, PendingRangesMetadata.encode(partition, ranges).length());
        }
        return ranges;
    }

    private static long pow10(int exponent) {
        long value = 1;
        for (int i = 0; i < exponent; i++) {
            value *= 10;
        }
        return value;
    }

    private static KafkaConsumer<byte[], byte[]> plainConsumer(KafkaBroker kafka, String group) {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
