package dev.tributary.bench.chaos;

import dev.tributary.kinesis.Checkpoint;
import dev.tributary.kinesis.ClickHouseCheckpointStore;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestkitPaths;
import dev.tributary.testkit.ZooKeeperServer;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.tributary.bench.chaos.KinesisChaosStream.shardId;

/**
 * The Kinesis chaos run: a pipeline ({@link KinesisChaosPipeline}, in a child JVM) reads
 * {@code KCHAOS_RECORDS} JSON records from a kinesis-mock stream of {@code KCHAOS_SHARDS} shards into
 * ClickHouse 18.16, its checkpoints (and pending ranges) in the same server, while this program
 * SIGKILLs and restarts it at random moments and reshards the stream mid-run: shard 0 is split in two,
 * later shards 2 and 3 (adjacent) are merged, each reshard followed by a kill as soon as the pipeline
 * reads the closed parent (0, 3) to its end, while its last ranges are landing and it is being finished. Records are put at a steady rate during the faults, each
 * with its own partition key (spread over every shard), so that every fault hits a pipeline at work.
 * At the end it checks every id in the table and prints
 * {@code RESULT kinesis_chaos lost=… dup=… kills=… reshards=… records=… unexpected_exits=… seconds=…};
 * the exit code is 1 if a record was lost, a row is in the error table, a row is there twice under
 * exactly-once, or a pipeline exited by itself.
 *
 * <p>Under exactly-once (the default) the target is a {@code ReplicatedMergeTree} (ZooKeeper is
 * started too), whose content hash drops a replayed block; its {@code _sequence_number} column makes
 * every range's rows unlike any other's. {@code KCHAOS_EXACTLY_ONCE=0} runs at-least-once into a plain
 * {@code MergeTree} for comparison (duplicates are then counted, not failed).
 *
 * <p>Environment (defaults): {@code KCHAOS_RECORDS} (30000), {@code KCHAOS_SHARDS} (4),
 * {@code KCHAOS_KILLS} (6), {@code KCHAOS_PRODUCE_SECONDS} (120), {@code KCHAOS_SEED} (42),
 * {@code KCHAOS_EXACTLY_ONCE} (1). Servers run on loopback under {@code tributary.testkit.dir}.
 */
public final class KinesisChaosMain {

    private enum Fault { KILL, RESHARD }

    private static final String TABLE = "kchaos";
    private static final String STREAM = "kchaos";
    private static final String APPLICATION = "kchaos";
    /** Kills that follow the reshards (one each) rather than coming at a random point of the plan. */
    private static final int KILLS_AFTER_RESHARDS = 2;

    private final long records = longEnv("KCHAOS_RECORDS", 30_000);
    private final int shards = (int) longEnv("KCHAOS_SHARDS", 4);
    private final int kills = (int) longEnv("KCHAOS_KILLS", 6);
    private final Duration produceTime = Duration.ofSeconds(longEnv("KCHAOS_PRODUCE_SECONDS", 120));
    private final Random random = new Random(longEnv("KCHAOS_SEED", 42));
    private final boolean exactlyOnce = longEnv("KCHAOS_EXACTLY_ONCE", 1) != 0;

    private final long started = System.nanoTime();
    private KinesisChaosProducer producer;

    private TestkitPaths paths;
    private ClickHouseServer clickhouse;
    private KinesisMock kinesis;
    private Path logs;
    private Process child;
    /** The log of the running pipeline. */
    private Path childLog;
    private int runs;
    private int unexpectedExits;
    private final int[] done = new int[Fault.values().length];

    private KinesisChaosMain() {
        if (shards < 4) {
            throw new IllegalArgumentException("KCHAOS_SHARDS must be at least 4 (shard 0 is split, shards 2 and 3 merged)");
        }
    }

    public static void main(String[] args) throws Exception {
        System.exit(new KinesisChaosMain().run());
    }

    private static long longEnv(String name, long fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }

