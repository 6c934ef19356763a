package dev.tributary.bench.chaos;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.Dynalite;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestkitPaths;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static dev.tributary.bench.chaos.KinesisChaosStream.shardId;

/**
 * The chaos run of the lease-based Kinesis mode ({@code LeaseKinesisSource}, issue #17): a kinesis-mock
 * stream of 8 shards, leases in dynalite, ClickHouse 18.16 (a plain {@code MergeTree}: the mode is at
 * least once). Three instances ({@link KinesisLeaseChaosPipeline}, child JVMs) share the stream — the
 * first alone until it holds every lease (KCL 3 workers starting together on a new lease table race),
 * then the other two — while {@code KLCHAOS_RECORDS} records are put at a steady rate with spread
 * partition keys. Spread over the production, in this order: one instance is SIGKILLed (the survivors
 * must own its shards afterwards, read from the lease table), a fourth instance starts (its log must
 * show shards assigned to it), shard 0 is split, shards 2 and 3 (adjacent) are merged, and one instance
 * is stopped with SIGTERM (its shards must be handed off to the others). At the end every id is checked:
 * {@code RESULT kinesis_lease_chaos lost=… dup=… instances=4 killed=1 joined=1 graceful_stops=1
 * reshards=2 takeover=yes|no join_received=yes|no handoff=yes|no records=… keys=… resharded_keys=…
 * order_violations=… graceful_dup=… graceful_dup_bound=… seconds=…}. The ids share {@code KLCHAOS_KEYS}
 * partition keys; each row carries when and by which instance it was handed to the pipeline
 * ({@link HandOutStampingSource}), so each key's records are checked to have been handed out in the
 * stream's order across the reshards ({@code order_violations}, over {@code resharded_keys} keys whose
 * records span a parent and a child), and the graceful stop to have caused no more duplicates than its
 * unacknowledged batches ({@code graceful_dup} ≤ {@code graceful_dup_bound}). The exit code is 1 if a
 * record was lost, the takeover, the join or the hand-off did not happen, an instance exited by itself,
 * a key's order was broken (or no key crossed a reshard), or the graceful stop's duplicates exceed the
 * bound. Other duplicates are allowed (at least once) and counted.
 *
 * <p>Environment (defaults): {@code KLCHAOS_RECORDS} (30000), {@code KLCHAOS_KEYS} (64), {@code KLCHAOS_PRODUCE_SECONDS} (120),
 * {@code KLCHAOS_SEED} (42). Servers run on loopback under {@code tributary.testkit.dir}.
 */
public final class KinesisLeaseChaosMain {

    private static final String TABLE = "klchaos";
    private static final String STREAM = "klchaos";
    /** The application, hence the lease table. */
    private static final String APPLICATION = "klchaos";
    private static final int SHARDS = 8;
    private static final String SHARD_END = "SHARD_END";
    private static final Duration LEASE_MOVE_TIMEOUT = Duration.ofSeconds(90);

    private final long records = longEnv("KLCHAOS_RECORDS", 30_000);
    /** Partition keys the ids share, so that each key's order can be checked across the reshards. */
    private final int keys = (int) longEnv("KLCHAOS_KEYS", 64);
    private final Duration produceTime = Duration.ofSeconds(longEnv("KLCHAOS_PRODUCE_SECONDS", 120));
    private final Random random = new Random(longEnv("KLCHAOS_SEED", 42));

    private final long started = System.nanoTime();
    private TestkitPaths paths;
    private ClickHouseServer clickhouse;
    private KinesisMock kinesis;
    private Dynalite dynalite;
    private DynamoDbClient dynamo;
    private Path logs;
    /** The instances started, by worker id; those killed or stopped on purpose leave {@link #running}. */
    private final Map<String, Process> instances = new LinkedHashMap<>();
    private final Map<String, Process> running = new LinkedHashMap<>();
    private int unexpectedExits;
    private int killed;
    private int joined;
    private int gracefulStops;
    private int reshards;
    private boolean takeover;
    private boolean joinReceived;
    private boolean handoff;
    private KinesisChaosProducer producer;
    /** The instance stopped gracefully, and when ({@link HandOutStampingSource}'s stamp then). */
    private String gracefulWorker;
    /** The instance SIGKILLed: its rows are left out of the order check (see {@link #keyOrder}). */
    private String killedWorker;
    private long gracefulStopStamp;

