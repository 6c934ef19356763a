package dev.tributary.bench;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import dev.tributary.avro.SchemaRegistryClient;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SinkContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.clickhouse.TableSchema;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.metrics.PipelineMetrics;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.examples.GitHubEvents;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestkitPaths;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * JSON, then (1) a plain consumer draining it, (2) ClickHouse's ingest ceiling for the same rows
 * pre-encoded as RowBinary (and, for information, as JSONEachRow), (3) Tributary in its own JVM,
 * (4) ClickHouse's Kafka table engine, (5) latency at a steady rate. Every MB is a MB of the JSON
 * the rows came from, so that every line compares the same work. Prints a table and RESULT lines.
 *
 * <p>Environment: {@code BENCH_MESSAGES} (default 1,000,000), {@code BENCH_PARTITIONS} (4),
 * {@code BENCH_LATENCY_SECONDS} (60), {@code BENCH_LATENCY_RATE} (1000 messages/s).
 */
public final class BenchMain {

    private static final int BATCH_ROWS = 100_000;
    private static final int IN_FLIGHT = 2;

    private final long messages = longEnv("BENCH_MESSAGES", 1_000_000);
    private final int partitions = (int) longEnv("BENCH_PARTITIONS", 4);
    private final int latencySeconds = (int) longEnv("BENCH_LATENCY_SECONDS", 60);
    private final int latencyRate = (int) longEnv("BENCH_LATENCY_RATE", 1000);
    private final Map<String, String> table = new LinkedHashMap<>();
    private ClickHouseServer clickhouse;
    private KafkaBroker kafka;
    private long jsonBytes;
    private long avroBytes;

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
        try (ClickHouseServer ch = ClickHouseServer.start(paths); KafkaBroker broker = KafkaBroker.start(paths)) {
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

            double raw = rawConsume(topic);
            double[] ceiling = ceiling();
            double[] tributary = tributary("Tributary pipeline, JSON (own JVM)", topic, "github_tributary", jsonBytes,
                    paths.newServerDir("bench-pipeline"));
            double engine = kafkaEngine(topic);
            double[] avro = avro(paths);
            double[] latency = latency(paths.newServerDir("bench-latency"));

            double tributaryMbps = tributary[0];
            System.out.println();
            System.out.println("| measurement | MB/s (JSON MB) | notes |");
            System.out.println("|---|---|---|");
            table.forEach((name, line) -> System.out.println("| " + name + " | " + line + " |"));
            System.out.println();
            System.out.printf(Locale.ROOT, "RESULT json mbps=%.1f mb_per_cpu_s=%.1f vs_kafka_engine=%.2f vs_ch_ceiling=%.2f rss_mb=%.0f%n",
                    tributaryMbps, tributary[1], tributaryMbps / engine, tributaryMbps / ceiling[0], tributary[2]);
            // The same rows: the ceiling's seconds, over the Avro bytes they came from.
            double ceilingSeconds = mb(jsonBytes) / ceiling[0];
            System.out.printf(Locale.ROOT, "RESULT avro mbps=%.1f mb_per_cpu_s=%.1f vs_kafka_engine=n/a vs_ch_ceiling=%.2f rss_mb=%.0f%n",
                    avro[0], avro[1], avro[0] / (mb(avroBytes) / ceilingSeconds), avro[2]);
            System.out.printf(Locale.ROOT, "RESULT raw_consume mbps=%.1f%n", raw);
            System.out.printf(Locale.ROOT, "RESULT latency p50_ms=%.0f p99_ms=%.0f%n", latency[0], latency[1]);
        }
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

    // ------------------------------------------------------------------ (1) raw consume

    private double rawConsume(String topic) {
        Properties properties = kafka.clientProperties();
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw");
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        long count = 0;
        long bytes = 0;
        long start = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (count < messages) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    count++;
                    bytes += record.value().length;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double mbps = mb(bytes) / seconds;
        table.put("raw consume (kafka-clients, bytes only)", String.format(Locale.ROOT, "%.1f | %.1f s", mbps, seconds));
        return mbps;
    }

    // ------------------------------------------------------------------ (2) ClickHouse ceiling