    private int run() throws Exception {
        paths = TestkitPaths.fromEnvironment();
        logs = paths.newServerDir("kchaos-pipeline");
        try (AutoCloseable servers = startClickHouse(); KinesisMock mock = KinesisMock.start(paths);
             KinesisClient client = KinesisChaosStream.client(mock)) {
            kinesis = mock;
            Runtime.getRuntime().addShutdownHook(new Thread(this::killChild, "kchaos-kill-child"));
            ClickHouseSql sql = clickhouse.sql();
            log("ClickHouse %s (pid %d), kinesis-mock at %s; child logs in %s; %s, %,d records over %d s",
                    sql.version(), clickhouse.pid(), mock.endpoint(), logs, mode(), records, produceTime.toSeconds());
            sql.execute(createTable());
            client.createStream(request -> request.streamName(STREAM).shardCount(shards));
            KinesisChaosStream.awaitActive(client, STREAM);

            producer = new KinesisChaosProducer(client, STREAM, records, produceTime, this::log);
            Thread producerThread = new Thread(producer, "kchaos-producer");
            producerThread.start();
            startChild();
            awaitProgress("first rows", Duration.ofMinutes(2));

            List<Fault> plan = plan();
            log("plan: %s", plan);
            for (int i = 0; i < plan.size(); i++) {
                Fault fault = plan.get(i);
                // Faults are spread over the production, so that each one hits a pipeline at work.
                long milestone = records * (i + 1) / (plan.size() + 1);
                await("production of " + milestone + " records", Duration.ofMinutes(5),
                        () -> producer.acked() >= milestone || !producer.producing());
                Thread.sleep(200 + random.nextInt(2_500)); // the random moment of the fault (a deliberate duration)
                restartIfDied();
                inject(fault, client);
                awaitProgress("progress after " + fault, Duration.ofMinutes(3));
            }
            producerThread.join(Duration.ofMinutes(10).toMillis());
            if (producer.failure() != null || producerThread.isAlive()) {
                throw new IllegalStateException("the producer did not finish: " + producer.failure(), producer.failure());
            }
            log("all %,d records put (%d PutRecords entries retried); waiting for the pipeline to land them",
                    records, producer.putRetries());
            await("every id in the table", Duration.ofMinutes(5), () -> {
                restartIfDied();
                return allLanded();
            });
            stopChildGracefully();
            return report();
        } finally {
            killChild();
        }
    }

    private String mode() {
        return exactlyOnce ? "EXACTLY_ONCE into a ReplicatedMergeTree" : "AT_LEAST_ONCE into a MergeTree";
    }

    /** ClickHouse 18.16, with ZooKeeper under exactly-once (for the ReplicatedMergeTree). */
    private AutoCloseable startClickHouse() {
        if (!exactlyOnce) {
            clickhouse = ClickHouseServer.start(paths);
            return clickhouse;
        }
        ZooKeeperServer zooKeeper = ZooKeeperServer.start(paths);
        try {
            clickhouse = ClickHouseServer.start(paths, zooKeeper);
        } catch (RuntimeException e) {
            zooKeeper.close();
            throw e;
        }
        return () -> {
            try {
                clickhouse.close();
            } finally {
                zooKeeper.close();
            }
        };
    }

    /**
     * The target table. {@code _sequence_number} (a virtual column of the source) makes every range's
     * rows unlike any other range's, which 18.16's content-hash deduplication needs.
     */
    private String createTable() {
        String engine = exactlyOnce ? clickhouse.replicatedMergeTree(TABLE) : "MergeTree";
        return "CREATE TABLE " + TABLE + " (id UInt64, payload String, _sequence_number String) ENGINE = " + engine
                + " ORDER BY id";
    }

    /**
     * The kills and the two reshards (a split, then a merge), shuffled; two of the kills are not in the
     * plan but follow the reshards (see {@link #inject}).
     */
    private List<Fault> plan() {
        List<Fault> plan = new ArrayList<>(Collections.nCopies(Math.max(0, kills - KILLS_AFTER_RESHARDS), Fault.KILL));
        plan.add(Fault.RESHARD);
        plan.add(Fault.RESHARD);
        Collections.shuffle(plan, random);
        return plan;
    }

    private void inject(Fault fault, KinesisClient client) throws Exception {
        long t0 = System.nanoTime();
        String what = "";
        switch (fault) {
            case KILL -> killAndRestart();
            case RESHARD -> {
                String parent;
                if (done[Fault.RESHARD.ordinal()] == 0) {
                    parent = shardId(0);
                    KinesisChaosStream.split(client, STREAM, parent);
                    what = " (split of " + parent + ")";
                } else {
                    parent = shardId(3);
                    KinesisChaosStream.merge(client, STREAM, shardId(2), parent);
                    what = " (merge of " + shardId(2) + " and " + parent + ")";
                }
                if (done[Fault.KILL.ordinal()] < kills) {
                    // A kill as soon as the pipeline reads a closed parent to its end, while its last ranges
                    // are flushed, committed and its SHARD_END saved: they may be pending when it dies.
                    String end = "reached the end of shard " + STREAM + "/" + parent;
                    boolean seen = awaitInLog(end, Duration.ofSeconds(90));
                    killAndRestart();
                    done[Fault.KILL.ordinal()]++;
                    what += " and KILL #" + done[Fault.KILL.ordinal()] + (seen ? " at the end of " + parent
                            : " (the end of " + parent + " not seen in 90 s)");
                }
            }
            default -> throw new AssertionError(fault);
        }
        done[fault.ordinal()]++;
        log("%s #%d%s done in %.1f s; rows %,d, put %,d", fault, done[fault.ordinal()], what, (System.nanoTime() - t0) / 1e9,
                rowsOrMinusOne(), producer.acked());
    }

