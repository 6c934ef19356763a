package dev.tributary.kafka;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;


import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * At-least-once under crashes: the pipeline runs in a child JVM that is killed with SIGKILL at
 * random moments and restarted; at the end every message is in ClickHouse.
 */
@ExtendWith(TestServers.class)
class KafkaCrashIT {

    private static final long MESSAGES = 500_000;
    private static final int KILLS = 6;

    @Test
    void sigkillAtRandomMomentsLosesNothing(KafkaBroker kafka, ClickHouseServer clickhouse, TestkitPaths paths) throws Exception {
        String topic = "crash-" + System.nanoTime();
        String table = "crash_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, _partition UInt64, _offset UInt64)"
                + " ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 5);

        Path logs = paths.newServerDir("crash-test-pipeline");
        SplittableRandom random = new SplittableRandom(42);
        int kills = 0;
        long landedBefore = 0;
        long produced = 0;
        while (kills < KILLS) {
            // Messages arrive in waves, one before each run, so that every run has work to be killed in.
            long wave = Math.min(MESSAGES, produced + MESSAGES / KILLS);
            KafkaTestData.produce(kafka.clientProperties(), topic, produced, wave);
            produced = wave;
            Process child = startChild(kafka, clickhouse, topic, table, logs.resolve("run-" + kills + ".log"));
            // Kill at a random moment once this run has made some progress (so that every kill
            // interrupts real work: polls, inserts in flight, commits).
            long progressFrom = landedBefore;
            await("progress of run " + kills, Duration.ofMinutes(2),
                    () -> sql.longValue("SELECT count() FROM " + table) > progressFrom || !child.isAlive());
            assertTrue(child.isAlive(), "the child pipeline died by itself; see " + logs);
            Thread.sleep(random.nextInt(50, 1500)); // the random moment of the kill
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            kills++;
            landedBefore = sql.longValue("SELECT count() FROM " + table);
            System.out.printf("kill %d: %d rows so far%n", kills, landedBefore);
        }
        KafkaTestData.produce(kafka.clientProperties(), topic, produced, MESSAGES);

        Process last = startChild(kafka, clickhouse, topic, table, logs.resolve("run-final.log"));
        await("every message id", Duration.ofMinutes(5),
                () -> sql.longValue("SELECT uniqExact(id) FROM " + table) == MESSAGES || !last.isAlive());
        last.destroy(); // SIGTERM: a graceful stop
        assertTrue(last.waitFor(60, TimeUnit.SECONDS));

        List<String> counts = sql.rows("SELECT count(), uniqExact(id), min(id), max(id) FROM " + table).get(0);
        long duplicates = Long.parseLong(counts.get(0)) - Long.parseLong(counts.get(1));
        System.out.printf("RESULT crash kills=%d messages=%d rows=%s unique=%s lost=%d duplicates=%d%n", kills, MESSAGES,
                counts.get(0), counts.get(1), MESSAGES - Long.parseLong(counts.get(1)), duplicates);
        assertTrue(kills >= 5, "at least 5 kills, was " + kills);
        assertEquals(List.of(Long.toString(MESSAGES), "0", Long.toString(MESSAGES - 1)), counts.subList(1, 4), "no message lost");
    }

    private static Process startChild(KafkaBroker kafka, ClickHouseServer clickhouse, String topic, String table, Path log)
            throws Exception {
        return CrashTestPipeline.start(kafka, clickhouse, topic, "crash-group-" + topic, table, log);
    }

}
