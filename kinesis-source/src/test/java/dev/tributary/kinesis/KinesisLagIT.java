package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SplitLag;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.Dynalite;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.pipeline;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code lag()} of both Kinesis sources against kinesis-mock: known and behind while records put
 * before the start are read, 0 once they are; unknown — with the time of the last good reading and
 * why — while Kinesis cannot be reached (a loopback proxy that refuses connections: restarting
 * kinesis-mock would lose its streams); known again once it can.
 *
 * <p>kinesis-mock's {@code MillisBehindLatest} is the arrival time of the shard's newest record minus
 * that of the last record returned (0 once a fetch reaches the newest), so the records are put in two
 * groups a second apart and fetched 100 at a time.
 */
@ExtendWith(TestServers.class)
class KinesisLagIT {

    private static final int RECORDS = 400;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void lagIsKnownWhileKinesisAnswersAndUnknownWithItsLastReadingWhileItCannotBeReached(Mode mode, KinesisMock kinesis,
                                                                                           ClickHouseServer clickhouse)
            throws Exception {
        String stream = unique("lag");
        String table = unique("lag_" + mode.name().toLowerCase());
        String split = KinesisPosition.split(stream, KinesisTestData.shardId(0));
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis);
             TcpProxy proxy = new TcpProxy(kinesis.endpoint().getPort())) {
            createStream(client, stream, 1);
            putInTwoGroupsASecondApart(client, stream);
            // Polling: one fetch of 100 records every 2 s, so each reading stays a while.
            KinesisSource source = source(kinesis, proxy.endpoint(), stream, mode, clickhouse)
                    .getRecordsLimit(100).pollInterval(Duration.ofSeconds(2)).build();
            try (Pipeline pipeline = pipeline(table.replace('_', '-'), source, clickhouse, table)) {
                assertEquals(List.of(SplitLag.unknown(stream, null, "shards not listed yet")), pipeline.lag().splits(),
                        "before the start: unknown, not an empty (drained) view");
                pipeline.start();

                AtomicLong largest = new AtomicLong(-1);
                await("every record read and the lag known and 0", Duration.ofMinutes(1), () -> {
                    SplitLag lag = find(pipeline.lag(), split);
                    if (lag == null) {
                        return false; // not started yet
                    }
                    lag.value().ifPresent(behind -> largest.accumulateAndGet(behind, Math::max));
                    return lag.isKnown() && lag.behind() == 0 && sql.longValue("SELECT count() FROM " + table) == RECORDS;
                });
                System.out.printf("RESULT lag %s: largest reading while catching up %d ms, then 0%n", mode, largest.get());
                if (mode == Mode.POLLING) {
                    assertTrue(largest.get() > 0, "behind while the first fetches did not reach the newest record");
                }
                assertEquals(SourceLag.Unit.MILLIS, pipeline.lag().unit());
                assertIdleReadingsKeepComing(pipeline, split);

                Instant beforeOutage = Instant.now();
                proxy.disconnect();
                long disconnected = System.nanoTime();
                AtomicReference<SplitLag> unknown = new AtomicReference<>();
                await("the lag to become unknown", Duration.ofSeconds(30), () -> {
                    SplitLag lag = only(pipeline.lag(), split);
                    unknown.set(lag);
                    return !lag.isKnown();
                });
                System.out.printf("RESULT lag %s: unknown %.1f s after Kinesis became unreachable: %s%n", mode,
                        (System.nanoTime() - disconnected) / 1e9, unknown.get());
                SplitLag lag = unknown.get();
                assertNotNull(lag.lastReading(), "keeps when the last good reading was taken");
                assertFalse(lag.lastReading().isAfter(beforeOutage), "the last reading is from before the outage");
                assertEquals(-1, lag.behind(), "no stale value");
                assertFalse(pipeline.lag().total().isPresent(), "no total while a shard's lag is unknown");
                assertTrue(lag.unknownBecause().startsWith(mode == Mode.POLLING ? "no successful GetRecords for "
                        : "no successful SubscribeToShard event for "), lag.unknownBecause());
                assertTrue(lag.unknownBecause().contains("the latest failed: "), "gives the failure: " + lag.unknownBecause());

                proxy.reconnect();
                put(client, stream, RECORDS, RECORDS + 10);
                await("the lag known again", Duration.ofMinutes(1), () -> only(pipeline.lag(), split).isKnown()
                        && sql.longValue("SELECT count() FROM " + table) == RECORDS + 10);
                assertTrue(only(pipeline.lag(), split).lastReading().isAfter(beforeOutage), "a new reading");
                assertEquals(Pipeline.State.RUNNING, pipeline.state());
            }
        }
    }

    @Test
    void leaseSourceLagIsUnknownOnceKclsFetchesStopAndKnownAgainAfter(KinesisMock kinesis, Dynalite dynamodb,
                                                                      ClickHouseServer clickhouse) throws Exception {
        String stream = unique("lag_lease");
        String table = unique("lag_lease");
        String split = KinesisPosition.split(stream, KinesisTestData.shardId(0));
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis);
             TcpProxy proxy = new TcpProxy(kinesis.endpoint().getPort())) {
            createStream(client, stream, 1);
            put(client, stream, 0, 100);
            LeaseKinesisSource source = LeaseKinesisSourceIT.leaseSource(kinesis, dynamodb, stream, table)
                    .endpointOverride(proxy.endpoint().toString()).build();
            try (Pipeline pipeline = pipeline(table.replace('_', '-'), source, clickhouse, table)) {
                pipeline.start();
                await("every record read and the lag known and 0", Duration.ofMinutes(1), () -> {
                    SplitLag lag = find(pipeline.lag(), split);
                    return lag != null && lag.isKnown() && lag.behind() == 0 && sql.longValue("SELECT count() FROM " + table) == 100;
                });
                assertIdleReadingsKeepComing(pipeline, split);

                proxy.disconnect();
                long disconnected = System.nanoTime();
                AtomicReference<SplitLag> unknown = new AtomicReference<>();
                await("the lag to become unknown", Duration.ofSeconds(30), () -> {
                    SplitLag lag = only(pipeline.lag(), split);
                    unknown.set(lag);
                    return !lag.isKnown();
                });
                System.out.printf("RESULT lag lease: unknown %.1f s after Kinesis became unreachable: %s%n",
                        (System.nanoTime() - disconnected) / 1e9, unknown.get());
                assertNotNull(unknown.get().lastReading());
                assertTrue(unknown.get().unknownBecause().startsWith("no successful fetch handed over by the Kinesis Client"
                        + " Library for "), unknown.get().unknownBecause());

                proxy.reconnect();
                await("the lag known again", Duration.ofMinutes(1), () -> only(pipeline.lag(), split).isKnown());
                assertEquals(Pipeline.State.RUNNING, pipeline.state());
            }
        }
    }

    /**
     * An idle shard keeps its lag known: fetches that find nothing (and fan-out's empty events, and KCL's
     * empty batches) are readings too, so the last one stays fresh.
     */
    private static void assertIdleReadingsKeepComing(Pipeline pipeline, String split) throws InterruptedException {
        Instant first = only(pipeline.lag(), split).lastReading();
        await("a newer reading while the shard is idle", Duration.ofSeconds(20), () -> {
            SplitLag lag = only(pipeline.lag(), split);
            return lag.isKnown() && lag.behind() == 0 && lag.lastReading().isAfter(first);
        });
    }

    /** Two groups of records whose arrival times are a second apart: a fetch of the first is behind the second. */
    /**
     * A shard listed but not read yet, because its start marker could not be saved (the checkpoint store
     * refuses writes), is unknown in the lag — not left out, which would make an empty, "drained" view.
     */
    @Test
    void aShardWaitingForItsStartMarkerIsUnknownNotLeftOut(KinesisMock kinesis, ClickHouseServer clickhouse) throws Exception {
        String stream = unique("lagmarker");
        String table = unique("lag_marker");
        createTable(clickhouse.sql(), table);
        CheckpointStore refusing = new CheckpointStore() {
            @Override
            public java.util.Map<String, Checkpoint> load(String application, String streamName) {
                return java.util.Map.of();
            }

            @Override
            public void save(String application, String streamName, java.util.Map<String, Checkpoint> checkpoints) {
                throw new IllegalStateException("this test's checkpoint store refuses every write");
            }
        };
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            KinesisSource source = source(kinesis, kinesis.endpoint(), stream, Mode.POLLING, clickhouse)
                    .checkpointStore(refusing).build();
            try (Pipeline pipeline = pipeline(table.replace('_', '-'), source, clickhouse, table)) {
                pipeline.start();
                await("both shards in the lag, unknown until their start markers are saved", Duration.ofSeconds(30), () -> {
                    SourceLag lag = pipeline.lag();
                    return lag.splits().size() == 2 && lag.splits().stream().allMatch(split -> !split.isKnown()
                            && split.unknownBecause().startsWith("start marker not saved yet"));
                });
                assertFalse(pipeline.lag().total().isPresent(), "not drained");
                assertEquals(List.of(KinesisPosition.split(stream, KinesisTestData.shardId(0)),
                                KinesisPosition.split(stream, KinesisTestData.shardId(1))),
                        pipeline.lag().splits().stream().map(SplitLag::split).toList());
                assertEquals(Pipeline.State.RUNNING, pipeline.state());
            }
        }
    }

    private static void putInTwoGroupsASecondApart(KinesisClient client, String stream) throws InterruptedException {
        put(client, stream, 0, RECORDS / 2);
        long first = System.currentTimeMillis();
        await("a second to pass on the clock", Duration.ofSeconds(5), () -> System.currentTimeMillis() >= first + 1_000);
        put(client, stream, RECORDS / 2, RECORDS);
    }

    /** The lag of {@code split}, or null before it is read (before the first listing, only the stream's unknown entry); no other split is read. */
    private static SplitLag find(SourceLag lag, String split) {
        return lag.splits().stream().noneMatch(entry -> entry.split().equals(split)) ? null : only(lag, split);
    }

    /** The one split of {@code lag}, which must be {@code split}. */
    private static SplitLag only(SourceLag lag, String split) {
        assertEquals(1, lag.splits().size(), "one shard: " + lag);
        assertEquals(split, lag.splits().get(0).split());
        return lag.splits().get(0);
    }
}