    /** The same rows pre-encoded as RowBinary, inserted in batches of the pipeline's size with its concurrency. */
    private double[] ceiling() throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute(GitHubEvents.createTable("github_ceiling"));
        sql.execute(GitHubEvents.createTable("github_ceiling_json"));
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
        double rb = timedInserts("github_ceiling", rowBinary, ClickHouseFormat.RowBinary);
        rowBinary.clear();
        double je = timedInserts("github_ceiling_json", jsonEachRow, ClickHouseFormat.JSONEachRow);
        table.put("ClickHouse ceiling: RowBinary inserts", String.format(Locale.ROOT, "%.1f | %d rows/batch, %d in flight",
                rb, BATCH_ROWS, IN_FLIGHT));
        table.put("ClickHouse: JSONEachRow inserts (information)", String.format(Locale.ROOT, "%.1f | same batches", je));
        return new double[] {rb, je};
    }

    private double timedInserts(String tableName, List<byte[]> batches, ClickHouseFormat format) throws Exception {
        try (Client client = new Client.Builder().addEndpoint(clickhouse.endpoint()).setUsername("default").setPassword("")
                .compressClientRequest(true).compressServerResponse(false).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(IN_FLIGHT);
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
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            long rows = clickhouse.sql().longValue("SELECT count() FROM " + tableName);
            if (rows != messages) {
                throw new IllegalStateException(tableName + " has " + rows + " rows, expected " + messages);
            }
            return mb(jsonBytes) / seconds;
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
                public PipelineMetrics metrics() {
                    return new PipelineMetrics();
                }
            });
        } finally {
            sink.close();
        }
    }

    // ------------------------------------------------------------------ (3) Tributary

    /** Runs the pipeline in its own JVM; returns MB/s, MB per CPU-second, peak RSS MB (MB of {@code bytes}). */
    private double[] tributary(String label, String topic, String tableName, long bytes, Path logDir, String... extra)
            throws Exception {
        clickhouse.sql().execute(GitHubEvents.createTable(tableName));
        Map<String, String> stats = runPipeline(topic, "bench-" + tableName, tableName, messages, logDir.resolve("pipeline.log"),
                List.of("-Dbench.maxAgeMillis=1000"), extra);
        double seconds = Double.parseDouble(stats.get("seconds"));
        double cpu = Double.parseDouble(stats.get("cpu_s"));
        double rss = Double.parseDouble(stats.get("rss_peak_mb"));
        double mbps = mb(bytes) / seconds;
        for (String line : java.nio.file.Files.readAllLines(logDir.resolve("pipeline.log"))) {
            if (line.startsWith("BENCH_THREADS")) {
                System.out.println(label + " CPU seconds by thread:" + line.substring("BENCH_THREADS".length()));
            }
        }
        table.put(label, String.format(Locale.ROOT,
                "%.1f | %.1f s, %,.0f rows/s, CPU %.1f s (%.0f MB/CPU-s), peak RSS %.0f MB, peak heap %.0f MB, %s batches,"
                        + " insert ms mean %s max %s",
                mbps, seconds, messages / seconds, cpu, mb(bytes) / cpu, rss, Double.parseDouble(stats.get("heap_peak_mb")),
                stats.get("batches"), stats.get("insert_ms_mean"), stats.get("insert_ms_max")));
        return new double[] {mbps, mb(bytes) / cpu, rss};
    }

    private Process startPipeline(String topic, String group, String tableName, long expected, Path log, List<String> jvmOptions,
                                  String... extra) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xms64m", "-Xmx" + System.getProperty("bench.pipelineHeap", "512m")));
        command.addAll(jvmOptions);
        String jfr = System.getenv("BENCH_JFR");
        if (jfr != null && !jfr.isBlank()) {
            command.add("-XX:StartFlightRecording=filename=" + log.resolveSibling("pipeline.jfr") + ",settings=profile");
        }
        command.addAll(List.of(
                "-cp", System.getProperty("java.class.path"), BenchPipeline.class.getName(),
                kafka.bootstrapServers(), topic, group, clickhouse.endpoint(), tableName, Long.toString(expected)));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private Map<String, String> runPipeline(String topic, String group, String tableName, long expected, Path log,
                                            List<String> jvmOptions, String... extra) throws Exception {
        Process process = startPipeline(topic, group, tableName, expected, log, jvmOptions, extra);
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the benchmark pipeline failed; see " + log);
        }
        return pipelineStats(log);
    }

    private static Map<String, String> pipelineStats(Path log) throws Exception {
        for (String line : java.nio.file.Files.readAllLines(log)) {
            if (line.startsWith("BENCH_PIPELINE ")) {
                Map<String, String> stats = new LinkedHashMap<>();
                for (String pair : line.substring("BENCH_PIPELINE ".length()).split(" ")) {
                    String[] kv = pair.split("=", 2);
                    stats.put(kv[0], kv[1]);
                }
                return stats;
            }
        }
        throw new IllegalStateException("no BENCH_PIPELINE line in " + log);
    }

    // ------------------------------------------------------------------ (4) Kafka table engine

    private double kafkaEngine(String topic) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute(GitHubEvents.createTable("github_engine"));
        sql.execute("CREATE TABLE github_queue " + GitHubEvents.COLUMNS + " ENGINE = Kafka SETTINGS kafka_broker_list = '"
                + kafka.bootstrapServers() + "', kafka_topic_list = '" + topic + "', kafka_group_name = 'bench-engine',"
                + " kafka_format = 'JSONEachRow', kafka_num_consumers = " + partitions);
        long start = System.nanoTime();
        sql.execute("CREATE MATERIALIZED VIEW github_engine_mv TO github_engine AS SELECT * FROM github_queue");
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        long rows;
        while ((rows = sql.longValue("SELECT count() FROM github_engine")) < messages) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the Kafka engine landed only " + rows + " rows in 20 minutes");
            }
            Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        sql.execute("DROP TABLE github_engine_mv");
        sql.execute("DROP TABLE github_queue");
        double mbps = mb(jsonBytes) / seconds;
        table.put("ClickHouse Kafka table engine (" + partitions + " consumers + MV)",
                String.format(Locale.ROOT, "%.1f | %.1f s", mbps, seconds));
        return mbps;
    }

    // ------------------------------------------------------------------ Avro

    /** The same events as Confluent-framed Avro through a schema registry; MB are Avro MB. */
    private double[] avro(TestkitPaths paths) throws Exception {
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
            table.put("ClickHouse Kafka table engine, Avro", "n/a | 18.16 has no AvroConfluent input format");
            return tributary("Tributary pipeline, Avro (own JVM; MB of Avro)", topic, "github_avro", avroBytes,
                    paths.newServerDir("bench-pipeline-avro"), "avro", registry.url().toString());
        }
    }

    // ------------------------------------------------------------------ (5) latency

    /** Steady rate into a one-partition topic; latency from produce to visible in ClickHouse. Returns p50, p99 ms. */
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
            table.put("latency at " + latencyRate + " msg/s for " + latencySeconds + " s (default batching)",
                    String.format(Locale.ROOT, "- | p50 %.0f ms, p99 %.0f ms, max %.0f ms", p50, p99, sorted[total - 1] / 1e6));
            return new double[] {p50, p99};
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
