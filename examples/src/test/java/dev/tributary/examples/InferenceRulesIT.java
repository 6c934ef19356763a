package dev.tributary.examples;

import dev.tributary.chdb.ChDbTarget;
import dev.tributary.core.SampleStart;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.clickhouse.ClickHouseTarget;
import dev.tributary.core.inference.ProposedColumn;
import dev.tributary.core.inference.SkippedField;
import dev.tributary.core.inference.TableProposal;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every inference rule through a real server: records with nested objects and nulls, map-like
 * objects, arrays of objects and of nullable numbers, dates, fractions of seconds, UUIDs, Booleans,
 * 70-bit integers, text mixed with numbers and names with back-quotes and line breaks get a table (typed for 18.16, and for the 26.5 engine)
 * that ingests every one of them with zero error rows.
 */
@ExtendWith(TestServers.class)
class InferenceRulesIT {

    private static final int RECORDS = 300;

    static String record(int i) {
        return String.format(Locale.ROOT, "{\"id\":%d,\"uid\":\"%s\",\"ok\":%b,\"score\":%s,\"big\":%s,"
                        + "\"when\":\"2024-01-01T00:%02d:%02d.%03dZ\",\"day\":\"2024-02-%02d\",\"tag\":\"%s\",\"note\":%s,"
                        + "\"mixed\":%s,\"attrs\":{\"k%d\":%d},\"user\":{\"name\":\"u%d\",\"age\":%s},"
                        + "\"items\":[{\"sku\":\"s%d\",\"qty\":%d}],\"nums\":[1,null,%d],\"maybe\":%s,\"empty\":[],"
                        + "\"odd`name\\n\":{\"we`ird key\":%d}}",
                i, new UUID(i, i * 31L), i % 2 == 0, i * 1.25, BigInteger.TWO.pow(70).add(BigInteger.valueOf(i)), i / 60, i % 60, i,
                i % 28 + 1, List.of("a", "b", "c").get(i % 3), i % 4 == 0 ? "null" : "\"n" + i + "\"",
                i % 2 == 0 ? Integer.toString(i) : "\"x" + i + "\"", i % 50, i, i, i % 2 == 0 ? "null" : Integer.toString(i),
                i, i, i, i % 3 == 0 ? "null" : "{\"a\":" + i + "}", i);
    }

    private static void produce(KafkaBroker kafka, String topic) throws Exception {
        Demo.createTopic(kafka, topic, 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.clientProperties(), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(topic, record(i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    /** Infers and creates the table on the target, then ingests the topic into it until drained. */
    private static Map.Entry<TableProposal, MetricsSnapshot> inferAndIngest(KafkaBroker kafka, String topic, String table,
                                                                           ClickHouseTarget target) throws Exception {
        InferTable.Result result = InferTable.run(new InferTable.Settings(kafka.bootstrapServers(), topic, null, table, RECORDS,
                SampleStart.EARLIEST, true, List.of(), Duration.ofSeconds(30)), target);
        Pipeline pipeline = Pipeline.builder()
                .name("rules-" + table)
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId("group-" + table)
                        .startingOffsets(StartingOffsets.EARLIEST).build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().target(target).table(table).build())
                .build();
        MetricsSnapshot metrics = Quickstart.watch(pipeline, new Quickstart.Settings(kafka.bootstrapServers(), topic,
                "group-" + table, null, table, true, Duration.ofSeconds(5)));
        return Map.entry(result.proposal(), metrics);
    }

    private static Map<String, String> types(TableProposal proposal) {
        return proposal.columns().stream().collect(Collectors.toMap(ProposedColumn::name, c -> c.type().toString()));
    }

    @Test
    void everyRuleIngestsWithZeroErrorsOn1816(KafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String table = "rules_" + System.nanoTime();
        produce(kafka, table);
        ClickHouseTarget target = dev.tributary.core.clickhouse.ClickHouseConnection.builder().endpoint(clickhouse.endpoint()).build();

        Map.Entry<TableProposal, MetricsSnapshot> run = inferAndIngest(kafka, table, table, target);

        Map<String, String> types = types(run.getKey());
        assertEquals("UInt8", types.get("ok"));
        assertEquals("DateTime", types.get("when"));
        assertEquals("String", types.get("big"));              // 70 bits: no Int128 on 18.16
        assertEquals("Tuple(name String, age Nullable(UInt32))", types.get("user")); // 1..299: 9 bits + 10 to spare
        assertEquals(List.of("items"), run.getKey().skipped().stream().map(SkippedField::name).toList());
        assertEquals("Tuple(`we\\`ird key` UInt32)", types.get("odd`name\n"));
        assertEquals(RECORDS, run.getValue().rowsInserted());
        assertEquals(0, run.getValue().errorsTotal());
        // note: null for i % 4 == 0; user.age: null for even i; attrs (a Tuple of k0..k49 here): {"k<i % 50>": i}.
        assertEquals(List.of(List.of(String.valueOf(RECORDS), "75", "150", "299")), clickhouse.sql().rows(
                "SELECT count(), countIf(note IS NULL), countIf(isNull(tupleElement(user, 2))), max(tupleElement(attrs, 50)) FROM "
                        + table));
    }

    @Test
    void everyRuleIngestsWithZeroErrorsOnTheEmbeddedEngine(KafkaBroker kafka, ChDb chdb) throws Exception {
        String table = "rules_" + System.nanoTime();
        produce(kafka, table);
        ChDbTarget target = ChDbTarget.builder().dataPath(chdb.dataPath()).libraryPath(chdb.library()).build();

        Map.Entry<TableProposal, MetricsSnapshot> run = inferAndIngest(kafka, table, table, target);

        Map<String, String> types = types(run.getKey());
        assertEquals("Bool", types.get("ok"));
        assertEquals("DateTime64(3)", types.get("when"));
        assertEquals("UInt128", types.get("big"));
        assertEquals("Map(String, UInt32)", types.get("attrs"));
        assertEquals("Array(Tuple(sku String, qty UInt32))", types.get("items"));
        assertEquals(List.of(), run.getKey().skipped());
        assertEquals("Tuple(`we\\`ird key` UInt32)", types.get("odd`name\n"));
        assertEquals(RECORDS, run.getValue().rowsInserted());
        assertEquals(0, run.getValue().errorsTotal());
        // note: null for i % 4 == 0; user.age: null for even i; attrs: {"k<i % 50>": i}; items: [{"qty": i}].
        assertEquals(List.of(List.of(String.valueOf(RECORDS), "75", "150", "299", "44850")), chdb.rows(
                "SELECT count(), countIf(note IS NULL), countIf(user.age IS NULL), max(attrs['k49']), sum(items[1].qty) FROM " + table));
    }
}
