package dev.tributary.examples;

import dev.tributary.avro.SchemaRegistryClient;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile records among good ones, ingested by the README's pipeline in a JVM with a small heap
 * ({@link SmallHeapPipeline} in a child process), against the real Kafka and ClickHouse 18.16.
 * Before the bounds, one 40-byte {@code {"title": 1e999999999}} ran that JVM out of memory with
 * nothing committed (and again at every restart), and {@code 1e-99999999} into an integer or
 * DateTime column cost minutes of CPU.
 */
@ExtendWith(TestServers.class)
class SmallHeapHostileRecordsIT {

    /** Columns of the hostile-records table; {@code _offset} is the Kafka offset. */
    private static final String COLUMNS = "_offset UInt64, id UInt64, name String, small UInt8, big Int64, ratio Float64,"
            + " price Decimal(9, 2), wide Decimal(38, 10), day Date, at DateTime, tags Array(UInt16)";
    /** What a hostile record must cost at most (measured: milliseconds; before: minutes, or the heap). */
    private static final long MAX_MILLIS_PER_RECORD = 1_000;

    /** A hostile record and where it must end: refused (kind and reason) or landed (expression = value). */
    private record Hostile(String name, String json, String kind, String reasonOrExpression, String landedValue) {
        static Hostile refused(String name, String json, String kind, String reason) {
            return new Hostile(name, json, kind, reason, null);
        }

        static Hostile lands(String name, String json, String expression, String value) {
            return new Hostile(name, json, null, expression, value);
        }
    }

    private static List<Hostile> hostileRecords() {
        String m = "MAPPING";
        String d = "DECODE";
        List<Hostile> all = new ArrayList<>(List.of(
                Hostile.refused("1e-99999999 into UInt64", "{\"id\": 1e-99999999}", m, "not an integer"),
                Hostile.refused("1e-99999999 into UInt8", "{\"id\": 1, \"small\": 1e-99999999}", m, "not an integer"),
                Hostile.refused("-1e-99999999 into Int64", "{\"id\": 1, \"big\": -1e-99999999}", m, "not an integer"),
                Hostile.refused("1e999999999 into Int64", "{\"id\": 1, \"big\": 1e999999999}", m, "out of range"),
                Hostile.refused("1e2147483647 into Int64", "{\"id\": 1, \"big\": 1e2147483647}", m, "out of range"),
                Hostile.refused("1e-99999999 into Date", "{\"id\": 1, \"day\": 1e-99999999}", m, "not an integer"),
                Hostile.refused("1e999999999 into Date", "{\"id\": 1, \"day\": 1e999999999}", m, "out of range"),
                Hostile.refused("1e999999999 into DateTime", "{\"id\": 1, \"at\": 1e999999999}", m, "out of range"),
                Hostile.refused("1e999999999 into Decimal(9, 2)", "{\"id\": 1, \"price\": 1e999999999}", m, "too many digits"),
                Hostile.refused("1e-999999999 into Decimal(9, 2)", "{\"id\": 1, \"price\": 1e-999999999}", m,
                        "too many digits after the point"),
                Hostile.refused("1e-2147483647 into Decimal(38, 10)", "{\"id\": 1, \"wide\": 1e-2147483647}", m,
                        "too many digits after the point"),
                Hostile.refused("1e999999999 in an Array(UInt16)", "{\"id\": 1, \"tags\": [1, 1e999999999]}", m, "out of range"),
                Hostile.refused("a megabyte of digits into Int64", "{\"id\": 1, \"big\": \"" + "9".repeat(1 << 20) + "\"}", m,
                        "too long for a number"),
                Hostile.refused("a megabyte of digits into Decimal(38, 10)", "{\"id\": 1, \"wide\": \"0." + "0".repeat(1 << 20)
                        + "1\"}", m, "too long for a number"),
                Hostile.refused("arrays 100,000 deep in a read column", "{\"id\": 1, \"tags\": " + "[".repeat(100_000)
                        + "]".repeat(100_000) + "}", d, "nesting depth"),
                Hostile.refused("objects 100,000 deep in a field no column reads", "{\"id\": 1, \"zz\": "
                        + "{\"a\": ".repeat(100_000) + "1" + "}".repeat(100_000) + "}", d, "nesting depth"),
                Hostile.lands("1e999999999 into String", "{\"id\": 9001, \"name\": 1e999999999}", "name", "1E+999999999"),
                Hostile.lands("-1e-99999999 into String", "{\"id\": 9002, \"name\": -1e-99999999}", "name", "-1E-99999999"),
                Hostile.lands("1e-99999999 into DateTime (less than a second: the epoch)", "{\"id\": 9003, \"at\": 1e-99999999}",
                        "toUInt32(at)", "0"),
                Hostile.lands("1e999999999 into Float64", "{\"id\": 9004, \"ratio\": 1e999999999}", "ratio", "inf"),
                Hostile.lands("-1e-999999999 into Float64", "{\"id\": 9005, \"ratio\": -1e-999999999}", "ratio", "-0")));
        return all;
    }

