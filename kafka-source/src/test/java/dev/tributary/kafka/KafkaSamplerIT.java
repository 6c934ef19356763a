package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.SampleStart;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.Await;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.Loopback;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link KafkaSampler} on a real broker: the right records, with positions and virtual columns, and no trace left. */
@ExtendWith(TestServers.class)
class KafkaSamplerIT {

    /** Far beyond what any sample here takes: a sample that returns before it ended on its own. */
    private static final Duration LONG = Duration.ofMinutes(10);

    private static int sequence;

    private static String unique(String prefix) {
        return prefix + "_" + System.nanoTime() + "_" + (++sequence);
    }

    /** Message {@code id} into {@code partition}, keyed {@code k<id>}, with headers source=test and seq=<id>. */
    private static void produce(KafkaBroker kafka, String topic, int partition, long... ids) {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (long id : ids) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("source", "test".getBytes(StandardCharsets.UTF_8));
                headers.add("seq", Long.toString(id).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(topic, partition, ("k" + id).getBytes(StandardCharsets.UTF_8),
                        KafkaTestData.json(id).getBytes(StandardCharsets.UTF_8), headers));
            }
            producer.flush();
        }
    }

    /** A topic of three partitions: ids 0..4 in partition 0 (offsets 0..4), 100..102 in partition 1, none in 2. */
    private static String topicOfEightRecords(KafkaBroker kafka) throws Exception {
        String topic = unique("sampled");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 3);
        produce(kafka, topic, 0, 0, 1, 2, 3, 4);
        produce(kafka, topic, 1, 100, 101, 102);
        return topic;
    }

    private static KafkaSampler sampler(KafkaBroker kafka, String topic, SampleStart start) {
        return KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).buildSampler(start);
    }

    private static List<String> positions(List<SourceRecord> records) {
        return records.stream().map(record -> record.position().toString()).toList();
    }

    private static Set<String> groups(Admin admin) throws Exception {
        return admin.listGroups().all().get().stream().map(GroupListing::groupId).collect(Collectors.toSet());
    }

    @Test
    void earliestAndLatestGiveTheRightRecordsWithPositionsAndVirtualColumns(KafkaBroker kafka) throws Exception {
        String topic = topicOfEightRecords(kafka);
        long produced = System.currentTimeMillis();
        try (KafkaSampler earliest = sampler(kafka, topic, SampleStart.EARLIEST);
             KafkaSampler latest = sampler(kafka, topic, SampleStart.LATEST)) {
            List<SourceRecord> first = earliest.sample(4, LONG);
            assertEquals(List.of(topic + "/0@0", topic + "/0@1", topic + "/1@0", topic + "/1@1"), positions(first),
                    "four records shared over the two partitions that have some, from their beginnings");

            List<SourceRecord> last = latest.sample(5, LONG);
            assertEquals(List.of(topic + "/0@2", topic + "/0@3", topic + "/0@4", topic + "/1@1", topic + "/1@2"), positions(last));

            SourceRecord record = last.get(3); // id 101
            assertArrayEquals("k101".getBytes(StandardCharsets.UTF_8), record.key());
            assertEquals(KafkaTestData.json(101), new String(record.value(), StandardCharsets.UTF_8));
            assertEquals(topic, record.virtualColumn(KafkaVirtualColumns.TOPIC));
            assertEquals(1L, record.virtualColumn(KafkaVirtualColumns.PARTITION));
            assertEquals(1L, record.virtualColumn(KafkaVirtualColumns.OFFSET));
            assertArrayEquals("k101".getBytes(StandardCharsets.UTF_8), (byte[]) record.virtualColumn(KafkaVirtualColumns.KEY));
            assertEquals(List.of("source", "seq"), record.virtualColumn(KafkaVirtualColumns.HEADER_KEYS));
            List<?> headerValues = (List<?>) record.virtualColumn(KafkaVirtualColumns.HEADER_VALUES);
            assertEquals(List.of("test", "101"), headerValues.stream()
                    .map(value -> new String((byte[]) value, StandardCharsets.UTF_8)).toList());
            assertArrayEquals(record.value(), (byte[]) record.virtualColumn(KafkaVirtualColumns.RAW_MESSAGE));
            Instant timestamp = (Instant) record.virtualColumn(KafkaVirtualColumns.TIMESTAMP);
            assertTrue(Math.abs(timestamp.toEpochMilli() - produced) < 600_000, "the record's own time: " + timestamp);

            // More than the topic holds: all of it, and the sample ends once every partition has given its records.
            List<SourceRecord> all = assertTimeoutPreemptively(Duration.ofMinutes(1), () -> earliest.sample(100, LONG));
            assertEquals(8, all.size());
            assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 100L, 101L, 102L), all.stream()
                    .map(r -> Long.parseLong(new String(r.key(), StandardCharsets.UTF_8).substring(1))).toList());

            produce(kafka, topic, 2, 200);
            assertEquals(List.of(topic + "/0@4", topic + "/1@2", topic + "/2@0"), positions(latest.sample(3, LONG)),
                    "a second sample sees what was written since");
        }
    }

    @Test
    void aPatternSamplesEveryMatchingTopic(KafkaBroker kafka) throws Exception {
        String prefix = unique("pattern");
        for (int t = 0; t < 2; t++) {
            KafkaTestData.createTopic(kafka.clientProperties(), prefix + "-" + t, 1);
            produce(kafka, prefix + "-" + t, 0, t * 10L, t * 10L + 1);
        }
        try (KafkaSampler sampler = KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                .topicPattern(Pattern.compile(Pattern.quote(prefix) + "-.*")).buildSampler(SampleStart.EARLIEST)) {
            assertEquals(List.of(prefix + "-0/0@0", prefix + "-0/0@1", prefix + "-1/0@0", prefix + "-1/0@1"),
                    positions(sampler.sample(10, LONG)));
        }
    }

    @Test
    void samplingCommitsNothingAndJoinsNoGroupWhileAPipelineRuns(KafkaBroker kafka, ClickHouseServer clickhouse)
            throws Exception {
        String topic = topicOfEightRecords(kafka);
        String table = unique("sampled");
        String group = unique("group");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        try (Admin admin = Admin.create(kafka.clientProperties());
             Pipeline pipeline = Pipeline.builder().name("sampled").decoder(JsonDecoder.create())
                     .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId(group).build())
                     .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                             .maxAge(Duration.ofMillis(200)).build())
                     .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            Await.await("the pipeline's 8 records committed", Duration.ofMinutes(1),
                    () -> KafkaTestData.committedTotal(kafka.clientProperties(), group) == 5 + 3);
            Map<TopicPartition, OffsetAndMetadata> committedBefore =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Set<String> groupsBefore = groups(admin);
            assertTrue(groupsBefore.contains(group), groupsBefore.toString());

            for (SampleStart start : SampleStart.values()) {
                try (KafkaSampler sampler = sampler(kafka, topic, start)) {
                    assertEquals(8, sampler.sample(100, LONG).size(), start.toString());
                    assertEquals(3, sampler.sample(3, LONG).size(), start.toString());
                }
            }

            assertEquals(groupsBefore, groups(admin), "no consumer group made by sampling");
            assertEquals(committedBefore, admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(),
                    "the pipeline's committed offsets untouched");
            assertEquals(8, sql.longValue("SELECT count() FROM " + table), "the pipeline read each record once");
        }
    }

    @Test
    void anEmptyTopicGivesAnEmptySampleAtOnce(KafkaBroker kafka) throws Exception {
        String topic = unique("empty");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        for (SampleStart start : SampleStart.values()) {
            try (KafkaSampler sampler = sampler(kafka, topic, start)) {
                long began = System.nanoTime();
                List<SourceRecord> none = assertTimeoutPreemptively(Duration.ofMinutes(1), () -> sampler.sample(10, LONG));
                assertEquals(List.of(), none);
                System.out.printf("empty topic, %s: sample returned in %d ms%n", start, (System.nanoTime() - began) / 1_000_000);
            }
        }
    }

    @Test
    void aMissingTopicIsRefusedByName(KafkaBroker kafka) {
        String topic = unique("missing");
        try (KafkaSampler sampler = sampler(kafka, topic, SampleStart.EARLIEST)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> sampler.sample(10, LONG));
            assertEquals("KafkaSampler: topic '" + topic + "' does not exist on " + kafka.bootstrapServers()
                    + "; check the topic name (topics(...))", refused.getMessage());
        }
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            assertFalse(topicNames(admin).contains(topic), "sampling created no topic");
        }
    }

    private static Set<String> topicNames(Admin admin) {
        try {
            return admin.listTopics().names().get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void unreachableBrokersFailWithinTheTimeoutNamingThemButNoSecret() {
        String bootstrap = Loopback.HOST + ":" + Loopback.freePort();
        try (KafkaSampler sampler = KafkaSource.builder().bootstrapServers(bootstrap).topics("t")
                .securityProtocol("SASL_PLAINTEXT").saslPlain("user", "s3cret-password").buildSampler(SampleStart.LATEST)) {
            IllegalStateException failed = assertThrows(IllegalStateException.class,
                    () -> sampler.sample(10, Duration.ofSeconds(2)));
            assertEquals("KafkaSampler: no broker at " + bootstrap + " answered within 2 s; check bootstrapServers and the"
                    + " security settings", failed.getMessage());
            for (Throwable cause = failed; cause != null; cause = cause.getCause()) {
                assertFalse(String.valueOf(cause.getMessage()).contains("s3cret-password"), cause.toString());
            }
        }
    }
}
