package dev.tributary.kinesis;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At-least-once under crashes: the pipeline runs in a child JVM that is killed with SIGKILL at
 * random moments mid-run and restarted; it resumes from the checkpoints in ClickHouse, and at the
 * end every record is there (duplicates are counted and printed).
 */
@ExtendWith(TestServers.class)
class KinesisCrashIT {

    private static final int RECORDS = 12_000;
    private static final int KILLS = 3;

    @Test
    void sigkillThreeTimesMidRunLosesNothing(KinesisMock kinesis, ClickHouseServer clickhouse, TestkitPaths paths) throws Exception {
        String stream = unique("crash");
        String table = unique("crash");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, _sequence_number String) ENGINE = MergeTree ORDER BY id");
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 8);
            put(client, stream, 0, RECORDS);
        }

        Path logs = paths.newServerDir("kinesis-crash-test");
        SplittableRandom random = new SplittableRandom(7);
        long started = System.nanoTime();
        int kills = 0;
        long landedBefore = 0;
        while (kills < KILLS) {
            Process child = startChild(kinesis, clickhouse, stream, table, logs.resolve("run-" + kills + ".log"));
            long progressFrom = landedBefore;
            await("progress of run " + kills, Duration.ofMinutes(2),
                    () -> sql.longValue("SELECT count() FROM " + table) > progressFrom || !child.isAlive());
            assertTrue(child.isAlive(), "the child pipeline died by itself; see " + logs);
            Thread.sleep(random.nextInt(50, 1500)); // the random moment of the kill, not a wait for anything
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            kills++;
            landedBefore = sql.longValue("SELECT count() FROM " + table);
            System.out.printf("kill %d: %d rows so far%n", kills, landedBefore);
            assertTrue(sql.longValue("SELECT uniqExact(id) FROM " + table) < RECORDS,
                    "kill " + kills + " came after everything had landed: it did not interrupt a run");
        }

        Process last = startChild(kinesis, clickhouse, stream, table, logs.resolve("run-final.log"));
        await("every record", Duration.ofMinutes(3),
                () -> sql.longValue("SELECT uniqExact(id) FROM " + table) == RECORDS || !last.isAlive());
        last.destroy(); // SIGTERM: a graceful stop
        assertTrue(last.waitFor(60, TimeUnit.SECONDS));

        List<String> counts = sql.rows("SELECT count(), uniqExact(id), min(id), max(id) FROM " + table).get(0);
        long duplicates = Long.parseLong(counts.get(0)) - Long.parseLong(counts.get(1));
        System.out.printf("RESULT kinesis crash kills=%d records=%d rows=%s unique=%s lost=%d duplicates=%d seconds=%.1f%n",
                kills, RECORDS, counts.get(0), counts.get(1), RECORDS - Long.parseLong(counts.get(1)), duplicates,
                (System.nanoTime() - started) / 1e9);
        assertEquals(List.of(Integer.toString(RECORDS), "0", Integer.toString(RECORDS - 1)), counts.subList(1, 4), "no record lost");
        try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
            store.open();
            Map<String, Checkpoint> checkpoints = store.load("crash-test", stream);
            assertEquals(8, checkpoints.size(), "every shard checkpointed: " + checkpoints);
        }
    }

    private static Process startChild(KinesisMock kinesis, ClickHouseServer clickhouse, String stream, String table, Path log)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                CrashTestPipeline.class.getName(), kinesis.endpoint().toString(), kinesis.region(), stream,
                clickhouse.endpoint(), table)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // The child authenticates through the SDK's default chain, from these variables.
        builder.environment().put("AWS_ACCESS_KEY_ID", kinesis.accessKeyId());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", kinesis.secretAccessKey());
        builder.environment().remove("AWS_PROFILE");
        return builder.start();
    }
}
