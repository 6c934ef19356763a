package dev.tributary.kafka.reliability;

import dev.tributary.core.Decoder;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.KafkaTestData;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bad-input corpus through the real path: each case is produced to a Kafka topic between two
 * good records, read by {@link KafkaSource}, and ingested into ClickHouse 18.16. Every refused case
 * must be in the error table — at its own Kafka position, with its kind, a reason that says what is
 * wrong, and its raw key and value bytes — every accepted case in the table with the values decided
 * for it, every good record in the table, and the whole topic committed: the pipeline goes on.
 *
 * <p>A format is a decoder, a table and a corpus; JSON is the one here. Avro cases are meant to be
 * added as a second {@link Format} (Confluent-framed values, the same {@link CorpusCase} type and
 * checks).
 */
@ExtendWith(TestServers.class)
class BadInputCorpusIT {

    /** A payload format under test: how to decode it, the table's columns, the corpus and good records. */
    private record Format(String name, Supplier<Decoder> decoder, String columns, List<CorpusCase> cases,
                          java.util.function.IntFunction<byte[]> good) {
    }

    private static final Format JSON = new Format("json", JsonDecoder::create, JsonCorpus.TABLE_COLUMNS, JsonCorpus.cases(),
            JsonCorpus::good);

    @Test
    void everyJsonCaseEndsWhereItShouldAndThePipelineGoesOn(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        assertTrue(JSON.cases().size() >= 40, "at least 40 cases, was " + JSON.cases().size());
        assertTrue(JSON.cases().stream().filter(CorpusCase::isRefused).count() >= 40, "at least 40 refused cases");
        ingestAndCheck(JSON, kafka, clickhouse);
    }

    private static void ingestAndCheck(Format format, KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String topic = "corpus-" + format.name() + "-" + System.nanoTime();
        String table = "corpus_" + format.name() + "_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (" + format.columns() + ") ENGINE = MergeTree ORDER BY _offset");
        // One partition, so that every record's position is its offset; room for the 20 MiB cases.
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 1, Map.of("max.message.bytes", "67108864"));

        // Good, case, good, case, ..., good: every batch mixes them.
        List<CorpusCase> cases = format.cases();
        Map<Long, CorpusCase> caseAt = new HashMap<>();
        List<Long> goodOffsets = new ArrayList<>();
        Properties producerProperties = kafka.clientProperties();
        producerProperties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "67108864");
        producerProperties.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(128L << 20));
        producerProperties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i <= cases.size(); i++) {
                goodOffsets.add(producer.send(new ProducerRecord<>(topic, utf8("g" + i), format.good().apply(1000 + i)))
                        .get().offset());
                if (i < cases.size()) {
                    CorpusCase c = cases.get(i);
                    byte[] key = c.key() != null ? c.key() : utf8("c" + i);
                    caseAt.put(producer.send(new ProducerRecord<>(topic, key, c.value())).get().offset(), c);
                }
            }
        }
        long endOffset = goodOffsets.get(goodOffsets.size() - 1) + 1;

        KafkaSource source = KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic)
                .groupId("corpus-" + topic).maxPollRecords(50).build();
        try (Admin admin = Admin.create(kafka.clientProperties());
             Pipeline pipeline = Pipeline.builder().name("corpus-" + format.name()).source(source).decoder(format.decoder().get())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).maxRows(16)
                        .maxAge(Duration.ofMillis(300)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("the whole topic committed", Duration.ofMinutes(3),
                    () -> committedOffset(admin, "corpus-" + topic, new TopicPartition(topic, 0)) == endOffset);
            assertTrue(pipeline.failure() == null, "the pipeline did not fail: " + pipeline.failure());
        }

        // Every good record landed, once.
        assertEquals(goodOffsets.size(), sql.longValue("SELECT count() FROM " + table + " WHERE startsWith(name, 'good-')"));
        assertEquals(goodOffsets.size(), sql.longValue("SELECT uniqExact(id) FROM " + table + " WHERE startsWith(name, 'good-')"));
        long accepted = cases.stream().filter(c -> !c.isRefused()).count();
        assertEquals(goodOffsets.size() + accepted, sql.longValue("SELECT count() FROM " + table),
                "the table holds the good records and the accepted cases, nothing else");

        Map<String, List<String>> errors = new HashMap<>();
        for (List<String> row : sql.rows("SELECT position, error_kind, message, raw_value IS NULL,"
                + " if(length(raw_value) > 100000, concat('len:', toString(length(raw_value))), hex(raw_value)),"
                + " hex(raw_key), pipeline FROM " + table + "_errors")) {
            assertNull(errors.put(row.get(0), row), "one error row per position: " + row.get(0));
        }
        long refused = cases.stream().filter(CorpusCase::isRefused).count();
        assertEquals(refused, errors.size(), "one error row per refused case");

        List<String> failures = new ArrayList<>();
        for (Map.Entry<Long, CorpusCase> entry : caseAt.entrySet()) {
            long offset = entry.getKey();
            CorpusCase c = entry.getValue();
            String position = topic + "/0@" + offset;
            List<String> error = errors.get(position);
            if (c.outcome() instanceof CorpusCase.Refused expected) {
                checkRefused(c, expected, error, format, failures);
            } else if (c.outcome() instanceof CorpusCase.Lands expected) {
                if (error != null) {
                    failures.add(c.name() + ": expected to land, went to the error table: " + error.get(2));
                    continue;
                }
                List<List<String>> rows = sql.rows("SELECT " + String.join(", ", expected.expected().keySet())
                        + " FROM " + table + " WHERE _offset = " + offset);
                List<String> want = new ArrayList<>(expected.expected().values());
                if (rows.size() != 1 || !rows.get(0).equals(want)) {
                    failures.add(c.name() + ": expected one row " + want + ", found " + rows);
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases.size() + " cases ended wrong:\n"
                + String.join("\n", failures));
    }

    private static void checkRefused(CorpusCase c, CorpusCase.Refused expected, List<String> error, Format format,
                                     List<String> failures) {
        if (error == null) {
            failures.add(c.name() + ": expected in the error table, is not");
            return;
        }
        String reason = error.get(2).toLowerCase(Locale.ROOT);
        if (!error.get(1).equals(expected.kind())) {
            failures.add(c.name() + ": kind " + error.get(1) + ", expected " + expected.kind() + " (" + error.get(2) + ")");
        }
        for (String fragment : expected.reasonContains()) {
            if (!reason.contains(fragment.toLowerCase(Locale.ROOT))) {
                failures.add(c.name() + ": reason should mention '" + fragment + "': " + error.get(2));
            }
        }
        String rawValue = c.value() == null ? null : c.value().length > 100_000 ? "len:" + c.value().length
                : HexFormat.of().withUpperCase().formatHex(c.value());
        if (c.value() == null ? !error.get(3).equals("1") : !rawValue.equals(error.get(4))) {
            failures.add(c.name() + ": raw value not kept as it was");
        }
        if (c.key() != null && !HexFormat.of().withUpperCase().formatHex(c.key()).equals(error.get(5))) {
            failures.add(c.name() + ": raw key not kept as it was");
        }
        if (!error.get(6).equals("corpus-" + format.name())) {
            failures.add(c.name() + ": pipeline column is " + error.get(6));
        }
    }

    private static long committedOffset(Admin admin, String group, TopicPartition partition) {
        try {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(partition);
            return committed == null ? -1 : committed.offset();
        } catch (Exception e) {
            return -1;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
