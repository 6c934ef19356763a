package dev.tributary.kinesis;

import dev.tributary.core.SourceContext;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commits follow a landed batch at once (issue #11, item 7). {@code wakeup()} ends a poll in
 * progress at once, from any thread; {@code commit} has saved the checkpoints when it returns. And
 * end to end: a consumer SIGKILLed during a catch-up re-reads only what had landed in the last
 * moment before the kill, not whole batches that landed while its thread waited in {@code poll}.
 */
@ExtendWith(TestServers.class)
class KinesisPromptCommitIT {

    private static final int RECORDS = 4_000;
    /** A landed batch must be checkpointed within this (it takes milliseconds; the poll timeout is 10 s). */
    private static final Duration SLACK = Duration.ofSeconds(1);

    @Test
    void wakeupEndsAPollInProgressAtOnceFromAnyThreadAndCommitSavesBeforeItReturns(KinesisMock kinesis,
                                                                                  ClickHouseServer clickhouse) throws Exception {
        String stream = unique("wakeup");
        String application = unique("wakeup");
        Map<Long, KinesisTestData.Put> puts;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 1);
            puts = put(client, stream, 0, 1);
        }
        KinesisSource source = source(kinesis, kinesis.endpoint(), stream, Mode.POLLING, clickhouse)
                .applicationName(application).build();
        source.wakeup(); // before open: harmless
        source.open(quietContext());
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<dev.tributary.core.SourceRecord> first = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (first.isEmpty() && System.nanoTime() < deadline) {
                first.addAll(source.poll(Duration.ofMillis(200)));
            }
            assertEquals(1, first.size(), "the one record");

            for (int round = 0; round < 5; round++) {
                Thread[] poller = new Thread[1];
                Future<Long> poll = threads.submit(() -> {
                    poller[0] = Thread.currentThread();
                    long started = System.nanoTime();
                    source.poll(Duration.ofSeconds(10));
                    return (System.nanoTime() - started) / 1_000_000;
                });
                await("the poll to wait", Duration.ofSeconds(5), () -> poller[0] != null
                        && poller[0].getState() == Thread.State.TIMED_WAITING);
                long woken = System.nanoTime();
                threads.submit(source::wakeup); // from yet another thread, as the sink's insert threads do
                long pollMillis = poll.get(5, TimeUnit.SECONDS);
                long afterWakeup = (System.nanoTime() - woken) / 1_000_000;
                assertTrue(afterWakeup < 500, "poll returned " + afterWakeup + " ms after wakeup (of a 10 s timeout)");
                assertTrue(pollMillis < 10_000);
            }

            source.commit(List.of(first.get(0).position()));
            try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
                store.open();
                assertEquals(Map.of(puts.get(0L).shardId(), Checkpoint.at(puts.get(0L).sequenceNumber())),
                        store.load(application, stream), "saved when commit returned");
            }
        } finally {
            threads.shutdownNow();
            source.close();
        }
        source.wakeup(); // after close: harmless
    }

    @Test
    void aConsumerKilledDuringCatchUpReReadsOnlyWhatLandedInTheLastMoment(KinesisMock kinesis, ClickHouseServer clickhouse,
                                                                          TestkitPaths paths) throws Exception {
        String stream = unique("catch_up");
        String table = unique("catch_up");
        ClickHouseSql sql = clickhouse.sql();
        // Each insert takes at least 100 ms (sleep in a MATERIALIZED column): ClickHouse is the
        // bottleneck of the catch-up, as it is when a consumer catches up on a backlog.
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, _sequence_number String,"
                + " slow UInt8 MATERIALIZED sleep(0.1)) ENGINE = MergeTree ORDER BY id");
        Map<Long, KinesisTestData.Put> puts;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 4);
            puts = put(client, stream, 0, RECORDS);
        }
        Path logs = paths.newServerDir("kinesis-catch-up-test");

        Process child = startChild(kinesis, clickhouse, stream, table, logs.resolve("run-killed.log"));
        // Landed rows over time, sampled as fast as the server answers.
        List<long[]> landed = new ArrayList<>();
        long firstLanding = 0;
        long killAt = 0;
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long previous = 0;
        while (true) {
            assertTrue(System.nanoTime() < deadline, "no progress within 2 minutes; see " + logs);
            assertTrue(child.isAlive(), "the child pipeline died by itself; see " + logs);
            long now = System.nanoTime();
            long count = sql.longValue("SELECT count() FROM " + table);
            landed.add(new long[] {now, count});
            if (count > 0 && firstLanding == 0) {
                firstLanding = now;
            }
            // Two seconds into the catch-up: kill right after the next batch lands, or after one more second.
            if (firstLanding != 0 && now - firstLanding > Duration.ofSeconds(2).toNanos()) {
                if (killAt == 0) {
                    killAt = now + Duration.ofSeconds(1).toNanos();
                }
                if (count != previous || now >= killAt) {
                    break;
                }
            }
            previous = count;
        }
        child.destroyForcibly(); // SIGKILL
        long killed = System.nanoTime();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        // An insert whose request was complete may still be carried out by the server: wait for it.
        await("the child's inserts to end", Duration.ofSeconds(30), () -> sql.longValue("SELECT count() FROM system.processes"
                + " WHERE query_id LIKE 'tributary-%' AND query LIKE '%" + table + "%'") == 0);

        List<Long> ids = new ArrayList<>();
        sql.rows("SELECT id FROM " + table).forEach(row -> ids.add(Long.parseLong(row.get(0))));
        Map<String, Checkpoint> checkpoints;
        try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
            store.open();
            checkpoints = store.load(CatchUpTestPipeline.NAME, stream);
        }
        long uncheckpointed = ids.stream().filter(id -> !covered(checkpoints, puts.get(id))).count();
        long landedEarly = landedBefore(landed, killed - SLACK.toNanos());
        long landedLate = ids.size() - landedEarly;
        System.out.printf("RESULT catch-up kill: %,d rows landed (%,d in the last %d ms before the kill), %,d of them not"
                        + " checkpointed; checkpoints %s%n", ids.size(), landedLate, SLACK.toMillis(), uncheckpointed, checkpoints);
        assertTrue(ids.size() < RECORDS, "the kill came during the catch-up, not after it");
        assertTrue(uncheckpointed <= landedLate, uncheckpointed + " landed rows not checkpointed, but only " + landedLate
                + " landed in the last " + SLACK.toMillis() + " ms before the kill: a landed batch waited for its commit");
        assertTrue(uncheckpointed <= (long) CatchUpTestPipeline.MAX_BATCH_ROWS * CatchUpTestPipeline.MAX_IN_FLIGHT,
                uncheckpointed + " rows not checkpointed: more than the batches in flight");

        Process again = startChild(kinesis, clickhouse, stream, table, logs.resolve("run-final.log"));
        await("every record", Duration.ofMinutes(2),
                () -> sql.longValue("SELECT uniqExact(id) FROM " + table) == RECORDS || !again.isAlive());
        again.destroy(); // SIGTERM: a graceful stop
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        List<String> counts = sql.rows("SELECT count(), uniqExact(id) FROM " + table).get(0);
        long duplicates = Long.parseLong(counts.get(0)) - Long.parseLong(counts.get(1));
        System.out.printf("RESULT catch-up kill: records=%d rows=%s unique=%s duplicates=%d (uncheckpointed at the kill %d)%n",
                RECORDS, counts.get(0), counts.get(1), duplicates, uncheckpointed);
        assertEquals(Integer.toString(RECORDS), counts.get(1), "no record lost");
        assertEquals(uncheckpointed, duplicates, "the re-read is exactly what had landed without its checkpoint");
    }

    /** Whether the checkpoint of the record's shard is at or after it. */
    private static boolean covered(Map<String, Checkpoint> checkpoints, KinesisTestData.Put put) {
        Checkpoint checkpoint = checkpoints.get(put.shardId());
        return checkpoint != null && (checkpoint.isShardEnd() || checkpoint.isSequenceNumber()
                && new BigInteger(checkpoint.sequenceNumber()).compareTo(new BigInteger(put.sequenceNumber())) >= 0);
    }

    /** The rows seen landed by the last sample taken at or before {@code nanos}. */
    private static long landedBefore(List<long[]> samples, long nanos) {
        long count = 0;
        for (long[] sample : samples) {
            if (sample[0] <= nanos) {
                count = sample[1];
            }
        }
        return count;
    }

    private static Process startChild(KinesisMock kinesis, ClickHouseServer clickhouse, String stream, String table, Path log)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CatchUpTestPipeline.class.getName(), kinesis.endpoint().toString(), kinesis.region(), stream,
                clickhouse.endpoint(), table)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", kinesis.accessKeyId());
        builder.environment().put("AWS_SECRET_ACCESS_KEY", kinesis.secretAccessKey());
        builder.environment().remove("AWS_PROFILE");
        return builder.start();
    }

    private static SourceContext quietContext() {
        return SourceContext.standalone("wakeup-test");
    }
}
