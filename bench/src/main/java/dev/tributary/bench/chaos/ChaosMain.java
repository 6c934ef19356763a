package dev.tributary.bench.chaos;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestkitPaths;
import dev.tributary.testkit.ZooKeeperServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The chaos run: a pipeline ({@link ChaosPipeline}, in a child JVM) ingests {@code CHAOS_MESSAGES}
 * JSON messages from Kafka into ClickHouse 18.16 while this program injects faults, one at a time, in
 * a shuffled order: SIGKILL of the pipeline JVM (then a restart), Kafka broker restarts (same ports
 * and data), ClickHouse restarts, and ClickHouse stalls (the {@link StallingProxy} between pipeline
 * and ClickHouse holds responses for longer than the sink's request timeout). Messages are produced
 * at a steady rate during the faults, so that every fault hits a pipeline at work. At the end it
 * checks every message id in the table and prints
 * {@code RESULT chaos lost=… dup=… kills=… broker_restarts=… ch_restarts=… stalls=…} ({@code dup}: rows of
 * one record — one topic position — beyond the first, {@code error_dup} the same in the error table,
 * {@code producer_dup}: messages the producer wrote twice, each copy a record of its own); the exit code
 * is 1 if a message was lost, a row is in the error table (or, with bad records, a bad record is not in
 * it exactly once), a row is there twice under exactly-once, or a pipeline exited by itself.
 *
 * <p>Environment (defaults): {@code CHAOS_MESSAGES} (1000000), {@code CHAOS_PARTITIONS} (4),
 * {@code CHAOS_KILLS} (10), {@code CHAOS_BROKER_RESTARTS} (2), {@code CHAOS_CH_RESTARTS} (2),
 * {@code CHAOS_STALLS} (3), {@code CHAOS_STALL_SECONDS} (12), {@code CHAOS_PRODUCE_SECONDS} (300),
 * {@code CHAOS_SEED} (42); {@code CHAOS_EXACTLY_ONCE} (0; 1: exactly-once delivery into a
 * ReplicatedMergeTree on 18.16, or a MergeTree with a deduplication window on the embedded engine),
 * {@code CHAOS_INSTANCES} (1: pipelines in one consumer group; a kill hits one of them),
 * {@code CHAOS_BAD_EVERY} (0: every message is good; N: every Nth is not JSON and must be in the
 * error table once), {@code CHAOS_ENGINE} ({@code clickhouse}, or {@code chdb}: the chDB 26.5 engine
 * inside each pipeline's JVM, on one data path — then with one instance, and no ClickHouse restarts or
 * stalls). Servers run on loopback under {@code tributary.testkit.dir}.
 */
public final class ChaosMain {

    private enum Fault { KILL, BROKER_RESTART, CLICKHOUSE_RESTART, STALL }

    private static final String TABLE = "chaos";
    private static final String TOPIC = "chaos";

    private final long messages = longEnv("CHAOS_MESSAGES", 1_000_000);
    private final int partitions = (int) longEnv("CHAOS_PARTITIONS", 4);
    private final int kills = (int) longEnv("CHAOS_KILLS", 10);
    private final int brokerRestarts = (int) longEnv("CHAOS_BROKER_RESTARTS", 2);
    private final int clickhouseRestarts = (int) longEnv("CHAOS_CH_RESTARTS", 2);
    private final int stalls = (int) longEnv("CHAOS_STALLS", 3);
    private final Duration stallLength = Duration.ofSeconds(longEnv("CHAOS_STALL_SECONDS", 12));
    private final Duration produceTime = Duration.ofSeconds(longEnv("CHAOS_PRODUCE_SECONDS", 300));
    private final Random random = new Random(longEnv("CHAOS_SEED", 42));
    private final boolean exactlyOnce = longEnv("CHAOS_EXACTLY_ONCE", 0) != 0;
    private final int instances = (int) longEnv("CHAOS_INSTANCES", 1);
    private final long badEvery = longEnv("CHAOS_BAD_EVERY", 0);
    private final boolean embedded = "chdb".equalsIgnoreCase(System.getenv().getOrDefault("CHAOS_ENGINE", "clickhouse"));

    private final long started = System.nanoTime();
    private final AtomicLong acked = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> unacked = new ConcurrentLinkedQueue<>();
    private volatile boolean producing = true;
    private volatile Throwable producerFailure;

    private TestkitPaths paths;
    private ClickHouseServer clickhouse;
    private KafkaBroker kafka;
    private StallingProxy proxy;
    private Path logs;
    /** The pipelines, one per instance. */
    private final Process[] children;
    private int runs;
    private int unexpectedExits;
    private int effectiveStalls;
    private final int[] done = new int[Fault.values().length];
    /** The embedded engine's data path, shared by the pipelines' JVMs one at a time; null with a server. */
    private Path embeddedData;
    /** The target table's CREATE TABLE statement (run by the embedded engine's pipeline itself). */
    private String tableDdl;

    private ChaosMain() {
        if (embedded && instances != 1) {
            throw new IllegalArgumentException("CHAOS_ENGINE=chdb runs one pipeline (the engine's data path is one process's)");
        }
        children = new Process[Math.max(1, instances)];
    }

    public static void main(String[] args) throws Exception {
        // The producer's retries while the broker restarts are expected: keep them out of the output.
        System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
        System.exit(new ChaosMain().run());
    }

    private static long longEnv(String name, long fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }

    private int run() throws Exception {
        paths = TestkitPaths.fromEnvironment();
        logs = paths.newServerDir("chaos-pipeline");
        if (embedded) {
            embeddedData = paths.newServerDir("chaos-chdb");
        }
        try (AutoCloseable servers = startClickHouse(); KafkaBroker broker = KafkaBroker.start(paths)) {
            kafka = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(this::killChildren, "chaos-kill-children"));
            if (embedded) {
                tableDdl = createTable();
                log("the chDB engine in the pipeline's JVM (data in %s), Kafka at %s (pid %d); child logs in %s; %s",
                        embeddedData, broker.bootstrapServers(), broker.pid(), logs, mode());
            } else {
                ClickHouseSql sql = clickhouse.sql();
                log("ClickHouse %s (pid %d), Kafka at %s (pid %d), stalling proxy on 127.0.0.1:%d; child logs in %s; %s",
                        sql.version(), clickhouse.pid(), broker.bootstrapServers(), broker.pid(), proxy.port(), logs, mode());
                tableDdl = createTable();
                sql.execute(tableDdl);
            }
            createTopic();

            Thread producer = new Thread(this::produce, "chaos-producer");
            producer.start();
            for (int i = 0; i < children.length; i++) {
                startChild(i);
            }
            awaitProgress("first rows", Duration.ofMinutes(2));

            List<Fault> plan = plan();
            log("plan: %s", plan);
            for (int i = 0; i < plan.size(); i++) {
                Fault fault = plan.get(i);
                // Faults are spread over the production, so that each one hits a pipeline at work.
                long milestone = messages * (i + 1) / (plan.size() + 1);
                await("production of " + milestone + " messages", Duration.ofMinutes(5),
                        () -> acked.get() >= milestone || !producing);
                Thread.sleep(1_000 + random.nextInt(3_000)); // the spacing of faults (a deliberate duration)
                restartIfDied();
                inject(fault);
                awaitProgress("progress after " + fault, Duration.ofMinutes(3));
            }
            producer.join(Duration.ofMinutes(10).toMillis());
            if (producerFailure != null || producer.isAlive()) {
                throw new IllegalStateException("the producer did not finish: " + producerFailure, producerFailure);
            }
            log("all %,d messages produced and acknowledged; waiting for the pipeline to land them", messages);
            await("every id in the table", Duration.ofMinutes(5), () -> {
                restartIfDied();
                return allLanded();
            });
            stopChildrenGracefully();
            return report();
        } finally {
            killChildren();
        }
    }

    private String mode() {
        return (exactlyOnce ? "EXACTLY_ONCE" : "AT_LEAST_ONCE") + ", " + children.length + " instance(s)"
                + (badEvery > 0 ? ", every " + badEvery + "th message not JSON" : "");
    }

    /**
     * ClickHouse 18.16 behind the stalling proxy (with ZooKeeper for a ReplicatedMergeTree under
     * exactly-once), or nothing for the embedded engine (each pipeline opens it).
     */
    private AutoCloseable startClickHouse() {
        if (embedded) {
            return () -> { };
        }
        List<AutoCloseable> started = new ArrayList<>();
        try {
            if (exactlyOnce) {
                ZooKeeperServer zooKeeper = ZooKeeperServer.start(paths);
                started.add(zooKeeper);
                clickhouse = ClickHouseServer.start(paths, zooKeeper);
            } else {
                clickhouse = ClickHouseServer.start(paths);
            }
            started.add(clickhouse);
            proxy = StallingProxy.start(clickhouse.httpPort());
            started.add(proxy);
        } catch (RuntimeException | java.io.IOException e) {
            closeAll(started);
            throw new IllegalStateException("cannot start ClickHouse: " + e.getMessage(), e);
        }
        return () -> closeAll(started);
    }

    private static void closeAll(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                System.err.println("closing " + started.get(i) + " failed: " + e);
            }
        }
    }

    /**
     * The target table: with exactly-once, one that deduplicates inserts (a ReplicatedMergeTree on 18.16,
     * whose content hash drops a block seen before; a MergeTree with a deduplication window on the
     * embedded engine, which takes the tokens). {@code _partition} and {@code _offset} make every
     * range's rows unlike any other's.
     */
    private String createTable() {
        String engine;
        if (!exactlyOnce) {
            engine = "MergeTree ORDER BY id";
        } else if (embedded) {
            engine = "MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 1000";
        } else {
            engine = clickhouse.replicatedMergeTree(TABLE) + " ORDER BY id";
        }
        return "CREATE TABLE IF NOT EXISTS " + TABLE + " (id UInt64, payload String, _partition UInt64, _offset UInt64)"
                + " ENGINE = " + engine;
    }

    private List<Fault> plan() {
        List<Fault> plan = new ArrayList<>();
        plan.addAll(Collections.nCopies(kills, Fault.KILL));
        plan.addAll(Collections.nCopies(brokerRestarts, Fault.BROKER_RESTART));
        if (!embedded) { // the embedded engine lives and dies with the pipeline's JVM
            plan.addAll(Collections.nCopies(clickhouseRestarts, Fault.CLICKHOUSE_RESTART));
            plan.addAll(Collections.nCopies(stalls, Fault.STALL));
        }
        Collections.shuffle(plan, random);
        return plan;
    }

    private void inject(Fault fault) throws Exception {
        long t0 = System.nanoTime();
        switch (fault) {
            case KILL -> {
                int victim = random.nextInt(children.length);
                Process child = children[victim];
                child.destroyForcibly(); // SIGKILL: no flush, no commit, no goodbye to the group
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the child pipeline did not die of SIGKILL");
                }
                startChild(victim);
            }
            case BROKER_RESTART -> {
                kafka.stop();
                Thread.sleep(2_000); // the broker stays down a while (a deliberate fault duration)
                kafka.start();
            }
            case CLICKHOUSE_RESTART -> {
                clickhouse.stop();
                Thread.sleep(2_000); // the server stays down a while (a deliberate fault duration)
                clickhouse.start();
            }
            case STALL -> {
                long heldBefore = proxy.heldResponses();
                proxy.stall(stallLength);
                Thread.sleep(stallLength.toMillis()); // the stall itself
                if (proxy.heldResponses() == heldBefore) {
                    log("note: the stall held no response back (the pipeline sent nothing while it lasted)");
                } else {
                    effectiveStalls++;
                }
            }
            default -> throw new AssertionError(fault);
        }
        done[fault.ordinal()]++;
        log("%s #%d done in %.1f s; rows %,d, produced %,d", fault, done[fault.ordinal()], (System.nanoTime() - t0) / 1e9,
                rowsOrMinusOne(), acked.get());
    }

    // ------------------------------------------------------------------ the child pipeline

    private void startChild(int instance) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = logs.resolve("run-" + (runs++) + "-instance-" + instance + ".log");
        String target = embedded ? "chdb:" + embeddedData : "http://127.0.0.1:" + proxy.port();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                ChaosPipeline.class.getName(), kafka.bootstrapServers(), TOPIC, "chaos-group", target, TABLE,
                exactlyOnce ? "EXACTLY_ONCE" : "AT_LEAST_ONCE", tableDdl)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))); // chDB reads stdin
        if (embedded) {
            builder.environment().put("TRIBUTARY_CHDB_LIB", chdbLibrary().toString());
        }
        children[instance] = builder.start();
    }

    private Path chdbLibrary() {
        String configured = System.getenv("TRIBUTARY_CHDB_LIB");
        return configured != null && !configured.isBlank() ? Path.of(configured.trim())
                : paths.requireInstalled("chdb-" + dev.tributary.chdb.binding.ChDbEngine.VERSION + "/libchdb.so", "The chDB engine");
    }

    private void restartIfDied() {
        for (int i = 0; i < children.length; i++) {
            Process child = children[i];
            if (child != null && !child.isAlive()) {
                unexpectedExits++;
                log("pipeline %d exited by itself (code %d); restarting it; see %s", i, child.exitValue(), logs);
                try {
                    startChild(i);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot restart pipeline " + i, e);
                }
            }
        }
    }

    private void stopChildrenGracefully() throws InterruptedException {
        for (Process child : children) {
            child.destroy(); // SIGTERM: the pipeline flushes, commits and stops
        }
        for (Process child : children) {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                log("a child pipeline did not stop within 60 s of SIGTERM; killing it");
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    private void killChildren() {
        for (Process current : children) {
            if (current != null && current.isAlive()) {
                current.destroyForcibly();
            }
        }
    }

    // ------------------------------------------------------------------ data

    private void createTopic() throws Exception {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get();
            await("leaders of " + TOPIC, Duration.ofSeconds(30), () -> {
                try {
                    return admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().stream()
                            .allMatch(p -> p.leader() != null && p.leader().id() >= 0);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    static byte[] json(long id) {
        return ("{\"id\":" + id + ",\"payload\":\"message " + id + " of the chaos run\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether message {@code id} is a bad one (not JSON): it belongs in the error table, once. */
    private boolean isBad(long id) {
        return badEvery > 0 && id % badEvery == badEvery - 1;
    }

    /** Message {@code id}: its JSON, or for a bad one text that names it (the error table's raw_value). */
    private byte[] message(long id) {
        return isBad(id) ? ("not json: bad message " + id).getBytes(StandardCharsets.UTF_8) : json(id);
    }

    private long badMessages() {
        return badEvery > 0 ? messages / badEvery : 0;
    }

    /**
     * Produces every id at a steady rate over {@code CHAOS_PRODUCE_SECONDS}, and sends again any
     * message the broker did not acknowledge (a broker restart): every id ends up in the topic at
     * least once, which is what the final check counts on.
     */
    private void produce() {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        // Under exactly-once the check is by id as well as by position: an idempotent producer, retrying for two
        // minutes through a broker restart, writes each id once (a message sent again by the resend below, after
        // its acknowledgement was lost, is a second record: counted apart, as producer_dup).
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(exactlyOnce));
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, exactlyOnce ? "120000" : "60000");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        long begin = System.nanoTime();
        double perNano = messages / (double) produceTime.toNanos();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long id = 0; id < messages; id++) {
                long due = begin + (long) (id / perNano);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the production rate
                }
                send(producer, id);
                resendUnacked(producer);
            }
            producer.flush();
            while (acked.get() < messages) {
                resendUnacked(producer);
                producer.flush();
                if (acked.get() < messages && unacked.isEmpty()) {
                    Thread.sleep(100); // callbacks of the last flush still arriving
                }
            }
        } catch (Throwable e) {
            producerFailure = e;
        } finally {
            producing = false;
        }
    }

    private void send(KafkaProducer<byte[], byte[]> producer, long id) {
        byte[] key = Long.toString(id).getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(TOPIC, key, message(id)), (metadata, error) -> {
            if (error == null) {
                acked.incrementAndGet();
            } else {
                unacked.add(id);
            }
        });
    }

    private void resendUnacked(KafkaProducer<byte[], byte[]> producer) {
        for (Long id = unacked.poll(); id != null; id = unacked.poll()) {
            send(producer, id);
        }
    }

    // ------------------------------------------------------------------ checks

    /**
     * How far the pipelines got: rows in the table and the error table, or (embedded engine, which only
     * the pipeline's JVM can open) the group's committed offsets; -1 while that cannot be read.
     */
    private long rowsOrMinusOne() {
        if (embedded) {
            return committedOffsets();
        }
        long rows;
        try {
            rows = clickhouse.sql().longValue("SELECT count() FROM " + TABLE);
        } catch (RuntimeException e) {
            return -1; // ClickHouse is restarting
        }
        try {
            return rows + clickhouse.sql().longValue("SELECT count() FROM " + TABLE + "_errors");
        } catch (RuntimeException e) {
            return rows; // the pipeline has not created the error table yet (or ClickHouse is restarting)
        }
    }

    private long committedOffsets() {
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            return admin.listConsumerGroupOffsets("chaos-group").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .values().stream().filter(java.util.Objects::nonNull).mapToLong(o -> o.offset()).sum();
        } catch (Exception e) {
            return -1; // the broker is restarting
        }
    }

    /** Whether every good id is in the table and every bad one in the error table (at least once). */
    private boolean allLanded() {
        if (embedded) {
            return committedOffsets() >= messages;
        }
        try {
            ClickHouseSql sql = clickhouse.sql();
            return sql.longValue("SELECT uniqExact(id) FROM " + TABLE) >= messages - badMessages()
                    && (badMessages() == 0 || sql.longValue("SELECT uniqExact(raw_value) FROM " + TABLE + "_errors") >= badMessages());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ChaosWaits.await(what, timeout, condition);
    }

    /** Waits until the table grows past its size now (or everything has landed). */
    private void awaitProgress(String what, Duration timeout) throws InterruptedException {
        ChaosWaits.awaitProgress(what, timeout, this::rowsOrMinusOne, this::restartIfDied, () -> !producing && allLanded());
    }

    private int report() throws Exception {
        long good = messages - badMessages();
        String rowsQuery = "SELECT count(), uniqExact(id), countIf(id >= " + messages + (badEvery > 0
                ? " OR id % " + badEvery + " = " + (badEvery - 1) : "") + "), uniqExact(_partition, _offset) FROM " + TABLE;
        String errorsQuery = "SELECT count(), uniqExact(raw_value), countIf(NOT startsWith(raw_value, 'not json: bad message ')),"
                + " uniqExact(split, position) FROM " + TABLE + "_errors";
        List<String> counts;
        List<String> errorCounts;
        if (embedded) {
            try (dev.tributary.chdb.binding.ChDbEngine engine = dev.tributary.chdb.binding.ChDbEngine.open(chdbLibrary(), embeddedData)) {
                counts = tsvRow(engine.query(rowsQuery, "TSV"));
                errorCounts = tsvRow(engine.query(errorsQuery, "TSV"));
            }
        } else {
            ClickHouseSql sql = clickhouse.sql();
            counts = sql.rows(rowsQuery).get(0);
            errorCounts = sql.rows(errorsQuery).get(0);
        }
        long rows = Long.parseLong(counts.get(0));
        long unique = Long.parseLong(counts.get(1));
        long foreign = Long.parseLong(counts.get(2));
        long errors = Long.parseLong(errorCounts.get(0));
        long uniqueErrors = Long.parseLong(errorCounts.get(1));
        long foreignErrors = Long.parseLong(errorCounts.get(2));
        // A record is a position in the topic: a message the producer sent again (a broker restart lost its
        // acknowledgement) is a second record with the same id, and lands twice, rightly.
        long positions = Long.parseLong(counts.get(3));
        long errorPositions = Long.parseLong(errorCounts.get(3));
        long lost = good - unique + badMessages() - uniqueErrors;
        long duplicates = rows - positions;
        long errorDuplicates = errors - errorPositions;
        long producerDuplicates = positions - unique + errorPositions - uniqueErrors;
        double seconds = (System.nanoTime() - started) / 1e9;
        log("rows %,d, unique ids %,d of %,d good, error-table rows %d (%d distinct) of %d bad, unexpected rows %d and"
                        + " error rows %d, pipeline runs %d (unexpected exits %d)%s",
                rows, unique, good, errors, uniqueErrors, badMessages(), foreign, foreignErrors, runs, unexpectedExits,
                proxy == null ? "" : String.format(Locale.ROOT, ", proxy connections %d, responses held by stalls %d",
                        proxy.connections(), proxy.heldResponses()));
        // A stall counts when it held back at least one response (one that came while nothing was sent does not).
        System.out.printf(Locale.ROOT, "RESULT chaos lost=%d dup=%d error_dup=%d producer_dup=%d kills=%d broker_restarts=%d ch_restarts=%d"
                        + " stalls=%d messages=%d bad=%d errors=%d instances=%d mode=%s engine=%s insert_retries=%d"
                        + " unexpected_exits=%d seconds=%.0f%n", lost, duplicates, errorDuplicates, producerDuplicates,
                done[Fault.KILL.ordinal()], done[Fault.BROKER_RESTART.ordinal()], done[Fault.CLICKHOUSE_RESTART.ordinal()],
                effectiveStalls, messages, badMessages(), errors, children.length,
                exactlyOnce ? "exactly_once" : "at_least_once", embedded ? "chdb" : "clickhouse", insertRetries(),
                unexpectedExits, seconds);
        // A pipeline that died by itself under these faults is a failure too, even when a restart hid it.
        boolean ok = lost == 0 && foreign == 0 && foreignErrors == 0 && (badMessages() > 0 || errors == 0)
                && unexpectedExits == 0 && (!exactlyOnce || duplicates == 0 && errorDuplicates == 0);
        return ok ? 0 : 1;
    }

    private static List<String> tsvRow(byte[] tsv) {
        return List.of(new String(tsv, StandardCharsets.UTF_8).strip().split("\t"));
    }

    /** Inserts the pipeline runs retried, from their logs: proof that the faults reached the sink. */
    private long insertRetries() {
        try (Stream<Path> files = Files.list(logs)) {
            long retries = 0;
            for (Path file : files.toList()) {
                try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
                    retries += lines.filter(line -> line.contains("failed, retrying (attempt")).count();
                }
            }
            return retries;
        } catch (IOException e) {
            return -1;
        }
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[chaos %5.0fs] %s%n", (System.nanoTime() - started) / 1e9, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
