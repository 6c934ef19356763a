package dev.tributary.examples;

import dev.tributary.chdb.ChDbTarget;
import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.PendingRange;
import dev.tributary.core.Pipeline;
import dev.tributary.core.RecordCodec;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.WithZooKeeper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exactly-once from Kafka into ClickHouse, end to end, through the crash that makes at-least-once
 * write twice: every insert lands but no landing commit reaches Kafka (the process dies between the
 * insert and the commit), so the committed offsets still name the last ranges as pending. The next
 * run replays them as they were, and ClickHouse drops them: every good message is one row, every bad
 * one is one error row. On 18.16 a ReplicatedMergeTree drops a block seen before by its content; on
 * the 26.5 engine a MergeTree with a deduplication window drops an insert whose token it has seen.
 */
@ExtendWith(TestServers.class)
class ExactlyOnceKafkaIT {

    private static final int MESSAGES = 3_000;
    private static final int BAD_EVERY = 50;

    @Test
    void landedButUncommittedRangesAreReplayedAndDroppedOn1816Replicated(
            KafkaBroker kafka, @WithZooKeeper ClickHouseServer clickhouse) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String table = "eos_" + suffix;
        clickhouse.sql().execute("CREATE TABLE " + table + " (id UInt64, _partition UInt64, _offset UInt64) ENGINE = "
                + clickhouse.replicatedMergeTree(table) + " ORDER BY id");
        run(kafka, suffix, () -> ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table),
                sql -> clickhouse.sql().rows(sql).get(0));
    }

    @Test
    void landedButUncommittedRangesAreReplayedAndDroppedOn265WithTokens(KafkaBroker kafka, ChDb chdb) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String table = "eos_" + suffix;
        // No _partition/_offset: with tokens, identical rows at other positions are no duplicates.
        chdb.execute("CREATE TABLE " + table + " (id UInt64) ENGINE = MergeTree ORDER BY id"
                + " SETTINGS non_replicated_deduplication_window = 1000");
        ChDbTarget target = ChDbTarget.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library()).build();
        run(kafka, suffix, () -> ClickHouseSink.builder().target(target).table(table),
                sql -> chdb.rows(sql).get(0));
    }

    private interface SinkSettings {
        ClickHouseSink.Builder get();
    }

    private void run(KafkaBroker kafka, String suffix, SinkSettings sink, Function<String, List<String>> row) throws Exception {
        String topic = "eos-" + suffix;
        String table = "eos_" + suffix;
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        produce(kafka, topic);
        long good = MESSAGES - MESSAGES / BAD_EVERY;
        String group = "eos-" + suffix;

        // First run: every insert lands, no landing commit does.
        LandingCommitsFail crashing = new LandingCommitsFail(source(kafka, topic, group));
        try (Pipeline first = pipeline(crashing, sink.get())) {
            first.start();
            await("every message in ClickHouse", Duration.ofMinutes(1), () -> count(row, table) == MESSAGES);
        }
        assertTrue(crashing.failed > 0, "landing commits failed");
        Map<Integer, String> metadata = committedMetadata(kafka, group, topic);
        assertTrue(metadata.values().stream().anyMatch(m -> m.startsWith("tributary-eos/1 ")),
                "ranges that landed are still pending in Kafka: " + metadata);

        // Second run: replays them; ClickHouse drops every one.
        try (Pipeline second = pipeline(source(kafka, topic, group), sink.get())) {
            second.start();
            await("no range pending any more", Duration.ofMinutes(1),
                    () -> committedMetadata(kafka, group, topic).values().stream().allMatch(String::isEmpty));
            second.stop();
            assertTrue(second.awaitTermination(Duration.ofMinutes(1)));
            assertTrue(second.metrics().recordsRead() > 0, "the second run replayed the pending ranges");
        }
        assertEquals(List.of(Long.toString(good), Long.toString(good)),
                row.apply("SELECT count(), uniqExact(id) FROM " + table), "every good message once");
        assertEquals(List.of(Long.toString(MESSAGES / BAD_EVERY), Long.toString(MESSAGES / BAD_EVERY)),
                row.apply("SELECT count(), uniqExact(raw_value) FROM " + table + "_errors"), "every bad message once");
    }

    private static long count(Function<String, List<String>> row, String table) {
        try {
            List<String> counts = row.apply("SELECT (SELECT count() FROM " + table + "), (SELECT count() FROM " + table + "_errors)");
            return Long.parseLong(counts.get(0)) + Long.parseLong(counts.get(1));
        } catch (RuntimeException e) {
            return -1; // the error table is created at open
        }
    }

    private static KafkaSource source(KafkaBroker kafka, String topic, String group) {
        return KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId(group)
                .startingOffsets(StartingOffsets.EARLIEST)
                .property("max.poll.records", "100") // many small ranges, several in flight
                .build();
    }

    private static Pipeline pipeline(Source source, ClickHouseSink.Builder sink) {
        return Pipeline.builder().name("eos").source(source).decoder(JsonDecoder.create())
                .sink(sink.maxRows(200).maxAge(Duration.ofMillis(200)).build())
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .metricsLogInterval(Duration.ZERO).build();
    }

    private static void produce(KafkaBroker kafka, String topic) throws Exception {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int id = 0; id < MESSAGES; id++) {
                String value = id % BAD_EVERY == BAD_EVERY - 1 ? "bad message " + id : "{\"id\": " + id + "}";
                producer.send(new ProducerRecord<>(topic, Integer.toString(id).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static Map<Integer, String> committedMetadata(KafkaBroker kafka, String group, String topic) {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            Map<Integer, String> metadata = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().forEach((partition, offset) -> {
                if (partition.topic().equals(topic)) {
                    metadata.put(partition.partition(), offset == null ? "" : offset.metadata());
                }
            });
            return metadata;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A Kafka source whose commits that only settle ranges fail, as if the process died right after
     * each insert; commits that record a new range succeed, so what Kafka keeps is exactly what a
     * crashed pipeline leaves behind.
     */
    private static final class LandingCommitsFail implements Source {
        private final Source delegate;
        private final Map<String, List<PendingRange>> recorded = new HashMap<>();
        int failed;

        LandingCommitsFail(Source delegate) {
            this.delegate = delegate;
        }

        @Override
        public void commit(Collection<SourcePosition> positions, Map<String, List<PendingRange>> pending) {
            boolean recordsNew = pending.entrySet().stream().anyMatch(e ->
                    !recorded.getOrDefault(e.getKey(), List.of()).containsAll(e.getValue()));
            if (!recordsNew) {
                failed++;
                throw new IllegalStateException("the process died before this commit");
            }
            delegate.commit(positions, pending);
            recorded.putAll(pending);
        }

        @Override
        public boolean supportsExactlyOnce() {
            return delegate.supportsExactlyOnce();
        }

        @Override
        public List<PendingRange> pendingRanges(String split) {
            return delegate.pendingRanges(split);
        }

        @Override
        public void open(SourceContext context) {
            delegate.open(context);
        }

        @Override
        public List<SourceRecord> poll(Duration timeout) {
            return delegate.poll(timeout);
        }

        @Override
        public void pause() {
            delegate.pause();
        }

        @Override
        public void resume() {
            delegate.resume();
        }

        @Override
        public void commit(Collection<SourcePosition> positions) {
            throw new AssertionError("exactly-once commits carry their pending ranges");
        }

        @Override
        public void wakeup() {
            delegate.wakeup();
        }

        @Override
        public List<VirtualColumn> virtualColumns() {
            return delegate.virtualColumns();
        }

        @Override
        public RecordCodec recordCodec() {
            return delegate.recordCodec();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