    /** Waits until the running pipeline's log has a line containing {@code text}; false after {@code timeout}. */
    private boolean awaitInLog(String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            restartIfDied();
            if (Files.readString(childLog, StandardCharsets.ISO_8859_1).contains(text)) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    private void killAndRestart() throws Exception {
        child.destroyForcibly(); // SIGKILL: no flush, no commit
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the child pipeline did not die of SIGKILL");
        }
        startChild();
    }

    // ------------------------------------------------------------------ the child pipeline

    private void startChild() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = logs.resolve("run-" + (runs++) + ".log");
        childLog = log;
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                KinesisChaosPipeline.class.getName(), kinesis.endpoint().toString(), kinesis.region(), STREAM, APPLICATION,
                clickhouse.endpoint(), TABLE, exactlyOnce ? "EXACTLY_ONCE" : "AT_LEAST_ONCE")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // The child authenticates through the SDK's default chain, from these variables (kinesis-mock's placeholders).
        builder.environment().put("AWS_ACCESS_KEY_ID", kinesis.accessKeyId());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", kinesis.secretAccessKey());
        builder.environment().remove("AWS_PROFILE");
        child = builder.start();
    }

    private void restartIfDied() {
        if (child != null && !child.isAlive()) {
            unexpectedExits++;
            log("the pipeline exited by itself (code %d); restarting it; see %s", child.exitValue(), logs);
            try {
                startChild();
            } catch (Exception e) {
                throw new IllegalStateException("cannot restart the pipeline", e);
            }
        }
    }

    private void stopChildGracefully() throws InterruptedException {
        child.destroy(); // SIGTERM: the pipeline flushes, commits and stops
        if (!child.waitFor(60, TimeUnit.SECONDS)) {
            log("the pipeline did not stop within 60 s of SIGTERM; killing it");
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private void killChild() {
        Process current = child;
        if (current != null && current.isAlive()) {
            current.destroyForcibly();
        }
    }

    // ------------------------------------------------------------------ checks

    private long rowsOrMinusOne() {
        try {
            return clickhouse.sql().longValue("SELECT count() FROM " + TABLE);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private boolean allLanded() {
        try {
            return clickhouse.sql().longValue("SELECT uniqExact(id) FROM " + TABLE) >= records;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        ChaosWaits.await(what, timeout, condition);
    }

    /** Waits until the table grows past its size now (or everything has landed). */
    private void awaitProgress(String what, Duration timeout) throws InterruptedException {
        ChaosWaits.awaitProgress(what, timeout, this::rowsOrMinusOne, this::restartIfDied, () -> !producer.producing() && allLanded());
    }

    private int report() {
        ClickHouseSql sql = clickhouse.sql();
        List<String> counts = sql.rows("SELECT count(), uniqExact(id), countIf(id >= " + records + "),"
                + " uniqExact(id, _sequence_number) FROM " + TABLE).get(0);
        long rows = Long.parseLong(counts.get(0));
        long unique = Long.parseLong(counts.get(1));
        long foreign = Long.parseLong(counts.get(2));
        // An id stored twice in the stream (a PutRecords retried after a failure) has two sequence numbers:
        // rows of distinct (id, sequence number) above the ids are the stream's doubles, not the pipeline's.
        long uniqueRecords = Long.parseLong(counts.get(3));
        long streamDoubles = uniqueRecords - unique;
        long errors = sql.longValue("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = '"
                + TABLE + "_errors'") == 0 ? 0 : sql.longValue("SELECT count() FROM " + TABLE + "_errors");
        long lost = records - unique;
        long duplicates = rows - uniqueRecords;
        if (duplicates > 0 || lost > 0) {
            describeAnomalies(sql, lost);
        }
        String pendingLeft = pendingLeft();
        long replayed = replayedRanges();
        // Blocks the Replicated table dropped as seen before: replays of ranges that had landed before a kill.
        long dropped = sql.longValue("SELECT sum(value) FROM system.events WHERE event = 'DuplicatedInsertedBlocks'");
        double seconds = (System.nanoTime() - started) / 1e9;
        log("rows %,d, unique ids %,d of %,d, ids put twice by the producer %d, error-table rows %d, unexpected rows %d,"
                        + " pipeline runs %d (unexpected exits %d), pending ranges left after the graceful stop: %s",
                rows, unique, records, streamDoubles, errors, foreign, runs, unexpectedExits, pendingLeft);
        System.out.printf(Locale.ROOT, "RESULT kinesis_chaos lost=%d dup=%d kills=%d reshards=%d records=%d shards=%d mode=%s"
                        + " replayed_ranges=%d dropped_blocks=%d stream_doubles=%d errors=%d unexpected_exits=%d seconds=%.0f%n",
                lost, duplicates, done[Fault.KILL.ordinal()], done[Fault.RESHARD.ordinal()], records, shards,
                exactlyOnce ? "exactly_once" : "at_least_once", replayed, dropped, streamDoubles, errors, unexpectedExits, seconds);
        boolean ok = lost == 0 && foreign == 0 && errors == 0 && unexpectedExits == 0 && (!exactlyOnce || duplicates == 0);
        return ok ? 0 : 1;
    }

    /**
     * Names the doubled and lost ids: per shard (where the producer put them) how many and the first and
     * last, then the first few one by one, to look up in the pipeline's logs (run dir).
     */
    private void describeAnomalies(ClickHouseSql sql, long lost) {
        List<Long> doubled = new ArrayList<>();
        for (List<String> row : sql.rows("SELECT id FROM " + TABLE + " GROUP BY id, _sequence_number HAVING count() > 1 ORDER BY id")) {
            doubled.add(Long.parseLong(row.get(0)));
        }
        List<Long> missing = new ArrayList<>();
        if (lost > 0) {
            BitSet seen = new BitSet();
            sql.rows("SELECT DISTINCT id FROM " + TABLE).forEach(row -> seen.set(Integer.parseInt(row.get(0))));
            for (int id = seen.nextClearBit(0); id < records; id = seen.nextClearBit(id + 1)) {
                missing.add((long) id);
            }
        }
        describe("doubled", doubled);
        describe("lost", missing);
    }

    private void describe(String what, List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        Map<String, List<Long>> byShard = new TreeMap<>();
        for (long id : ids) {
            String where = producer.placement(id);
            byShard.computeIfAbsent(where == null ? "?" : where.substring(0, where.indexOf('/')), k -> new ArrayList<>()).add(id);
        }
        byShard.forEach((shard, list) -> log("%s: %d ids put to %s, ids %d..%d", what, list.size(), shard, list.get(0),
                list.get(list.size() - 1)));
        for (long id : ids.subList(0, Math.min(10, ids.size()))) {
            log("%s: id %d, put to %s", what, id, producer.placement(id));
        }
    }

    /**
     * The pending ranges the restarted pipelines found and replayed, from their logs: proof that kills
     * hit batches in flight (exactly-once only; -1 if the logs cannot be read).
     */
    private long replayedRanges() {
        Pattern replay = Pattern.compile("has (\\d+) pending range\\(s\\)");
        long replayed = 0;
        try (Stream<Path> files = Files.list(logs)) {
            for (Path file : files.toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                    Matcher matcher = replay.matcher(line);
                    if (matcher.find()) {
                        replayed += Long.parseLong(matcher.group(1));
                    }
                }
            }
            return replayed;
        } catch (IOException e) {
            return -1;
        }
    }

    /** The pending ranges still saved per shard after the graceful stop (none expected). */
    private String pendingLeft() {
        try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().endpoint(clickhouse.endpoint()).build()) {
            store.open();
            Map<String, Checkpoint> checkpoints = store.load(APPLICATION, STREAM);
            StringBuilder left = new StringBuilder();
            checkpoints.forEach((shard, checkpoint) -> {
                if (checkpoint.hasPendingRanges()) {
                    left.append(shard).append('=').append(checkpoint.pendingRanges()).append(' ');
                }
            });
            return left.length() == 0 ? "none (" + checkpoints.size() + " shards checkpointed)" : left.toString().trim();
        } catch (RuntimeException e) {
            return "unknown (" + e + ")";
        }
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[kchaos %5.0fs] %s%n", (System.nanoTime() - started) / 1e9, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