    private static String good(int n) {
        return "{\"id\": " + n + ", \"name\": \"good-" + n + "\", \"small\": 7, \"big\": -" + n + ", \"ratio\": 0.5,"
                + " \"price\": 1.25, \"wide\": 12.5, \"day\": \"2024-02-29\", \"at\": \"2024-02-29T12:00:00Z\", \"tags\": [1, 2]}";
    }

    @Test
    void underAQuarterGigabyteEveryGoodRecordLandsAndEveryHostileOneIsDecidedInMilliseconds(KafkaBroker kafka,
            ClickHouseServer clickhouse) throws Exception {
        String topic = "hostile-" + System.nanoTime();
        String table = "hostile_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (" + COLUMNS + ") ENGINE = MergeTree ORDER BY _offset");
        List<Hostile> hostile = hostileRecords();

        // good, hostile, good, hostile, ..., good
        List<byte[]> values = new ArrayList<>();
        Map<Long, Hostile> hostileAt = new LinkedHashMap<>();
        int goodCount = 0;
        for (Hostile h : hostile) {
            values.add(utf8(good(goodCount++)));
            hostileAt.put((long) values.size(), h);
            values.add(utf8(h.json()));
        }
        values.add(utf8(good(goodCount++)));
        produce(kafka, topic, values);

        Child child = Child.start("-Xmx256m", kafka, topic, clickhouse, table);
        try {
            child.awaitCommitted(kafka, "group-" + table, new TopicPartition(topic, 0), values.size(), Duration.ofSeconds(90));
        } finally {
            child.stop();
        }
        assertEquals(0, child.exitCode(), "the child pipeline stopped cleanly:\n" + child.output());
        assertTrue(child.output().contains("STARTED max_heap_mb="), child.output());

