package dev.tributary.bench.chaos;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestkitPaths;
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
 * {@code RESULT chaos lost=… dup=… kills=… broker_restarts=… ch_restarts=… stalls=…}; the exit code
 * is 1 if a message was lost, a row is in the error table, or the pipeline exited by itself.
 *
 * <p>Environment (defaults): {@code CHAOS_MESSAGES} (1000000), {@code CHAOS_PARTITIONS} (4),
 * {@code CHAOS_KILLS} (10), {@code CHAOS_BROKER_RESTARTS} (2), {@code CHAOS_CH_RESTARTS} (2),
 * {@code CHAOS_STALLS} (3), {@code CHAOS_STALL_SECONDS} (12), {@code CHAOS_PRODUCE_SECONDS} (300),
 * {@code CHAOS_SEED} (42). Servers run on loopback under {@code tributary.testkit.dir}.
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
    private Process child;
    private int runs;
    private int unexpectedExits;
    private int effectiveStalls;
    private final int[] done = new int[Fault.values().length];

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
        try (ClickHouseServer ch = ClickHouseServer.start(paths); KafkaBroker broker = KafkaBroker.start(paths);
             StallingProxy stallingProxy = StallingProxy.start(ch.httpPort())) {
            clickhouse = ch;
            kafka = broker;
            proxy = stallingProxy;
            Runtime.getRuntime().addShutdownHook(new Thread(this::killChild, "chaos-kill-child"));
            ClickHouseSql sql = ch.sql();
            log("ClickHouse %s (pid %d), Kafka at %s (pid %d), stalling proxy on 127.0.0.1:%d; child logs in %s",
                    sql.version(), ch.pid(), broker.bootstrapServers(), broker.pid(), proxy.port(), logs);
            sql.execute("CREATE TABLE " + TABLE + " (id UInt64, payload String, _partition UInt64, _offset UInt64)"
                    + " ENGINE = MergeTree ORDER BY id");
            createTopic();

            Thread producer = new Thread(this::produce, "chaos-producer");
            producer.start();
            startChild();
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
                return uniqueIds() >= messages;
            });
            stopChildGracefully();
            return report(sql);
        } finally {
            killChild();
        }
    }

    private List<Fault> plan() {
        List<Fault> plan = new ArrayList<>();
        plan.addAll(Collections.nCopies(kills, Fault.KILL));
        plan.addAll(Collections.nCopies(brokerRestarts, Fault.BROKER_RESTART));
        plan.addAll(Collections.nCopies(clickhouseRestarts, Fault.CLICKHOUSE_RESTART));
        plan.addAll(Collections.nCopies(stalls, Fault.STALL));
        Collections.shuffle(plan, random);
        return plan;
    }

    private void inject(Fault fault) throws Exception {
        long t0 = System.nanoTime();
        switch (fault) {
            case KILL -> {
                child.destroyForcibly(); // SIGKILL: no flush, no commit, no goodbye to the group
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the child pipeline did not die of SIGKILL");
                }
                startChild();
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

    private void startChild() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = logs.resolve("run-" + (runs++) + ".log");
        child = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                ChaosPipeline.class.getName(), kafka.bootstrapServers(), TOPIC, "chaos-group",
                "http://127.0.0.1:" + proxy.port(), TABLE)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private void restartIfDied() {
        if (child != null && !child.isAlive()) {
            unexpectedExits++;
            log("the child pipeline exited by itself (code %d); restarting it; see %s", child.exitValue(), logs);
            try {
                startChild();
            } catch (Exception e) {
                throw new IllegalStateException("cannot restart the child pipeline", e);
            }
        }
    }

    private void stopChildGracefully() throws InterruptedException {
        child.destroy(); // SIGTERM: the pipeline flushes, commits and stops
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            log("the child pipeline did not stop within 60 s of SIGTERM; killing it");
            child.destroyForcibly();
        }
    }

    private void killChild() {
        Process current = child;
        if (current != null && current.isAlive()) {
            current.destroyForcibly();
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

    /**
     * Produces every id at a steady rate over {@code CHAOS_PRODUCE_SECONDS}, and sends again any
     * message the broker did not acknowledge (a broker restart): every id ends up in the topic at
     * least once, which is what the final check counts on.
     */
    private void produce() {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
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
        producer.send(new ProducerRecord<>(TOPIC, key, json(id)), (metadata, error) -> {
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

    private long rowsOrMinusOne() {
        try {
            return clickhouse.sql().longValue("SELECT count() FROM " + TABLE);
        } catch (RuntimeException e) {
            return -1; // ClickHouse is restarting
        }
    }

    private long uniqueIds() {
        try {
            return clickhouse.sql().longValue("SELECT uniqExact(id) FROM " + TABLE);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Waits until the table grows past its size now (or everything has landed). */
    private void awaitProgress(String what, Duration timeout) throws InterruptedException {
        long before = rowsOrMinusOne();
        await(what, timeout, () -> {
            restartIfDied();
            long now = rowsOrMinusOne();
            return now > before && before >= 0 || (!producing && uniqueIds() >= messages);
        });
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(100);
        }
    }

    private int report(ClickHouseSql sql) {
        List<String> counts = sql.rows("SELECT count(), uniqExact(id), countIf(id >= " + messages + ") FROM " + TABLE).get(0);
        long rows = Long.parseLong(counts.get(0));
        long unique = Long.parseLong(counts.get(1));
        long foreign = Long.parseLong(counts.get(2));
        long errors = sql.longValue("SELECT count() FROM " + TABLE + "_errors");
        long lost = messages - unique;
        long duplicates = rows - unique;
        double seconds = (System.nanoTime() - started) / 1e9;
        log("rows %,d, unique ids %,d of %,d, error-table rows %d, ids out of range %d, pipeline runs %d"
                        + " (unexpected exits %d), proxy connections %d, responses held by stalls %d",
                rows, unique, messages, errors, foreign, runs, unexpectedExits, proxy.connections(), proxy.heldResponses());
        // A stall counts when it held back at least one response (one that came while nothing was sent does not).
        System.out.printf(Locale.ROOT, "RESULT chaos lost=%d dup=%d kills=%d broker_restarts=%d ch_restarts=%d stalls=%d"
                        + " messages=%d errors=%d insert_retries=%d unexpected_exits=%d seconds=%.0f%n", lost, duplicates,
                done[Fault.KILL.ordinal()], done[Fault.BROKER_RESTART.ordinal()], done[Fault.CLICKHOUSE_RESTART.ordinal()],
                effectiveStalls, messages, errors, insertRetries(), unexpectedExits, seconds);
        // A pipeline that died by itself under these faults is a failure too, even when a restart hid it.
        return lost == 0 && foreign == 0 && errors == 0 && unexpectedExits == 0 ? 0 : 1;
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
