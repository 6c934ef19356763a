package dev.tributary.kinesis;

import dev.tributary.testkit.Await;
import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-shard bridge between KCL's thread and the pipeline thread (KCL's side run on a thread of the test). */
class ShardHandoffTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private final AtomicInteger wakeups = new AtomicInteger();

    private ShardHandoff handoff(int maxRecords) {
        return new ShardHandoff("s", "shardId-000000000000", maxRecords, 1L << 20, java.time.Duration.ofSeconds(1), wakeups::incrementAndGet);
    }

    private static KinesisRecord record(long sequence) {
        return KinesisRecord.fromKcl("s", "shardId-000000000000", KinesisClientRecord.builder()
                .sequenceNumber(Long.toString(sequence)).partitionKey("k" + sequence).subSequenceNumber(0)
                .approximateArrivalTimestamp(Instant.ofEpochMilli(1_000))
                .data(ByteBuffer.wrap(("v" + sequence).getBytes(StandardCharsets.UTF_8))).build());
    }

    private static List<KinesisRecord> records(long from, long to) {
        List<KinesisRecord> records = new ArrayList<>();
        for (long s = from; s < to; s++) {
            records.add(record(s));
        }
        return records;
    }

    private static List<String> drain(ShardHandoff handoff, int max) {
        List<KinesisRecord> out = new ArrayList<>();
        handoff.drainTo(out, max);
        return out.stream().map(KinesisRecord::extendedSequenceNumber).toList();
    }

    @Test
    void kclWaitsWhileTheBufferIsFullAndGoesOnWhenThePipelineDrains() throws Exception {
        ShardHandoff handoff = handoff(2);
        CompletableFuture<Void> kcl = CompletableFuture.runAsync(() -> offer(handoff, records(1, 6)));
        Await.await("the buffer full and the pipeline woken", WAIT, () -> wakeups.get() > 0);
        assertFalse(kcl.isDone(), "KCL's thread waits: the buffer holds 2 records");
        List<String> seen = new ArrayList<>();
        while (seen.size() < 5) {
            seen.addAll(drain(handoff, 1));
        }
        kcl.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("1", "2", "3", "4", "5"), seen, "in order, each once");
    }

    @Test
    void anAggregatedUserRecordKeepsItsSubSequenceNumber() {
        KinesisRecord user = KinesisRecord.fromKcl("s", "shardId-000000000000", KinesisClientRecord.builder()
                .sequenceNumber("42").subSequenceNumber(3).aggregated(true).partitionKey("k")
                .data(ByteBuffer.wrap(new byte[] {1})).build());
        assertEquals("42:3", user.virtualColumn(KinesisVirtualColumns.SEQUENCE_NUMBER));
        assertEquals(new KinesisPosition("s", "shardId-000000000000", "42", 3), user.position());
        assertEquals("41", record(41).position().extendedSequenceNumber(), "a plain record has no sub-sequence number");
    }

    @Test
    void theEndOfAShardWaitsUntilEverythingIsHandedOutAndCommittedAskingForOneFlush() throws Exception {
        ShardHandoff handoff = handoff(100);
        handoff.offer(records(1, 4), null, null);
        assertEquals(List.of("1", "2"), drain(handoff, 2));
        assertNull(handoff.takeFlushRequest(), "still reading: no flush");
        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> awaitCommitted(handoff, true));
        Await.await("the shard ending", WAIT, () -> handoff.state() == ShardHandoff.State.ENDING);
        assertNull(handoff.takeFlushRequest(), "record 3 is not handed out yet: no flush");
        assertEquals(List.of("3"), drain(handoff, 10));
        assertEquals(ShardHandoff.State.ENDING, handoff.takeFlushRequest(), "drained, not committed: flush (the shard finished)");
        assertNull(handoff.takeFlushRequest(), "asked once");
        handoff.committed(record(2).position());
        assertFalse(ended.isDone(), "record 3 is not committed");
        handoff.committed(record(3).position());
        assertTrue(ended.get(10, TimeUnit.SECONDS), "everything committed: SHARD_END may be checkpointed");
        assertEquals(ShardHandoff.State.DONE, handoff.state());
    }

    @Test
    void aHandOffDropsWhatThePipelineHasNotTakenAndWaitsOnlyForWhatItHas() throws Exception {
        ShardHandoff handoff = handoff(100);
        handoff.offer(records(1, 6), null, null);
        drain(handoff, 2);
        CompletableFuture<Boolean> handingOff = CompletableFuture.supplyAsync(() -> awaitCommitted(handoff, false));
        Await.await("the hand-off", WAIT, () -> handoff.state() == ShardHandoff.State.HANDING_OFF);
        assertEquals(List.of(), drain(handoff, 10), "records 3-5 dropped: the next owner reads them");
        assertEquals(ShardHandoff.State.HANDING_OFF, handoff.takeFlushRequest(), "flush (the shard is revoked)");
        handoff.committed(record(2).position());
        assertTrue(handingOff.get(10, TimeUnit.SECONDS));
        handoff.offer(records(6, 7), null, null);
        assertEquals(List.of(), drain(handoff, 10), "nothing is buffered after the hand-off");
    }

    @Test
    void aLostLeaseDropsTheBufferAndReleasesKclsThread() throws Exception {
        ShardHandoff handoff = handoff(1);
        CompletableFuture<Void> kcl = CompletableFuture.runAsync(() -> offer(handoff, records(1, 4)));
        Await.await("KCL's thread waiting", WAIT, () -> handoff.bufferedBytes() > 0);
        handoff.lost();
        kcl.get(10, TimeUnit.SECONDS);
        assertEquals(ShardHandoff.State.LOST, handoff.state());
        assertEquals(List.of(), drain(handoff, 10));
        assertFalse(awaitCommitted(handoff, true), "no SHARD_END after a lost lease");
    }

    @Test
    void closingReleasesAWaitAtTheEndOfAShardWithoutShardEnd() throws Exception {
        ShardHandoff handoff = handoff(10);
        handoff.offer(records(1, 2), null, null);
        drain(handoff, 10);
        CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> awaitCommitted(handoff, true));
        Await.await("the shard ending", WAIT, () -> handoff.state() == ShardHandoff.State.ENDING);
        handoff.close();
        assertFalse(ended.get(10, TimeUnit.SECONDS), "record 1 is not committed: no SHARD_END");
    }

    @Test
    void anEmptyShardEndsAtOnce() throws Exception {
        ShardHandoff handoff = handoff(10);
        assertTrue(handoff.awaitCommitted(true, null));
        assertNull(handoff.takeFlushRequest(), "nothing to flush");
        assertNull(handoff.checkpointer());
    }

    private static void offer(ShardHandoff handoff, List<KinesisRecord> records) {
        try {
            handoff.offer(records, null, null);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean awaitCommitted(ShardHandoff handoff, boolean drainFirst) {
        try {
            return handoff.awaitCommitted(drainFirst, null);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