        assertEquals(goodCount, sql.longValue("SELECT count() FROM " + table + " WHERE startsWith(name, 'good-')"),
                "every good record landed");
        assertEquals(goodCount, sql.longValue("SELECT uniqExact(id) FROM " + table + " WHERE startsWith(name, 'good-')"),
                "once");
        Map<String, List<String>> errors = new LinkedHashMap<>();
        for (List<String> row : sql.rows("SELECT position, error_kind, message, length(raw_value),"
                + " if(length(raw_value) > 1000, hex(MD5(raw_value)), hex(raw_value)) FROM " + table + "_errors")) {
            errors.put(row.get(0), row);
        }
        List<String> failures = new ArrayList<>();
        long landed = hostile.stream().filter(h -> h.kind() == null).count();
        assertEquals(goodCount + landed, sql.longValue("SELECT count() FROM " + table), "nothing else in the table");
        assertEquals(hostile.size() - landed, errors.size(), "one error row per refused record: " + errors.keySet());
        System.out.printf("%-60s %10s  %s%n", "hostile record", "ms", "outcome");
        for (Map.Entry<Long, Hostile> entry : hostileAt.entrySet()) {
            Hostile h = entry.getValue();
            String position = topic + "/0@" + entry.getKey();
            Long micros = child.timings().get(position);
            String outcome;
            if (h.kind() != null) {
                List<String> error = errors.get(position);
                if (error == null) {
                    failures.add(h.name() + ": not in the error table");
                    continue;
                }
                outcome = error.get(1) + ": " + abbreviate(error.get(2));
                if (!error.get(1).equals(h.kind()) || !error.get(2).contains(h.reasonOrExpression())) {
                    failures.add(h.name() + ": expected " + h.kind() + " with '" + h.reasonOrExpression() + "', got " + outcome);
                }
                byte[] raw = utf8(h.json());
                String expectedRaw = raw.length > 1000 ? md5Hex(raw) : HexFormat.of().withUpperCase().formatHex(raw);
                if (!error.get(3).equals(Integer.toString(raw.length)) || !error.get(4).equals(expectedRaw)) {
                    failures.add(h.name() + ": raw bytes not kept as they were");
                }
            } else {
                List<List<String>> rows = sql.rows("SELECT " + h.reasonOrExpression() + " FROM " + table + " WHERE _offset = "
                        + entry.getKey());
                outcome = "landed: " + h.reasonOrExpression() + " = " + rows;
                if (!rows.equals(List.of(List.of(h.landedValue())))) {
                    failures.add(h.name() + ": expected " + h.reasonOrExpression() + " = " + h.landedValue() + ", got " + rows);
                }
            }
            if (micros == null || micros > MAX_MILLIS_PER_RECORD * 1000) {
                failures.add(h.name() + ": took " + (micros == null ? "?" : micros / 1000 + " ms"));
            }
            System.out.printf("%-60s %10.3f  %s%n", h.name(), micros == null ? Double.NaN : micros / 1000.0, outcome);
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void theTopOfIssueScenarioOneHugeExponentAmongGithubEventsLandsWithEverythingElse(KafkaBroker kafka,
            ClickHouseServer clickhouse) throws Exception {
        String topic = "github-" + System.nanoTime();
        String table = "github_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute(GitHubEvents.createTable(table));
        List<byte[]> values = new ArrayList<>();
        int events = 2_000;
        for (int n = 0; n < events; n++) {
            values.add(GitHubEvents.json(n));
            if (n == events / 2) {
                values.add(utf8("{\"id\": 999999, \"title\": 1e999999999}")); // the message of the issue
            }
        }
        produce(kafka, topic, values);

        Child child = Child.start("-Xmx512m", kafka, topic, clickhouse, table);
        try {
            child.awaitCommitted(kafka, "group-" + table, new TopicPartition(topic, 0), values.size(), Duration.ofSeconds(90));
        } finally {
            child.stop();
        }
        assertEquals(0, child.exitCode(), "the child pipeline stopped cleanly:\n" + child.output());
        assertEquals(events + 1, sql.longValue("SELECT count() FROM " + table), "every message landed");
        assertEquals(events + 1, sql.longValue("SELECT uniqExact(id) FROM " + table), "exactly once");
        assertEquals("1E+999999999", sql.value("SELECT title FROM " + table + " WHERE id = 999999"));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"), "no error rows");
        Long micros = child.timings().get(topic + "/0@" + (events / 2 + 1));
        System.out.printf("the {\"title\": 1e999999999} message: %.3f ms%n", micros / 1000.0);
        assertTrue(micros < MAX_MILLIS_PER_RECORD * 1000, micros + " µs");
    }

    /** A linked list of nodes, each may hold the next. */
    private static final Schema LIST = new Schema.Parser().parse("""
            {"type": "record", "name": "Node", "fields": [
              {"name": "id", "type": "long"}, {"name": "next", "type": ["null", "Node"]}]}""");
    /** A tree: each node holds an array of nodes. */
    private static final Schema TREE = new Schema.Parser().parse("""
            {"type": "record", "name": "Tree", "fields": [
              {"name": "id", "type": "long"}, {"name": "children", "type": {"type": "array", "items": "Tree"}}]}""");
    /** An array of nulls: items of no bytes at all. */
    private static final Schema NULLS = new Schema.Parser().parse("""
            {"type": "record", "name": "Nulls", "fields": [
              {"name": "id", "type": "long"}, {"name": "nothing", "type": {"type": "array", "items": "null"}}]}""");
    /** Avro 1.12's big-decimal: the scale travels with each value. */
    private static final Schema AMOUNT = new Schema.Parser().parse("""
            {"type": "record", "name": "Amount", "fields": [
              {"name": "id", "type": "long"}, {"name": "amount", "type": {"type": "bytes", "logicalType": "big-decimal"}}]}""");

    @Test
    void underAQuarterGigabyteHostileAvroRecordsAreDecidedInMillisecondsOnTheFastAndTheGenericPath(KafkaBroker kafka,
            SchemaRegistry registry, ClickHouseServer clickhouse) throws Exception {
        String topic = "hostile-avro-" + System.nanoTime();
        SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int list = client.register(topic + "-list", LIST);
        int tree = client.register(topic + "-tree", TREE);
        int nulls = client.register(topic + "-nulls", NULLS);
        int amount = client.register(topic + "-amount", AMOUNT);

        ByteArrayOutputStream negativeCount = new ByteArrayOutputStream();
        negativeCount.write(0); // id 0
        negativeCount.writeBytes(zigzag(-(1L << 40))); // a block of 2^40 nulls ...
        negativeCount.write(0); // ... whose size in bytes is 0
        negativeCount.write(0);
        List<Hostile> hostile = List.of(
                new Hostile("a recursive record 10,000 levels deep (20 KB)", null, "DECODE", "nested deeper than 100", null),
                new Hostile("a recursive tree 10,000 levels deep", null, "DECODE", "nested deeper than 100", null),
                new Hostile("2,000 blocks of a million nulls (6 KB)", null, "DECODE", "items that take no bytes", null),
                new Hostile("a block of 2^40 nulls of 0 bytes", null, "DECODE", "items that take no bytes", null),
                new Hostile("a big-decimal of 800,000 bits into String", null, "MAPPING", "has too many digits", null),
                new Hostile("a big-decimal 1e999999999 into String", null, null, "amount", "1E+999999999"));
        List<byte[]> bodies = List.of(
                confluent(list, deepList(10_000)),
                confluent(tree, deepTree(10_000)),
                confluent(nulls, millionsOfNulls(2_000)),
                confluent(nulls, negativeCount.toByteArray()),
                confluent(amount, avro(AMOUNT, Map.of("id", 1L, "amount", new BigDecimal(BigInteger.ONE.shiftLeft(800_000), 3)))),
                confluent(amount, avro(AMOUNT, Map.of("id", 2L, "amount", new BigDecimal("1e999999999")))));
        List<byte[]> values = new ArrayList<>();
        Map<Long, Hostile> hostileAt = new LinkedHashMap<>();
        int goodCount = 0;
        for (int i = 0; i < hostile.size(); i++) {
            values.add(goodNode(list, goodCount++));
            hostileAt.put((long) values.size(), hostile.get(i));
            values.add(bodies.get(i));
        }
        values.add(goodNode(list, goodCount++));
        produce(kafka, topic, values);

        ClickHouseSql sql = clickhouse.sql();
        for (String path : List.of("avro-fast", "avro-slow")) {
            String table = "hostile_" + path.replace('-', '_') + "_" + System.nanoTime();
            sql.execute("CREATE TABLE " + table + " (_offset UInt64, id Int64, nothing Array(Nullable(String)), amount String)"
                    + " ENGINE = MergeTree ORDER BY _offset");
            Child child = Child.start("-Xmx256m", kafka, topic, clickhouse, table, path, registry.url().toString());
            try {
                child.awaitCommitted(kafka, "group-" + table, new TopicPartition(topic, 0), values.size(), Duration.ofSeconds(90));
            } finally {
                child.stop();
            }
            assertEquals(0, child.exitCode(), path + ": the child pipeline stopped cleanly:\n" + child.output());
            assertEquals(goodCount, sql.longValue("SELECT count() FROM " + table + " WHERE id >= 1000"), path + ": every good record");
            Map<String, List<String>> errors = new LinkedHashMap<>();
            for (List<String> row : sql.rows("SELECT position, error_kind, message, length(raw_value), hex(MD5(raw_value)) FROM "
                    + table + "_errors")) {
                errors.put(row.get(0), row);
            }
            assertEquals(5, errors.size(), path + ": one error row per refused record: " + errors.values());
            List<String> failures = new ArrayList<>();
            System.out.printf("%s:%n%-60s %10s  %s%n", path, "hostile Avro record", "ms", "outcome");
            int i = 0;
            for (Map.Entry<Long, Hostile> entry : hostileAt.entrySet()) {
                Hostile h = entry.getValue();
                byte[] raw = bodies.get(i++);
                String position = topic + "/0@" + entry.getKey();
                Long micros = child.timings().get(position);
                String outcome;
                if (h.kind() != null) {
                    List<String> error = errors.get(position);
                    if (error == null) {
                        failures.add(path + " " + h.name() + ": not in the error table");
                        continue;
                    }
                    outcome = error.get(1) + ": " + abbreviate(error.get(2));
                    if (!error.get(1).equals(h.kind()) || !error.get(2).contains(h.reasonOrExpression())) {
                        failures.add(path + " " + h.name() + ": expected " + h.kind() + " with '" + h.reasonOrExpression()
                                + "', got " + error.get(2));
                    }
                    if (!error.get(3).equals(Integer.toString(raw.length)) || !error.get(4).equals(md5Hex(raw))) {
                        failures.add(path + " " + h.name() + ": raw bytes not kept as they were");
                    }
                } else {
                    List<List<String>> rows = sql.rows("SELECT " + h.reasonOrExpression() + " FROM " + table + " WHERE _offset = "
                            + entry.getKey());
                    outcome = "landed: " + h.reasonOrExpression() + " = " + rows;
                    if (!rows.equals(List.of(List.of(h.landedValue())))) {
                        failures.add(path + " " + h.name() + ": expected " + h.landedValue() + ", got " + rows);
                    }
                }
                if (micros == null || micros > MAX_MILLIS_PER_RECORD * 1000) {
                    failures.add(path + " " + h.name() + ": took " + (micros == null ? "?" : micros / 1000 + " ms"));
                }
                System.out.printf("%-60s %10.3f  %s%n", h.name(), micros == null ? Double.NaN : micros / 1000.0, outcome);
            }
            assertTrue(failures.isEmpty(), String.join("\n", failures));
        }
    }

    private static byte[] goodNode(int schemaId, int n) {
        GenericData.Record inner = new GenericData.Record(LIST);
        inner.put("id", 1000L + n);
        inner.put("next", null);
        GenericData.Record outer = new GenericData.Record(LIST);
        outer.put("id", 1000L + n);
        outer.put("next", inner);
        return confluent(schemaId, avro(LIST, outer));
    }

    private static byte[] avro(Schema schema, Map<String, Object> fields) {
        GenericData.Record record = new GenericData.Record(schema);
        fields.forEach(record::put);
        return avro(schema, record);
    }

    private static byte[] avro(Schema schema, GenericData.Record record) {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.BigDecimalConversion());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        try {
            new GenericDatumWriter<GenericData.Record>(schema, model).write(record, encoder);
            encoder.flush();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static byte[] confluent(int schemaId, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) 0).putInt(schemaId).put(body).array();
    }

