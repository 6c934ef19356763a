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
import java.util.concurrent.TimeUnit;

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
 */
@ExtendWith(TestServers.class)
class LeaseKinesisCrashIT {

    private static final int SHARDS = 8;
    private static final int RECORDS = 12_000;

    @Test
    void threeInstancesOneSigkilledMidRunLoseNothing(KinesisMock kinesis, Dynalite dynamodb, ClickHouseServer clickhouse,
                                                     TestkitPaths paths) throws Exception {
        String stream = unique("lease_crash");
        String table = unique("lease_crash");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, _sequence_number String) ENGINE = MergeTree ORDER BY id");
        Path logs = paths.newServerDir("lease-crash-test");
        long started = System.nanoTime();
        try (KinesisClient client = client(kinesis);
             DynamoDbClient dynamo = dynamo(dynamodb)) {
            createStream(client, stream, SHARDS);
            put(client, stream, 0, RECORDS / 2);
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
                await("B and C to receive shards", Duration.ofSeconds(60), () -> {
                    Map<String, String> owners = owners(dynamo, table);
                    return owners.containsValue("lease-crash-b") && owners.containsValue("lease-crash-c");
                });
                put(client, stream, RECORDS / 2, RECORDS);
                System.out.println("lease crash: before the kill, owners " + owners(dynamo, table));
                Process victim = c;
                assertTrue(victim.isAlive(), "instance C died by itself; see " + logs);
                victim.destroyForcibly(); // SIGKILL: no flush, no commit, no hand-off
                assertTrue(victim.waitFor(30, TimeUnit.SECONDS));
                long atKill = sql.longValue("SELECT uniqExact(id) FROM " + table);
                System.out.println("lease crash: C killed with " + atKill + " of " + RECORDS + " records landed");
                assertTrue(atKill < RECORDS, "the kill came after everything had landed: it did not interrupt a run");

                await("A and B to take C's shards", Duration.ofSeconds(60),
                        () -> !owners(dynamo, table).containsValue("lease-crash-c"));
                await("every record", Duration.ofSeconds(90),
                        () -> sql.longValue("SELECT uniqExact(id) FROM " + table) == RECORDS);
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
                        + " seconds=%.1f%n", SHARDS, RECORDS, counts.get(0), counts.get(1), RECORDS - Long.parseLong(counts.get(1)),
                duplicates, (System.nanoTime() - started) / 1e9);
        assertEquals(List.of(Integer.toString(RECORDS), "0", Integer.toString(RECORDS - 1)), counts.subList(1, 4), "lost=0");
    }

    /** The owner of each shard's lease, by shard id. */
    private static Map<String, String> owners(DynamoDbClient dynamo, String table) {
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

    private static DynamoDbClient dynamo(Dynalite dynamodb) {
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