    private KinesisLeaseChaosMain() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(new KinesisLeaseChaosMain().run());
    }

    private static long longEnv(String name, long fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }

    private int run() throws Exception {
        paths = TestkitPaths.fromEnvironment();
        logs = paths.newServerDir("klchaos-pipelines");
        try (ClickHouseServer ch = ClickHouseServer.start(paths); KinesisMock mock = KinesisMock.start(paths);
             Dynalite dyn = Dynalite.start(paths); KinesisClient client = KinesisChaosStream.client(mock);
             DynamoDbClient dynamoClient = dynamo(dyn)) {
            clickhouse = ch;
            kinesis = mock;
            dynalite = dyn;
            dynamo = dynamoClient;
            Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "klchaos-kill-children"));
            ClickHouseSql sql = clickhouse.sql();
            log("ClickHouse %s, kinesis-mock at %s, dynalite at %s; child logs in %s; %,d records over %d s into %d shards",
                    sql.version(), mock.endpoint(), dyn.endpoint(), logs, records, produceTime.toSeconds(), SHARDS);
            sql.execute("CREATE TABLE " + TABLE + " (id UInt64, payload String, _sequence_number String, "
                    + HandOutStampingSource.HANDED + " UInt64, " + HandOutStampingSource.WORKER + " String)"
                    + " ENGINE = MergeTree ORDER BY id");
            client.createStream(request -> request.streamName(STREAM).shardCount(SHARDS));
            KinesisChaosStream.awaitActive(client, STREAM);

            // The first alone until it holds every lease, then the others (see the class comment).
            start("klchaos-a");
            awaitInstances("klchaos-a to hold every lease", Duration.ofMinutes(3),
                    () -> activeOwners().values().stream().filter("klchaos-a"::equals).count() == SHARDS);
            // Production starts before the others join: with KCL's worker metrics off (the source's choice), leases
            // are balanced by throughput, and an idle stream stays with the instance that holds it.
            KinesisChaosProducer producer = new KinesisChaosProducer(client, STREAM, records, produceTime, keys, this::log);
            this.producer = producer;
            Thread producerThread = new Thread(producer, "klchaos-producer");
            producerThread.start();
            start("klchaos-b");
            start("klchaos-c");
            awaitInstances("klchaos-b and klchaos-c to receive shards", Duration.ofMinutes(3), () -> {
                Map<String, String> owners = activeOwners();
                return owners.containsValue("klchaos-b") && owners.containsValue("klchaos-c");
            });
            log("three instances up, owners %s", activeOwners());

            int faults = 5;
            for (int i = 0; i < faults; i++) {
                long milestone = records * (i + 1) / (faults + 1);
                awaitInstances("production of " + milestone + " records", Duration.ofMinutes(5),
                        () -> producer.acked() >= milestone || !producer.producing());
                Thread.sleep(200 + random.nextInt(2_500)); // the random moment of the fault (a deliberate duration)
                long t0 = System.nanoTime();
                switch (i) {
                    case 0 -> killAndCheckTakeover("klchaos-c");
                    case 1 -> joinAndCheckShards("klchaos-d");
                    case 2 -> {
                        KinesisChaosStream.split(client, STREAM, shardId(0));
                        reshards++;
                        log("split %s", shardId(0));
                    }
                    case 3 -> {
                        KinesisChaosStream.merge(client, STREAM, shardId(2), shardId(3));
                        reshards++;
                        log("merged %s and %s", shardId(2), shardId(3));
                    }
                    default -> stopAndCheckHandoff("klchaos-b");
                }
                log("fault %d done in %.1f s; %,d rows, %,d records put; owners %s", i + 1, (System.nanoTime() - t0) / 1e9,
                        rowsOrMinusOne(), producer.acked(), activeOwners());
            }
            producerThread.join(Duration.ofMinutes(10).toMillis());
            if (producer.failure() != null || producerThread.isAlive()) {
                throw new IllegalStateException("the producer did not finish: " + producer.failure(), producer.failure());
            }
            log("all %,d records put (%d PutRecords entries retried); waiting for the instances to land them",
                    records, producer.putRetries());
            try {
                awaitInstances("every id in the table", Duration.ofMinutes(5), this::allLanded);
            } catch (AssertionError e) {
                log("%s", e.getMessage());
            }
            for (String worker : List.copyOf(running.keySet())) {
                stopGracefully(worker);
            }
            return report();
        } finally {
            killAll();
        }
    }

    // ------------------------------------------------------------------ faults

    private void killAndCheckTakeover(String victim) throws Exception {
        Set<String> shards = shardsOf(victim);
        killedWorker = victim;
        Process process = running.remove(victim);
        process.destroyForcibly(); // SIGKILL: no flush, no commit, no hand-off
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(victim + " did not die of SIGKILL");
        }
        killed++;
        log("SIGKILLed %s, which held %s", victim, shards);
        takeover = awaitLeasesMoved(victim, shards, "takeover");
    }

    private void joinAndCheckShards(String worker) throws Exception {
        start(worker);
        joined++;
        // The pipeline logs "pipeline <name>: assigned [<splits>]" when shards are given to it.
        String assigned = "pipeline " + worker + ": assigned [";
        try {
            awaitInstances(worker + " to log shards assigned to it", LEASE_MOVE_TIMEOUT, () -> logLines(worker).stream()
                    .anyMatch(line -> line.contains(assigned) && line.contains("shardId-")));
            joinReceived = true;
            log("%s joined and received %s", worker, shardsOf(worker));
        } catch (AssertionError e) {
            log("%s received no shard: %s", worker, e.getMessage());
        }
    }

    private void stopAndCheckHandoff(String worker) throws Exception {
        Set<String> shards = shardsOf(worker);
        gracefulWorker = worker;
        gracefulStopStamp = System.currentTimeMillis() * 1000;
        boolean stopped = stopGracefully(worker);
        gracefulStops++;
        log("stopped %s gracefully (%s), which held %s", worker, stopped ? "exited" : "had to be killed", shards);
        handoff = stopped & awaitLeasesMoved(worker, shards, "hand-off");
    }

    /**
     * Waits until every one of {@code shards} (those still open) is owned by a running instance, and no open
     * lease is {@code from}'s: KCL's leader may still give a lease to an instance that left, until it
     * notices (seen in this run), and such a lease must move on too.
     */
    private boolean awaitLeasesMoved(String from, Set<String> shards, String what) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            awaitInstances(what + " of " + from + "'s shards " + shards, LEASE_MOVE_TIMEOUT, () -> {
                Map<String, String> owners = owners(false);
                return shards.stream().allMatch(shard -> SHARD_END.equals(checkpoint(shard))
                        || running.containsKey(owners.get(shard))) && !activeOwners().containsValue(from);
            });
            Map<String, String> owners = owners(false);
            Map<String, String> now = new TreeMap<>();
            shards.forEach(shard -> now.put(shard, owners.get(shard)));
            log("%s: %s's shards owned by %s after %.1f s", what, from, now, (System.nanoTime() - t0) / 1e9);
            return true;
        } catch (AssertionError e) {
            log("%s failed: %s; owners %s", what, e.getMessage(), owners(false));
            return false;
        }
    }

    // ------------------------------------------------------------------ instances

    private void start(String worker) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                KinesisLeaseChaosPipeline.class.getName(), kinesis.endpoint().toString(), dynalite.endpoint().toString(),
                kinesis.region(), STREAM, APPLICATION, clickhouse.endpoint(), TABLE, worker)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(worker + ".log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // The child authenticates through the SDK's default chain, from these variables (the servers' placeholders).
        builder.environment().put("AWS_ACCESS_KEY_ID", kinesis.accessKeyId());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", kinesis.secretAccessKey());
        builder.environment().remove("AWS_PROFILE");
        Process process = builder.start();
        instances.put(worker, process);
        running.put(worker, process);
        log("started %s (pid %d)", worker, process.pid());
    }

    /** SIGTERM: the instance flushes, commits and hands its leases off. False if it had to be killed. */
    private boolean stopGracefully(String worker) throws InterruptedException {
        Process process = running.remove(worker);
        process.destroy();
        if (process.waitFor(60, TimeUnit.SECONDS)) {
            return true;
        }
        log("%s did not stop within 60 s of SIGTERM; killing it", worker);
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return false;
    }

    /** Counts (once) the running instances that exited by themselves. */
    private void checkInstances() {
        running.entrySet().removeIf(entry -> {
            if (entry.getValue().isAlive()) {
                return false;
            }
            unexpectedExits++;
            log("%s exited by itself (code %d); see %s", entry.getKey(), entry.getValue().exitValue(), logs);
            return true;
        });
    }

    private void awaitInstances(String what, Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        ChaosWaits.await(what, timeout, () -> {
            checkInstances();
            return condition.getAsBoolean();
        });
    }

    private void killAll() {
        instances.values().forEach(process -> {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        });
    }

    private List<String> logLines(String worker) {
        try {
            return Files.readAllLines(logs.resolve(worker + ".log"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return List.of();
        }
    }

    // ------------------------------------------------------------------ the lease table

    private static DynamoDbClient dynamo(Dynalite dynalite) {
        return DynamoDbClient.builder().endpointOverride(dynalite.endpoint()).region(Region.of(dynalite.region()))
                .httpClient(ApacheHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(dynalite.accessKeyId(),
                        dynalite.secretAccessKey()))).build();
    }

    private List<Map<String, AttributeValue>> leases() {
        try {
            return dynamo.scan(b -> b.tableName(APPLICATION).consistentRead(true)).items().stream()
                    .filter(item -> item.containsKey("leaseKey") && item.get("leaseKey").s().startsWith("shardId-")).toList();
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            return List.of(); // not created yet by the first instance
        } catch (RuntimeException e) {
            log("cannot read the lease table: %s", e);
            return List.of();
        }
    }

    /** The owner of each shard's lease, by shard id; {@code openOnly}: without shards read to their end. */
    private Map<String, String> owners(boolean openOnly) {
        Map<String, String> owners = new TreeMap<>();
        for (Map<String, AttributeValue> item : leases()) {
            AttributeValue owner = item.get("leaseOwner");
            AttributeValue checkpoint = item.get("checkpoint");
            boolean ended = checkpoint != null && SHARD_END.equals(checkpoint.s());
            if (owner != null && !(openOnly && ended)) {
                owners.put(item.get("leaseKey").s(), owner.s());
            }
        }
        return owners;
    }

    private Map<String, String> activeOwners() {
        return owners(true);
    }

    private String checkpoint(String shard) {
        return leases().stream().filter(item -> item.get("leaseKey").s().equals(shard)).findFirst()
                .map(item -> item.get("checkpoint")).map(AttributeValue::s).orElse(null);
    }

    /** The open shards whose lease {@code worker} holds. */
    private Set<String> shardsOf(String worker) {
        Set<String> shards = new java.util.TreeSet<>();
        activeOwners().forEach((shard, owner) -> {
            if (owner.equals(worker)) {
                shards.add(shard);
            }
        });
        return shards;
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

    private int report() {
        ClickHouseSql sql = clickhouse.sql();
        List<String> counts = sql.rows("SELECT count(), uniqExact(id), countIf(id >= " + records + "),"
                + " uniqExact(id, _sequence_number) FROM " + TABLE).get(0);
        long rows = Long.parseLong(counts.get(0));
        long unique = Long.parseLong(counts.get(1));
        long foreign = Long.parseLong(counts.get(2));
        // An id put twice by the producer (a PutRecords retried after a failure) has two sequence numbers:
        // those are the stream's doubles; the pipeline's are rows beyond one per (id, sequence number).
        long uniqueRecords = Long.parseLong(counts.get(3));
        long lost = records - unique;
        long duplicates = rows - uniqueRecords;
        Order order = keyOrder(sql);
        long gracefulDuplicates = gracefulDuplicates(sql);
        long gracefulBound = (long) KinesisChaosPipeline.MAX_ROWS * KinesisChaosPipeline.MAX_IN_FLIGHT_BATCHES;
        double seconds = (System.nanoTime() - started) / 1e9;
        log("rows %,d, unique ids %,d of %,d, ids put twice by the producer %d, unexpected rows %d, unexpected exits %d",
                rows, unique, records, uniqueRecords - unique, foreign, unexpectedExits);
        log("order: %d keys, %d of them across a reshard (records in more than one shard), %d pairs of records out of"
                + " order; %s's graceful stop: %d ids handed out again by another instance afterwards (bound: %d, its"
                + " unacknowledged batches)", keys, order.reshardedKeys(), order.violations(), gracefulWorker,
                gracefulDuplicates, gracefulBound);
        System.out.printf(Locale.ROOT, "RESULT kinesis_lease_chaos lost=%d dup=%d instances=%d killed=%d joined=%d"
                        + " graceful_stops=%d reshards=%d takeover=%s join_received=%s handoff=%s records=%d shards=%d"
                        + " keys=%d resharded_keys=%d order_violations=%d graceful_dup=%d graceful_dup_bound=%d"
                        + " stream_doubles=%d unexpected_exits=%d seconds=%.0f%n",
                lost, duplicates, instances.size(), killed, joined, gracefulStops, reshards, yesNo(takeover),
                yesNo(joinReceived), yesNo(handoff), records, SHARDS, keys, order.reshardedKeys(), order.violations(),
                gracefulDuplicates, gracefulBound, uniqueRecords - unique, unexpectedExits, seconds);
        boolean ok = lost == 0 && foreign == 0 && takeover && joinReceived && handoff && unexpectedExits == 0
                && order.violations() == 0 && order.reshardedKeys() > 0 && gracefulDuplicates <= gracefulBound;
        return ok ? 0 : 1;
    }

    /** Keys whose records are in more than one shard, and pairs of a key's records handed out in another order than the stream's. */
    private record Order(long reshardedKeys, long violations) {
    }

    /**
     * Each key's order: its records in the stream's order — by shard (a child's number is above its
     * parents': Kinesis numbers shards as it creates them), then sequence number — must have been handed
     * to the pipelines in that order, each record counted at its first hand-out (a re-read after a
     * failover hands some out again, later). Left out: ids without a known place in the stream (a put
     * whose answer was lost), and ids the SIGKILLed instance handed out — it died with batches in flight,
     * which may have landed in any order, so its rows say nothing about the order it handed them out in.
     */
    private Order keyOrder(ClickHouseSql sql) {
        Map<Long, Long> firstHanded = new java.util.HashMap<>();
        String killed = killedWorker == null ? "" : killedWorker;
        for (List<String> row : sql.rows("SELECT id, min(" + HandOutStampingSource.HANDED + ") FROM " + TABLE
                + " GROUP BY id HAVING countIf(" + HandOutStampingSource.WORKER + " = '" + killed + "') = 0")) {
            firstHanded.put(Long.parseLong(row.get(0)), Long.parseLong(row.get(1)));
        }
        Map<String, List<long[]>> byKey = new java.util.HashMap<>(); // key -> [shard number, id]
        Map<Long, java.math.BigInteger> sequence = new java.util.HashMap<>();
        for (long id = 0; id < records; id++) {
            String placement = producer.placement(id);
            if (placement == null || !firstHanded.containsKey(id)) {
                continue;
            }
            int slash = placement.indexOf('/');
            long shard = Long.parseLong(placement.substring("shardId-".length(), slash));
            sequence.put(id, new java.math.BigInteger(placement.substring(slash + 1)));
            byKey.computeIfAbsent(producer.key(id), key -> new java.util.ArrayList<>()).add(new long[] {shard, id});
        }
        long resharded = 0;
        long violations = 0;
        for (List<long[]> ids : byKey.values()) {
            ids.sort(java.util.Comparator.<long[]>comparingLong(entry -> entry[0]).thenComparing(entry -> sequence.get(entry[1])));
            if (ids.get(0)[0] != ids.get(ids.size() - 1)[0]) {
                resharded++;
            }
            for (int i = 1; i < ids.size(); i++) {
                if (firstHanded.get(ids.get(i)[1]) < firstHanded.get(ids.get(i - 1)[1])) {
                    violations++;
                    if (violations <= 10) {
                        log("out of order: key %s, id %d (%s) handed out before id %d (%s)", producer.key(ids.get(i)[1]),
                                ids.get(i)[1], producer.placement(ids.get(i)[1]), ids.get(i - 1)[1],
                                producer.placement(ids.get(i - 1)[1]));
                    }
                }
            }
        }
        return new Order(resharded, violations);
    }

    /**
     * The duplicates the graceful stop caused: ids the stopped instance handed out that another instance
     * handed out again after the stop. A graceful stop flushes and commits before it hands the leases off,
     * so at most what was not acknowledged yet may come again.
     */
    private long gracefulDuplicates(ClickHouseSql sql) {
        if (gracefulWorker == null) {
            return -1;
        }
        String worker = HandOutStampingSource.WORKER;
        return sql.longValue("SELECT count() FROM (SELECT id FROM " + TABLE + " GROUP BY id HAVING countIf(" + worker + " = '"
                + gracefulWorker + "') > 0 AND countIf(" + worker + " != '" + gracefulWorker + "' AND "
                + HandOutStampingSource.HANDED + " >= " + gracefulStopStamp + ") > 0)");
    }

    private static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    private void log(String format, Object... args) {
        System.out.printf(Locale.ROOT, "[klchaos %5.0fs] %s%n", (System.nanoTime() - started) / 1e9,
                String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