    /** A list {@code depth} nodes long: per node id 0, then branch 1 (the next node) or, last, 0 (null). */
    private static byte[] deepList(int depth) {
        byte[] body = new byte[2 * depth];
        for (int i = 0; i < depth; i++) {
            body[2 * i + 1] = (byte) (i == depth - 1 ? 0 : 2);
        }
        return body;
    }

    /** A tree {@code depth} levels deep, one child a level. */
    private static byte[] deepTree(int depth) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < depth - 1; i++) {
            body.writeBytes(new byte[] {0, 2}); // id 0, a block of one child
        }
        body.writeBytes(new byte[] {0, 0}); // the innermost id and its empty array
        body.writeBytes(new byte[depth - 1]); // the end of each enclosing array
        return body.toByteArray();
    }

    /** Id 0 and {@code blocks} blocks of a million nulls each (3 bytes a block). */
    private static byte[] millionsOfNulls(int blocks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        for (int i = 0; i < blocks; i++) {
            body.writeBytes(zigzag(1_000_000));
        }
        body.write(0);
        return body.toByteArray();
    }

    private static byte[] zigzag(long value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }

    private static void produce(KafkaBroker kafka, String topic, List<byte[]> values) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "8388608"))))
                    .all().get();
        }
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "8388608");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (byte[] value : values) {
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String md5Hex(byte[] bytes) throws Exception {
        return HexFormat.of().withUpperCase().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
    }

    private static String abbreviate(String text) {
        return text.length() <= 90 ? text : text.substring(0, 89) + "…";
    }

    /** {@link SmallHeapPipeline} in a child JVM, its output collected. */
    private static final class Child {
        private final Process process;
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        private Child(Process process) {
            this.process = process;
            this.reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    lines.add("(output unreadable: " + e + ")");
                }
            }, "child-output");
            reader.start();
        }

        static Child start(String heap, KafkaBroker kafka, String topic, ClickHouseServer clickhouse, String table,
                           String... formatAndRegistry) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>(List.of(java, heap, "-cp", System.getProperty("java.class.path"),
                    SmallHeapPipeline.class.getName(), kafka.bootstrapServers(), topic, "group-" + table,
                    clickhouse.endpoint(), table));
            command.addAll(List.of(formatAndRegistry));
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        void awaitCommitted(KafkaBroker kafka, String group, TopicPartition partition, long endOffset, Duration timeout)
                throws Exception {
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                await("offset " + endOffset + " committed", timeout, () -> !process.isAlive()
                        || committed(admin, group, partition) == endOffset);
            }
        }

        void stop() throws Exception {
            if (process.isAlive()) {
                try (OutputStream in = process.getOutputStream()) {
                    in.write('\n');
                } catch (java.io.IOException e) {
                    // it ended meanwhile
                }
            }
            if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            reader.join(10_000);
        }

        int exitCode() {
            return process.exitValue();
        }

        String output() {
            return String.join("\n", lines.stream().filter(line -> !line.startsWith("TIMING ")).toList());
        }

        Map<String, Long> timings() {
            Map<String, Long> timings = new LinkedHashMap<>();
            for (String line : lines) {
                if (line.startsWith("TIMING ")) {
                    String[] parts = line.split(" ");
                    timings.put(parts[1], Long.parseLong(parts[2]));
                }
            }
            return timings;
        }

        private static long committed(Admin admin, String group, TopicPartition partition) {
            try {
                OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().get(partition);
                return offset == null ? -1 : offset.offset();
            } catch (Exception e) {
                return -1;
            }
        }

    }
}
