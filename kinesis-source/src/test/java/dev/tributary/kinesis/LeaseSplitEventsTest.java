package dev.tributary.kinesis;

import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SplitLag;
import dev.tributary.core.SplitListener;
import dev.tributary.testkit.Await;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The split events the lease-based source reports from KCL's lease changes (KCL's side called directly, no KCL). */
class LeaseSplitEventsTest {

    private final List<String> events = new ArrayList<>();

    private LeaseKinesisSource source() {
        LeaseKinesisSource source = LeaseKinesisSource.builder().streamName("s").region("us-east-1").build();
        SplitListener listener = new SplitListener() {
            @Override
            public void onSplitsAssigned(Collection<String> splits) {
                events.add("assigned " + splits);
            }

            @Override
            public void onSplitsRevoked(Collection<String> splits) {
                events.add("revoked " + splits);
            }

            @Override
            public void onSplitsFinished(Collection<String> splits) {
                events.add("finished " + splits);
            }

            @Override
            public void onSplitsLost(Collection<String> splits) {
                events.add("lost " + splits);
            }
        };
        source.bind(new SourceContext() {
            @Override
            public String pipelineName() {
                return "p";
            }

            @Override
            public SplitListener splitListener() {
                return listener;
            }
        });
        return source;
    }

    @Test
    void aShardLeasedAgainBeforeItsLossWasSeenIsReportedLostThenAssigned() {
        LeaseKinesisSource source = source();
        ShardHandoff first = source.register("shardId-000000000000");
        source.poll(Duration.ZERO);
        first.lost();
        source.register("shardId-000000000000");
        source.poll(Duration.ZERO);
        assertEquals(List.of("assigned [s/shardId-000000000000]", "lost [s/shardId-000000000000]",
                "assigned [s/shardId-000000000000]"), events);
        assertEquals(java.util.Set.of("s/shardId-000000000000"), source.assignedSplits());
    }

    @Test
    void aShardLeasedAndLostBeforeThePipelineHeardOfItIsNotReported() {
        LeaseKinesisSource source = source();
        source.register("shardId-000000000001").lost();
        source.register("shardId-000000000002");
        source.poll(Duration.ZERO);
        assertEquals(List.of("assigned [s/shardId-000000000002]"), events);
    }

    /** A shard read to its end is reported finished; one handed off to another instance, revoked. */
    @Test
    void anEndedShardIsReportedFinishedAndAHandedOffOneRevoked() throws Exception {
        LeaseKinesisSource source = source();
        ShardHandoff ending = source.register("shardId-000000000003");
        ShardHandoff handedOff = source.register("shardId-000000000004");
        ending.offer(List.of(record("shardId-000000000003", 1)), null, null);
        handedOff.offer(List.of(record("shardId-000000000004", 2)), null, null);
        assertEquals(2, source.poll(Duration.ofSeconds(5)).size());
        CompletableFuture<Boolean> end = CompletableFuture.supplyAsync(() -> awaitCommitted(ending, true));
        CompletableFuture<Boolean> handOff = CompletableFuture.supplyAsync(() -> awaitCommitted(handedOff, false));
        Await.await("both waiting for their commit", Duration.ofSeconds(10),
                () -> ending.state() == ShardHandoff.State.ENDING && handedOff.state() == ShardHandoff.State.HANDING_OFF);
        source.poll(Duration.ZERO);
        assertEquals(List.of("assigned [s/shardId-000000000003, s/shardId-000000000004]", "finished [s/shardId-000000000003]",
                "revoked [s/shardId-000000000004]"), events);
        source.close(); // releases both waits
        assertFalse(end.get(10, TimeUnit.SECONDS) || handOff.get(10, TimeUnit.SECONDS), "nothing was committed");
    }

    /** The lag lists the shards read now, with KCL's last reading; one that ended or was handed off leaves it. */
    @Test
    void lagListsTheShardsBeingReadWithKclsLastReading() throws Exception {
        LeaseKinesisSource source = source();
        ShardHandoff reading = source.register("shardId-000000000005");
        ShardHandoff ending = source.register("shardId-000000000006");
        ShardHandoff silent = source.register("shardId-000000000007");
        reading.offer(List.of(record("shardId-000000000005", 1)), null, 1_200L);
        ending.offer(List.of(), null, 0L);
        source.poll(Duration.ofSeconds(5));
        SourceLag lag = source.lag();
        assertEquals(SourceLag.Unit.MILLIS, lag.unit());
        assertEquals(List.of("s/shardId-000000000005", "s/shardId-000000000006", "s/shardId-000000000007"),
                lag.splits().stream().map(SplitLag::split).toList());
        assertEquals(1_200, lag.splits().get(0).behind());
        assertEquals(0, lag.splits().get(1).behind());
        assertFalse(lag.splits().get(2).isKnown(), "no fetch handed over yet");
        assertNull(lag.splits().get(2).lastReading());
        assertFalse(lag.total().isPresent(), "no total while one shard's lag is unknown");

        CompletableFuture<Boolean> end = CompletableFuture.supplyAsync(() -> awaitCommitted(ending, true));
        // Nothing of it was handed out: it ends (ENDING, then DONE) without waiting for a commit.
        assertTrue(end.get(10, TimeUnit.SECONDS));
        silent.lost();
        assertEquals(List.of("s/shardId-000000000005"), source.lag().splits().stream().map(SplitLag::split).toList(),
                "an ended shard and a lost one leave the view");
        assertEquals(1_200, source.lag().total().orElseThrow());
        source.close();
    }

    /**
     * Before KCL's first lease the lag is unknown, one entry named after the stream (not an empty, "drained"
     * view); once a lease was taken, no shard is a true "nothing to read" (another worker holds every lease).
     */
    @Test
    void lagBeforeTheFirstLeaseIsUnknownNamedAfterTheStreamAfterItNoShardIsNothingToRead() {
        LeaseKinesisSource source = source();
        SourceLag before = source.lag();
        assertEquals(List.of(SplitLag.unknown("s", null, "no lease taken yet")), before.splits());
        assertFalse(before.isKnown());
        assertFalse(before.total().isPresent(), "not 0 behind: nothing was measured");
        source.poll(Duration.ZERO);
        assertFalse(source.lag().isKnown(), "a poll without a lease changes nothing");

        ShardHandoff leased = source.register("shardId-000000000008");
        source.poll(Duration.ZERO);
        assertEquals(List.of("s/shardId-000000000008"), source.lag().splits().stream().map(SplitLag::split).toList());
        leased.lost();
        source.poll(Duration.ZERO);
        SourceLag after = source.lag();
        assertEquals(List.of(), after.splits(), "the lease went to another worker: no shard to read");
        assertTrue(after.isKnown());
        assertEquals(0, after.total().orElseThrow());
        source.close();
    }

    private static KinesisRecord record(String shardId, long sequence) {
        return KinesisRecord.fromKcl("s", shardId, KinesisClientRecord.builder().sequenceNumber(Long.toString(sequence))
                .partitionKey("k").subSequenceNumber(0).approximateArrivalTimestamp(Instant.ofEpochMilli(1_000))
                .data(ByteBuffer.wrap(new byte[] {'1'})).build());
    }

    private static boolean awaitCommitted(ShardHandoff handoff, boolean drainFirst) {
        try {
            return handoff.awaitCommitted(drainFirst, null);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
