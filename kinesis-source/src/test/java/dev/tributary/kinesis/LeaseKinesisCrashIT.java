package dev.tributary.kinesis;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.Dynalite;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three lease-based instances, each a child JVM, share an 8-shard stream; the third is killed with
 * SIGKILL mid-run: its leases expire and the other two take its shards; every record lands
 * (duplicates are counted and printed).
 *
 * <p>Records keep arriving from the moment the second and third instance start until the killed
 * one's shards have moved, so that the kill interrupts a run whatever the timing. (Before leases were
 * balanced by count, a CI run timed out here: balancing by throughput, KCL gave the joiners of a stream
 * gone idle one shard between them.)
 */
@ExtendWith(TestServers.class)
class LeaseKinesisCrashIT {

    private static final int SHARDS = 8;
    /** Put before the first instance starts. */
    private static final int INITIAL_RECORDS = 2_000;
    /** Then put every {@link #FEED_PERIOD} while the others join and one is killed: 250 records a second. */
    private static final int FEED_RECORDS = 50;
    private static final Duration FEED_PERIOD = Duration.ofMillis(200);

    @Test
    void threeInstancesOneSigkilledMidRunLoseNothing(KinesisMock kinesis, Dynalite dynamodb, ClickHouseServer clickhouse,
                                                     TestkitPaths paths) throws Exception {
        String stream = unique("lease_crash");
        String table = unique("lease_crash");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, _sequence_number String) ENGINE = MergeTree ORDER BY id");
        Path logs = paths.newServerDir("lease-crash-test");
        long started = System.nanoTime();
        long records;
        try (KinesisClient client = client(kinesis);
             DynamoDbClient dynamo = dynamo(dynamodb);
             Feeder feeder = new Feeder(client, stream, INITIAL_RECORDS)) {
            createStream(client, stream, SHARDS);
            put(client, stream, 0, INITIAL_RECORDS);
            // The first alone (KCL 3 workers starting together on a new lease table race; see docs/kinesis.md).
            Process a = startChild(kinesis, dynamodb, clickhouse, stream, table, "lease-crash-a", logs);
            Process b = null;
            Process c = null;
            try {
                await("A to hold every lease", Duration.ofSeconds(60), () -> owners(dynamo, table).values().stream()
                        .filter("lease-crash-a"::equals).count() == SHARDS || !a.isAlive());
                assertTrue(a.isAlive(), "instance A died by itself; see " + logs);
                b = startChild(kinesis, dynamodb, clickhouse, stream, table, "lease-crash-b", logs);
                c = startChild(kinesis, dynamodb, clickhouse, stream, table, "lease-crash-c", logs);
                feeder.start();
                await("B and C to receive shards", Duration.ofSeconds(90), () -> {
                    feeder.check();
                    Map<String, String> owners = owners(dynamo, table);
                    return owners.containsValue("lease-crash-b") && owners.containsValue("lease-crash-c");
                });
                System.out.println("lease crash: before the kill, owners " + owners(dynamo, table));
                Process victim = c;
                assertTrue(victim.isAlive(), "instance C died by itself; see " + logs);
                victim.destroyForcibly(); // SIGKILL: no flush, no commit, no hand-off
                assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
                long atKill = sql.longValue("SELECT uniqExact(id) FROM " + table);
                long putAtKill = feeder.putSoFar();
                System.out.println("lease crash: C killed with " + atKill + " of the " + putAtKill + " records put so far landed");
                assertTrue(atKill < putAtKill, "the kill came after everything put had landed: it did not interrupt a run");

                await("A and B to take C's shards", Duration.ofSeconds(60), () -> {
                    feeder.check();
                    return !owners(dynamo, table).containsValue("lease-crash-c");
                });
                records = feeder.stop();
                await("every record", Duration.ofSeconds(90),
                        () -> sql.longValue("SELECT uniqExact(id) FROM " + table) == records);
            } finally {
                for (Process child : new Process[] {a, b, c}) {
                    if (child != null) {
                        child.destroy(); // SIGTERM: a graceful stop
                        assertTrue(child.waitFor(60, TimeUnit.SECONDS));
                    }
                }
            }
        }
        List<String> counts = sql.rows("SELECT count(), uniqExact(id), min(id), max(id) FROM " + table).get(0);
        long duplicates = Long.parseLong(counts.get(0)) - Long.parseLong(counts.get(1));
        System.out.printf("RESULT kinesis lease crash instances=3 shards=%d records=%d rows=%s unique=%s lost=%d duplicates=%d"
                        + " seconds=%.1f%n", SHARDS, records, counts.get(0), counts.get(1), records - Long.parseLong(counts.get(1)),
                duplicates, (System.nanoTime() - started) / 1e9);
        assertEquals(List.of(Long.toString(records), "0", Long.toString(records - 1)), counts.subList(1, 4), "lost=0");
    }

    /**
     * Puts {@link #FEED_RECORDS} records with the next ids every {@link #FEED_PERIOD} on its own
     * thread, from {@link #start} until {@link #stop}; a failed put fails the test at the next
     * {@link #check}.
     */
    private static final class Feeder implements AutoCloseable {
        private final KinesisClient client;
        private final String stream;
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong next;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        Feeder(KinesisClient client, String stream, long firstId) {
            this.client = client;
            this.stream = stream;
            this.next = new AtomicLong(firstId);
        }

        void start() {
            executor.scheduleAtFixedRate(() -> {
                try {
                    long from = next.get();
                    put(client, stream, from, from + FEED_RECORDS);
                    next.set(from + FEED_RECORDS);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    throw e;
                }
            }, 0, FEED_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        }

        /** How many records have been put so far (ids 0 to this, exclusive). */
        long putSoFar() {
            return next.get();
        }

        void check() {
            Throwable e = failure.get();
            if (e != null) {
                throw new AssertionError("putting records failed", e);
            }
        }

        /** Stops putting and returns how many records were put in all. */
        long stop() throws InterruptedException {
            executor.shutdown();
            assertTrue(executor.awaitTermination(30, TimeUnit.SECONDS), "the last put did not end");
            check();
            return next.get();
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }

    /** The owner of each shard's lease, by shard id. */
    static Map<String, String> owners(DynamoDbClient dynamo, String table) {
        Map<String, String> owners = new TreeMap<>();
        try {
            for (Map<String, AttributeValue> item : dynamo.scan(b -> b.tableName(table).consistentRead(true)).items()) {
                AttributeValue owner = item.get("leaseOwner");
                if (item.get("leaseKey").s().startsWith("shardId-") && owner != null) {
                    owners.put(item.get("leaseKey").s(), owner.s());
                }
            }
        } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException e) {
            // not created yet by the first instance
        }
        return owners;
    }

    static DynamoDbClient dynamo(Dynalite dynamodb) {
        return DynamoDbClient.builder().endpointOverride(dynamodb.endpoint()).region(Region.of(dynamodb.region()))
                .httpClient(ApacheHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(dynamodb.accessKeyId(),
                        dynamodb.secretAccessKey()))).build();
    }

    private static Process startChild(KinesisMock kinesis, Dynalite dynamodb, ClickHouseServer clickhouse, String stream,
                                      String table, String worker, Path logs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
                LeaseCrashTestPipeline.class.getName(), kinesis.endpoint().toString(), dynamodb.endpoint().toString(),
                kinesis.region(), stream, clickhouse.endpoint(), table, table, worker)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(logs.resolve(worker + ".log").toFile());
        // The children authenticate through the SDK's default chain, from these variables.
        builder.environment().put("AWS_ACCESS_KEY_ID", kinesis.accessKeyId());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", kinesis.secretAccessKey());
        builder.environment().remove("AWS_PROFILE");
        return builder.start();
    }
}
