package dev.tributary.bench;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import dev.tributary.avro.SchemaRegistryClient;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SinkContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableSchema;
import dev.tributary.examples.GitHubEvents;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestkitPaths;
import dev.tributary.testkit.ZooKeeperServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The end-to-end benchmark, in one run on one machine and the same data: a topic of GitHub-events
 * JSON, then (1) a bare kafka-clients consumer draining it in its own JVM (the CPU floor),
 * (2) ClickHouse's ingest ceilings for the same rows in the pipeline's batches and concurrency:
 * RowBinary (Tributary's encoders), JSONEachRow, and Native blocks that ClickHouse itself wrote (so
 * that they do not depend on Tributary's Native writer), with the server's CPU time from /proc,
 * (3) Tributary in its own JVM, (4) ClickHouse's Kafka table engine with 1 and with 4 consumers,
 * (5) the same for Avro, (6) latency at a steady rate. Every MB is a MB of the JSON the rows came
 * from (Avro lines: MB of Avro); every ratio compares rows per second, i.e. the same rows. Prints
 * tables and RESULT lines.
 *
 * <p>Environment: {@code BENCH_MESSAGES} (default 1,000,000), {@code BENCH_PARTITIONS} (4),
 * {@code BENCH_LATENCY_SECONDS} (60), {@code BENCH_LATENCY_RATE} (1000 messages/s),
 * {@code BENCH_JFR} (record a JFR profile of the pipeline JVMs).
 */
public final class BenchMain {

    private static final int BATCH_ROWS = 100_000;
    private static final int IN_FLIGHT = 2;
    /** The batch age of the throughput runs (docs/performance.md): the drained topic's last batch must not wait 5 s. */
    private static final List<String> THROUGHPUT_OPTIONS = List.of("-Dbench.maxAgeMillis=1000");

    private final long messages = longEnv("BENCH_MESSAGES", 1_000_000);
    private final int partitions = (int) longEnv("BENCH_PARTITIONS", 4);
    private final int latencySeconds = (int) longEnv("BENCH_LATENCY_SECONDS", 60);
    private final int latencyRate = (int) longEnv("BENCH_LATENCY_RATE", 1000);
    private ClickHouseServer clickhouse;
    private KafkaBroker kafka;
    private long jsonBytes;
    private long avroBytes;
    private String pipelineJvm = "?";

    /**
     * One line of the table: {@code rows} rows in {@code seconds}, {@code bytes} of input (JSON or
     * Avro), the CPU seconds of the measured process (NaN where there is none: inserts from this
     * JVM, the Kafka engine inside ClickHouse) and of the ClickHouse server in the same window.
     */
    private record Measurement(String name, double seconds, long rows, long bytes, double processCpu, double serverCpu,
                               double rssMb, String notes) {

        double rowsPerSecond() {
            return rows / seconds;
        }

        double mbps() {
            return mb(bytes) / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        new BenchMain().run();
    }

    private static long longEnv(String name, long fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }

    private static double mb(long bytes) {
        return bytes / 1e6;
    }

    private void run() throws Exception {
        TestkitPaths paths = TestkitPaths.fromEnvironment();
        // ZooKeeper, for the ReplicatedMergeTree tables of the exactly-once runs; the other tables are plain MergeTree.
        try (ZooKeeperServer zooKeeper = ZooKeeperServer.start(paths); ClickHouseServer ch = ClickHouseServer.start(paths, zooKeeper);
             KafkaBroker broker = KafkaBroker.start(paths)) {
            clickhouse = ch;
            kafka = broker;
            String version = ch.sql().version();
            System.out.printf(Locale.ROOT, "bench: %d messages over %d partitions; ClickHouse %s; Kafka 4.3.1; %d cores; Java %s%n",
                    messages, partitions, version, Runtime.getRuntime().availableProcessors(), Runtime.version());

            String topic = "bench-json";
            createTopic(topic, partitions);
            long produceStart = System.nanoTime();
            jsonBytes = produce(topic, 0, messages);
            System.out.printf(Locale.ROOT, "data: %,d messages, %.1f MB of JSON (%.0f B/message), produced in %.1f s%n",
                    messages, mb(jsonBytes), (double) jsonBytes / messages, (System.nanoTime() - produceStart) / 1e9);

            Measurement bare = bareConsumer("bare kafka-clients consumer, JSON topic (own JVM, bytes only)", topic, jsonBytes,
                    paths.newServerDir("bench-consumer"));
            Measurement[] ceilings = ceilings();
            Measurement rowBinary = ceilings[0];
            Measurement json = ceilings[1];
            Measurement nativeCeiling = ceilings[2];
            Measurement tributary = tributary("Tributary, JSON (own JVM)", topic, "github_tributary", jsonBytes,
                    paths.newServerDir("bench-pipeline"));
            // Exactly-once costs what it costs against the same table: a ReplicatedMergeTree (content-hash
            // deduplication on 18.16), written at least once and exactly once.
            Measurement replicated = tributary("Tributary, JSON, at-least-once, ReplicatedMergeTree (own JVM)", topic,
                    "github_replicated_alo", replicatedTable("github_replicated_alo"), THROUGHPUT_OPTIONS, jsonBytes,
                    paths.newServerDir("bench-replicated-alo"));
            List<String> exactlyOnceOptions = new ArrayList<>(THROUGHPUT_OPTIONS);
            exactlyOnceOptions.add("-Dbench.exactlyOnce=true");
            Measurement exactlyOnce = tributary("Tributary, JSON, exactly-once, ReplicatedMergeTree (own JVM)", topic,
                    "github_replicated_eos", replicatedTable("github_replicated_eos"), exactlyOnceOptions, jsonBytes,
                    paths.newServerDir("bench-replicated-eos"));
            Measurement engine1 = kafkaEngine(topic, 1);
            Measurement engine4 = kafkaEngine(topic, 4);
            Measurement engine = engine1.seconds() <= engine4.seconds() ? engine1 : engine4;
            Measurement[] avro = avro(paths);
            Measurement avroBare = avro[0];
            Measurement avroTributary = avro[1];
            double[] latency = latency(paths.newServerDir("bench-latency"));

            System.out.println();
            System.out.println("| measurement | s | rows/s | MB/s | process CPU-s | server CPU-s | peak RSS MB | notes |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            // The references first (floor, ceilings, peer), then what they are references for.
            for (Measurement m : List.of(bare, avroBare, nativeCeiling, rowBinary, json, engine1, engine4, tributary, replicated,
                    exactlyOnce, avroTributary)) {
                System.out.printf(Locale.ROOT, "| %s | %.1f | %,.0f | %.1f | %s | %s | %s | %s |%n", m.name(), m.seconds(),
                        m.rowsPerSecond(), m.mbps(), orDash(m.processCpu(), "%.1f"), orDash(m.serverCpu(), "%.1f"),
                        orDash(m.rssMb(), "%.0f"), m.notes());
            }
            System.out.printf(Locale.ROOT, "| latency, %d msg/s for %d s (default batching) | – | – | – | – | – | – |"
                    + " p50 %.0f ms, p99 %.0f ms, max %.0f ms |%n", latencyRate, latencySeconds, latency[0], latency[1], latency[2]);
            System.out.println();
            System.out.printf(Locale.ROOT, "| Tributary (ratios of rows/s; CPU per record) | rows/s | vs Native ceiling (%,.0f rows/s)"
                            + " | vs RowBinary ceiling (%,.0f rows/s) | vs Kafka engine (best: %s, %,.0f rows/s)"
                            + " | CPU vs bare consumer | peak RSS MB |%n", nativeCeiling.rowsPerSecond(), rowBinary.rowsPerSecond(),
                    consumers(engine), engine.rowsPerSecond());
            System.out.println("|---|---|---|---|---|---|---|");
            for (Measurement[] line : List.of(new Measurement[] {tributary, bare}, new Measurement[] {avroTributary, avroBare})) {
                Measurement t = line[0];
                System.out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %.2f | %.2f | %.0f |%n", t.name(), t.rowsPerSecond(),
                        ratio(t, nativeCeiling), ratio(t, rowBinary), ratio(t, engine), t.processCpu() / line[1].processCpu(),
                        t.rssMb());
            }
            System.out.println("pipeline JVM: " + pipelineJvm);
            System.out.println();
            System.out.println("| target (issue #13) | result | met? |");
            System.out.println("|---|---|---|");
            target("JSON ≥ 2.5× the Kafka engine (rows/s)", "%.2f×", ratio(tributary, engine), 2.5, true);
            target("Avro ≥ 3.5× the Kafka engine's JSON rows/s", "%.2f×", ratio(avroTributary, engine), 3.5, true);
            target("JSON: process CPU per record ≤ 3× the bare consumer's", "%.2f×", tributary.processCpu() / bare.processCpu(), 3,
                    false);
            target("Avro: process CPU per record ≤ 3× the bare consumer's", "%.2f×", avroTributary.processCpu() / avroBare.processCpu(),
                    3, false);
            target("JSON: peak RSS ≤ 512 MB", "%.0f MB", tributary.rssMb(), 512, false);
            target("Avro: peak RSS ≤ 512 MB", "%.0f MB", avroTributary.rssMb(), 512, false);
            target("p99 latency ≤ batch age + 0.5 s (5,500 ms)", "%.0f ms", latency[1], 5_500, false);
            System.out.println();

            for (Measurement[] line : List.of(new Measurement[] {tributary, bare}, new Measurement[] {avroTributary, avroBare})) {
                Measurement t = line[0];
                System.out.printf(Locale.ROOT, "RESULT %s mbps=%.1f rows_per_s=%.0f mb_per_cpu_s=%.1f vs_kafka_engine=%.2f"
                                + " vs_native_ceiling=%.2f vs_rowbinary_ceiling=%.2f cpu_vs_bare_consumer=%.2f cpu_s=%.1f"
                                + " server_cpu_s=%.1f rss_mb=%.0f p99_ms=%s%n",
                        t == tributary ? "json" : "avro", t.mbps(), t.rowsPerSecond(), mb(t.bytes()) / t.processCpu(),
                        ratio(t, engine), ratio(t, nativeCeiling), ratio(t, rowBinary), t.processCpu() / line[1].processCpu(),
                        t.processCpu(), t.serverCpu(), t.rssMb(),
                        t == tributary ? String.format(Locale.ROOT, "%.0f", latency[1]) : "n/a");
            }
            System.out.printf(Locale.ROOT, "RESULT json_eos rows_per_s=%.0f vs_at_least_once=%.2f cpu_s=%.1f"
                            + " cpu_vs_at_least_once=%.2f server_cpu_s=%.1f server_cpu_vs_at_least_once=%.2f rss_mb=%.0f"
                            + " vs_plain_merge_tree=%.2f%n", exactlyOnce.rowsPerSecond(), ratio(exactlyOnce, replicated),
                    exactlyOnce.processCpu(), exactlyOnce.processCpu() / replicated.processCpu(), exactlyOnce.serverCpu(),
                    exactlyOnce.serverCpu() / replicated.serverCpu(), exactlyOnce.rssMb(), ratio(exactlyOnce, tributary));
            for (Measurement[] ceiling : List.of(new Measurement[] {nativeCeiling}, new Measurement[] {rowBinary},
                    new Measurement[] {json})) {
                Measurement c = ceiling[0];
                System.out.printf(Locale.ROOT, "RESULT %s seconds=%.2f rows_per_s=%.0f mbps=%.1f server_cpu_s=%.2f%n",
                        c == nativeCeiling ? "native_ceiling" : c == rowBinary ? "rowbinary_ceiling" : "jsoneachrow_inserts",
                        c.seconds(), c.rowsPerSecond(), c.mbps(), c.serverCpu());
            }
            System.out.printf(Locale.ROOT, "RESULT bare_consumer cpu_s=%.2f us_per_record=%.2f seconds=%.2f mbps=%.1f rss_mb=%.0f"
                            + " avro_cpu_s=%.2f avro_us_per_record=%.2f%n", bare.processCpu(), bare.processCpu() / messages * 1e6,
                    bare.seconds(), bare.mbps(), bare.rssMb(), avroBare.processCpu(), avroBare.processCpu() / messages * 1e6);
            System.out.printf(Locale.ROOT, "RESULT kafka_engine consumers=1 seconds=%.2f rows_per_s=%.0f mbps=%.1f server_cpu_s=%.1f"
                            + " consumers=4 seconds=%.2f rows_per_s=%.0f mbps=%.1f server_cpu_s=%.1f best_consumers=%d%n",
                    engine1.seconds(), engine1.rowsPerSecond(), engine1.mbps(), engine1.serverCpu(),
                    engine4.seconds(), engine4.rowsPerSecond(), engine4.mbps(), engine4.serverCpu(), engine == engine1 ? 1 : 4);
            System.out.printf(Locale.ROOT, "RESULT raw_consume mbps=%.1f%n", bare.mbps());
            System.out.printf(Locale.ROOT, "RESULT latency p50_ms=%.0f p99_ms=%.0f%n", latency[0], latency[1]);
            System.out.println("RESULT pipeline_jvm " + pipelineJvm);
        }
    }

    private static void target(String name, String format, double result, double limit, boolean atLeast) {
        boolean met = atLeast ? result >= limit : result <= limit;
        System.out.printf(Locale.ROOT, "| %s | " + format + " | %s |%n", name, result, met ? "yes" : "no");
    }

    /** How many times more rows per second {@code measured} reached than {@code reference} (same rows). */
    private static double ratio(Measurement measured, Measurement reference) {
        return measured.rowsPerSecond() / reference.rowsPerSecond();
    }

    private static String consumers(Measurement engine) {
        return engine.name().replaceAll(".*\\((\\d+ consumers?).*", "$1");
    }

    private static String orDash(double value, String format) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, format, value);
    }

    private double serverCpu() {
        return ProcessStats.cpuSecondsOf(clickhouse.pid());
    }

    // ------------------------------------------------------------------ data

    private void createTopic(String topic, int count) throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(topic, count, (short) 1))).all().get();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .anyMatch(p -> p.leader() == null || p.leader().id() < 0)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no leaders for " + topic);
                }
                Thread.sleep(50);
            }
        }
    }

    private long produce(String topic, long from, long to) {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long n = from; n < to; n++) {
                byte[] value = GitHubEvents.json(n);
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, Long.toString(n).getBytes(StandardCharsets.UTF_8), value));
            }
            producer.flush();
        }
        return bytes;
    }

    // ------------------------------------------------------------------ (1) bare consumer

    /** A bare consumer drains the topic in its own JVM, with the pipeline JVM's flags; its process CPU is the floor. */
    private Measurement bareConsumer(String label, String topic, long bytes, Path logDir) throws Exception {
        Path log = logDir.resolve("consumer.log");
        double serverBefore = serverCpu();
        Process process = startJvm(BareConsumer.class, THROUGHPUT_OPTIONS, log, false,
                kafka.bootstrapServers(), topic, "bench-bare-" + topic, Long.toString(messages));
        Map<String, String> stats = awaitStats(process, log, "BENCH_CONSUMER ");
        Measurement m = new Measurement(label, Double.parseDouble(stats.get("seconds")), messages, bytes,
                Double.parseDouble(stats.get("cpu_s")), serverCpu() - serverBefore, Double.parseDouble(stats.get("rss_peak_mb")),
                String.format(Locale.ROOT, "%.2f µs CPU per record (JIT and GC included)",
                        Double.parseDouble(stats.get("cpu_s")) / messages * 1e6));
        return m;
    }

    // ------------------------------------------------------------------ (2) ClickHouse ceilings

    /**
     * The same rows in the pipeline's batches (100,000 rows) and concurrency (2 in flight): RowBinary
     * pre-encoded by Tributary's encoders, JSONEachRow (the messages), and Native blocks written by
     * ClickHouse itself from a staging table of the same structure (LowCardinality columns in their
     * dictionary form: 18.16 refuses anything else, so the timed inserts succeeding proves it). Only
     * the inserts are timed; the server's CPU time comes from /proc. Returns RowBinary, JSONEachRow, Native.
     */
    private Measurement[] ceilings() throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        for (String name : List.of("github_ceiling", "github_ceiling_json", "github_ceiling_native", "github_native_staging")) {
            sql.execute(GitHubEvents.createTable(name));
        }
        TableSchema schema = discover("github_ceiling");
        MappingPlan plan = DefaultSchemaMapper.create().plan(schema, List.of());
        JsonDecoder decoder = JsonDecoder.create();
        List<byte[]> rowBinary = new ArrayList<>();
        List<byte[]> jsonEachRow = new ArrayList<>();
        RowBinaryOutput out = new RowBinaryOutput(64 << 20);
        ByteArrayOutputStream json = new ByteArrayOutputStream(128 << 20);
        for (long n = 0; n < messages; n++) {
            byte[] value = GitHubEvents.json(n);
            SourceRecord record = new BenchRecord(value);
            plan.writeRow(decoder.decode(record), record, out);
            json.writeBytes(value);
            json.write('\n');
            if ((n + 1) % BATCH_ROWS == 0 || n + 1 == messages) {
                rowBinary.add(out.toByteArray());
                jsonEachRow.add(json.toByteArray());
                out.reset();
                json.reset();
            }
        }
        List<byte[]> nativeBlocks = nativeBatches(rowBinary);

        Measurement rb = timedInserts("ClickHouse ceiling: RowBinary inserts", "github_ceiling", rowBinary,
                ClickHouseFormat.RowBinary, "pre-encoded by Tributary's encoders");
        rowBinary.clear();
        Measurement je = timedInserts("ClickHouse: JSONEachRow inserts (information)", "github_ceiling_json", jsonEachRow,
                ClickHouseFormat.JSONEachRow, "the messages as they are");
        jsonEachRow.clear();
        Measurement nb = timedInserts("ClickHouse ceiling: Native inserts", "github_ceiling_native", nativeBlocks,
                ClickHouseFormat.Native, "blocks written by ClickHouse (LowCardinality as dictionaries)");
        return new Measurement[] {rb, je, nb};
    }

    /**
     * Loads the rows into a staging table with the table's structure (untimed) and reads them back as
     * one Native block per batch, in id order like the other formats' batches.
     */
    private List<byte[]> nativeBatches(List<byte[]> rowBinary) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        for (byte[] batch : rowBinary) {
            sql.insert("github_native_staging", "RowBinary", batch);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String authorization = "Basic " + Base64.getEncoder().encodeToString(
                (clickhouse.user() + ":" + clickhouse.password()).getBytes(StandardCharsets.UTF_8));
        List<byte[]> blocks = new ArrayList<>();
        long bytes = 0;
        for (long from = 0; from < messages; from += BATCH_ROWS) {
            long rows = Math.min(BATCH_ROWS, messages - from);
            String query = "SELECT * FROM github_native_staging WHERE id >= " + from + " AND id < " + (from + rows)
                    + " ORDER BY id FORMAT Native";
            // One block per batch, as a Native writer would send it: max_block_size above the batch size.
            URI uri = URI.create(clickhouse.endpoint() + "/?max_block_size=" + (BATCH_ROWS + 1)
                    + "&query=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                    .header("Authorization", authorization).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("ClickHouse answered HTTP " + response.statusCode() + " to [" + query + "]: "
                        + new String(response.body(), StandardCharsets.UTF_8).trim());
            }
            byte[] block = response.body();
            long[] header = nativeHeader(block);
            if (header[1] != rows) {
                throw new IllegalStateException("the Native output of [" + query + "] starts with a block of " + header[1]
                        + " rows (" + header[0] + " columns), expected one block of " + rows);
            }
            if (!contains(block, "LowCardinality(String)")) {
                throw new IllegalStateException("the Native output of [" + query + "] has no LowCardinality(String) column:"
                        + " the server converted the dictionaries, so the blocks are not what a Native writer sends");
            }
            blocks.add(block);
            bytes += block.length;
        }
        sql.execute("DROP TABLE github_native_staging");
        System.out.printf(Locale.ROOT, "native data: %d blocks of up to %,d rows, %.1f MB, written by ClickHouse from a staging table%n",
                blocks.size(), BATCH_ROWS, mb(bytes));
        return blocks;
    }

    private static boolean contains(byte[] data, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= data.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The column and row counts at the start of a Native block (two unsigned LEB128 numbers; HTTP sends no block info). */
    private static long[] nativeHeader(byte[] block) {
        long[] values = new long[2];
        int at = 0;
        for (int i = 0; i < 2; i++) {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = block[at++];
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            values[i] = value;
        }
        return values;
    }

    private Measurement timedInserts(String label, String tableName, List<byte[]> batches, ClickHouseFormat format, String notes)
            throws Exception {
        awaitNoMerges();
        // Uncompressed bodies: on loopback compression only moves CPU around, and client-v2 0.11.0's request
        // compression (ZSTD and LZ4 alike) fails on a 64 KiB chunk it cannot shrink, which Native columns can be.
        try (Client client = new Client.Builder().addEndpoint(clickhouse.endpoint()).setUsername(clickhouse.user())
                .setPassword(clickhouse.password()).compressClientRequest(false).compressServerResponse(false).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
            double seconds;
            double server;
            try {
                double serverBefore = serverCpu();
                long start = System.nanoTime();
                List<Future<?>> inserts = new ArrayList<>();
                for (byte[] batch : batches) {
                    inserts.add(pool.submit(() -> {
                        client.insert(tableName, new ByteArrayInputStream(batch), format).get(5, TimeUnit.MINUTES).close();
                        return null;
                    }));
                }
                for (Future<?> insert : inserts) {
                    insert.get();
                }
                seconds = (System.nanoTime() - start) / 1e9;
                server = serverCpu() - serverBefore;
            } finally {
                pool.shutdownNow(); // a failed insert must not leave threads that keep this JVM alive
            }
            long rows = clickhouse.sql().longValue("SELECT count() FROM " + tableName);
            if (rows != messages) {
                throw new IllegalStateException(tableName + " has " + rows + " rows, expected " + messages);
            }
            long bytes = batches.stream().mapToLong(b -> b.length).sum();
            return new Measurement(label, seconds, messages, jsonBytes, Double.NaN, server, Double.NaN,
                    String.format(Locale.ROOT, "%d × ≤ %,d rows, %d in flight, %.0f MB of %s; %s", batches.size(),
                            BATCH_ROWS, IN_FLIGHT, mb(bytes), format, notes));
        }
    }

    /** Waits until the server merges no parts, so that earlier work is not counted in the next window's server CPU. */
    private void awaitNoMerges() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (clickhouse.sql().longValue("SELECT count() FROM system.merges") > 0) {
            if (System.nanoTime() > deadline) {
                System.out.println("warning: merges still running after 2 minutes; the next server CPU figure includes them");
                return;
            }
            Thread.sleep(100);
        }
    }

    private TableSchema discover(String tableName) {
        ClickHouseSink sink = ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(tableName).build();
        try {
            return sink.open(new SinkContext() {
                @Override
                public String pipelineName() {
                    return "bench";
                }

                @Override
                public MetricsRecorder metrics() {
                    return MetricsRecorder.NONE;
                }
            });
        } finally {
            sink.close();
        }
    }

    // ------------------------------------------------------------------ (3) Tributary

    /** Runs the pipeline in its own JVM over {@code bytes} of input (JSON or Avro). */
    private Measurement tributary(String label, String topic, String tableName, long bytes, Path logDir, String... extra)
            throws Exception {
        return tributary(label, topic, tableName, GitHubEvents.createTable(tableName), THROUGHPUT_OPTIONS, bytes, logDir, extra);
    }

    /** The GitHub events table as a ReplicatedMergeTree (the ZooKeeper path unique to this run). */
    private String replicatedTable(String tableName) {
        return "CREATE TABLE " + tableName + " " + GitHubEvents.COLUMNS + " ENGINE = " + clickhouse.replicatedMergeTree(tableName)
                + " ORDER BY (event_type, repo_name, created_at)";
    }

    private Measurement tributary(String label, String topic, String tableName, String createTable, List<String> jvmOptions,
                                  long bytes, Path logDir, String... extra) throws Exception {
        clickhouse.sql().execute(createTable);
        awaitNoMerges();
        Path log = logDir.resolve("pipeline.log");
        double serverBefore = serverCpu();
        Process process = startPipeline(topic, "bench-" + tableName, tableName, messages, log, jvmOptions, extra);
        Map<String, String> stats = awaitStats(process, log, "BENCH_PIPELINE ");
        double server = serverCpu() - serverBefore;
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("BENCH_THREADS")) {
                System.out.println(label + " CPU seconds by thread:" + line.substring("BENCH_THREADS".length()));
            } else if (line.startsWith("BENCH_JVM ")) {
                pipelineJvm = line.substring("BENCH_JVM ".length());
            }
        }
        double cpu = Double.parseDouble(stats.get("cpu_s"));
        Measurement m = new Measurement(label, Double.parseDouble(stats.get("seconds")), messages, bytes, cpu, server,
                Double.parseDouble(stats.get("rss_peak_mb")), String.format(Locale.ROOT,
                "%.0f MB/CPU-s, %.2f µs CPU per record, peak heap %.0f MB, %s batches, insert ms mean %s max %s",
                mb(bytes) / cpu, cpu / messages * 1e6, Double.parseDouble(stats.get("heap_peak_mb")), stats.get("batches"),
                stats.get("insert_ms_mean"), stats.get("insert_ms_max")));
        return m;
    }

    private Process startPipeline(String topic, String group, String tableName, long expected, Path log, List<String> jvmOptions,
                                  String... extra) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(kafka.bootstrapServers(), topic, group, clickhouse.endpoint(), tableName,
                Long.toString(expected)));
        arguments.addAll(List.of(extra));
        return startJvm(BenchPipeline.class, jvmOptions, log, true, arguments.toArray(String[]::new));
    }

    /**
     * Starts {@code main} in a JVM of its own with the pipeline JVM's flags (heap from
     * {@code bench.pipelineHeap}, 512m) plus {@code jvmOptions}; with {@code BENCH_JFR} set and
     * {@code profile}, it records a JFR profile beside the log.
     */
    private static Process startJvm(Class<?> main, List<String> jvmOptions, Path log, boolean profile, String... arguments)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx" + System.getProperty("bench.pipelineHeap", "512m")));
        command.addAll(jvmOptions);
        String jfr = System.getenv("BENCH_JFR");
        if (profile && jfr != null && !jfr.isBlank()) {
            command.add("-XX:StartFlightRecording=filename=" + log.resolveSibling("pipeline.jfr") + ",settings=profile");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(arguments));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits for a benchmark JVM to finish and returns the key=value pairs of its {@code prefix} line. */
    private static Map<String, String> awaitStats(Process process, Path log, String prefix) throws Exception {
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("a benchmark JVM failed; see " + log);
        }
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith(prefix)) {
                Map<String, String> stats = new LinkedHashMap<>();
                for (String pair : line.substring(prefix.length()).split(" ")) {
                    String[] kv = pair.split("=", 2);
                    stats.put(kv[0], kv[1]);
                }
                return stats;
            }
        }
        throw new IllegalStateException("no " + prefix.trim() + " line in " + log);
    }

    // ------------------------------------------------------------------ (4) Kafka table engine

    /** A fresh Kafka engine table, consumer group and target table with {@code consumers} consumers and a materialized view. */
    private Measurement kafkaEngine(String topic, int consumers) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        String target = "github_engine_c" + consumers;
        String queue = "github_queue_c" + consumers;
        sql.execute(GitHubEvents.createTable(target));
        sql.execute("CREATE TABLE " + queue + " " + GitHubEvents.COLUMNS + " ENGINE = Kafka SETTINGS kafka_broker_list = '"
                + kafka.bootstrapServers() + "', kafka_topic_list = '" + topic + "', kafka_group_name = 'bench-engine-c" + consumers
                + "', kafka_format = 'JSONEachRow', kafka_num_consumers = " + consumers);
        awaitNoMerges();
        double serverBefore = serverCpu();
        long start = System.nanoTime();
        sql.execute("CREATE MATERIALIZED VIEW " + target + "_mv TO " + target + " AS SELECT * FROM " + queue);
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        long rows;
        while ((rows = sql.longValue("SELECT count() FROM " + target)) < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Kafka engine (" + consumers + " consumers) landed only " + rows
                        + " rows in 20 minutes");
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double server = serverCpu() - serverBefore;
        sql.execute("DROP TABLE " + target + "_mv");
        sql.execute("DROP TABLE " + queue);
        Measurement m = new Measurement("ClickHouse Kafka table engine (" + consumers + (consumers == 1 ? " consumer" : " consumers")
                + " + MV)", seconds, messages, jsonBytes, Double.NaN, server, Double.NaN,
                "fresh table and consumer group; all its work is the server's");
        return m;
    }

    // ------------------------------------------------------------------ (5) Avro

    /** The same events as Confluent-framed Avro through a schema registry; MB are Avro MB. Returns the bare consumer, Tributary. */
    private Measurement[] avro(TestkitPaths paths) throws Exception {
        try (SchemaRegistry registry = SchemaRegistry.start(paths)) {
            String topic = "bench-avro";
            createTopic(topic, partitions);
            int schemaId = SchemaRegistryClient.builder().url(registry.url().toString()).build()
                    .register(topic + "-value", GitHubAvro.SCHEMA);
            GitHubAvro events = new GitHubAvro(schemaId);
            Properties properties = kafka.clientProperties();
            properties.put(ProducerConfig.LINGER_MS_CONFIG, "20");
            properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(512 * 1024));
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (long n = 0; n < messages; n++) {
                    byte[] value = events.message(n);
                    avroBytes += value.length;
                    producer.send(new ProducerRecord<>(topic, Long.toString(n).getBytes(StandardCharsets.UTF_8), value));
                }
                producer.flush();
            }
            System.out.printf(Locale.ROOT, "avro data: %,d messages, %.1f MB (%.0f B/message), schema id %d%n", messages,
                    mb(avroBytes), (double) avroBytes / messages, schemaId);
            Measurement bare = bareConsumer("bare kafka-clients consumer, Avro topic (own JVM, bytes only; MB of Avro)", topic,
                    avroBytes, paths.newServerDir("bench-consumer-avro"));
            Measurement tributary = tributary("Tributary, Avro (own JVM; MB of Avro)", topic, "github_avro", avroBytes,
                    paths.newServerDir("bench-pipeline-avro"), "avro", registry.url().toString());
            return new Measurement[] {bare, tributary};
        }
    }

    // ------------------------------------------------------------------ (6) latency

    /** Steady rate into a one-partition topic; latency from produce to visible in ClickHouse. Returns p50, p99, max ms. */
    private double[] latency(Path logDir) throws Exception {
        String topic = "bench-latency";
        String tableName = "github_latency";
        createTopic(topic, 1);
        clickhouse.sql().execute(GitHubEvents.createTable(tableName));
        int total = latencySeconds * latencyRate;
        Process pipeline = startPipeline(topic, "bench-latency", tableName, total + 1, logDir.resolve("pipeline.log"), List.of());
        ClickHouseSql sql = clickhouse.sql();
        AtomicLongArray producedAt = new AtomicLongArray(total + 1);
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            // A first record, and its arrival, mean the pipeline has joined the group and is reading.
            producer.send(new ProducerRecord<>(topic, GitHubEvents.json(0))).get();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (sql.longValue("SELECT count() FROM " + tableName) == 0) {
                if (System.nanoTime() > deadline || !pipeline.isAlive()) {
                    throw new IllegalStateException("the latency pipeline did not start; see " + logDir);
                }
                Thread.sleep(20);
            }
            long[] latencies = new long[total];
            int[] seen = {0};
            Thread poller = new Thread(() -> pollVisibility(sql, tableName, producedAt, latencies, seen, total), "latency-poller");
            poller.start();
            long start = System.nanoTime();
            long interval = 1_000_000_000L / latencyRate;
            for (int id = 1; id <= total; id++) {
                long due = start + (id - 1) * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                producedAt.set(id, System.nanoTime());
                producer.send(new ProducerRecord<>(topic, GitHubEvents.json(id)));
            }
            producer.flush();
            poller.join(Duration.ofMinutes(2).toMillis());
            if (seen[0] < total) {
                throw new IllegalStateException("only " + seen[0] + " of " + total + " latency records became visible");
            }
            if (!pipeline.waitFor(2, TimeUnit.MINUTES)) {
                pipeline.destroyForcibly();
            }
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            double p50 = sorted[(int) (total * 0.50)] / 1e6;
            double p99 = sorted[(int) Math.min(total - 1, Math.ceil(total * 0.99))] / 1e6;
            return new double[] {p50, p99, sorted[total - 1] / 1e6};
        } finally {
            if (pipeline.isAlive()) {
                pipeline.destroyForcibly();
            }
        }
    }

    /** With one partition, rows become visible in id order: max(id) visible means every id up to it is. */
    private static void pollVisibility(ClickHouseSql sql, String tableName, AtomicLongArray producedAt, long[] latencies, int[] seen, int total) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        int visible = 0;
        while (visible < total && System.nanoTime() < deadline) {
            long max = sql.longValue("SELECT max(id) FROM " + tableName);
            long now = System.nanoTime();
            while (visible < Math.min(max, total)) {
                visible++;
                latencies[visible - 1] = now - producedAt.get(visible);
            }
            seen[0] = visible;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
