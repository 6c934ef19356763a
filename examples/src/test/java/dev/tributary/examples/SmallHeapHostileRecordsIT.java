package dev.tributary.examples;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
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
import java.io.InputStreamReader;
import java.io.OutputStream;
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
import java.util.function.BooleanSupplier;

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
            child.awaitCommitted(kafka, "group-" + topic, new TopicPartition(topic, 0), values.size(), Duration.ofSeconds(90));
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
            child.awaitCommitted(kafka, "group-" + topic, new TopicPartition(topic, 0), values.size(), Duration.ofSeconds(90));
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

        static Child start(String heap, KafkaBroker kafka, String topic, ClickHouseServer clickhouse, String table)
                throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java, heap, "-cp", System.getProperty("java.class.path"),
                    SmallHeapPipeline.class.getName(), kafka.bootstrapServers(), topic, "group-" + topic,
                    clickhouse.endpoint(), table).redirectErrorStream(true);
            return new Child(builder.start());
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

        private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out after " + timeout + " waiting for " + what);
                }
                Thread.sleep(50);
            }
        }
    }
}
