package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitListener;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.KplAggregator;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.shardId;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kinesis side of exactly-once delivery, on kinesis-mock and the 18.16 checkpoint store: pending
 * ranges saved beside the checkpoint, read back by the next source at assignment, the reader resuming
 * at the first range's first record, landings moving checkpoint and ranges together, sub-sequence
 * numbers of aggregated records, and a parent shard with pending ranges replayed before its children.
 */
@ExtendWith(TestServers.class)
class KinesisExactlyOnceSourceIT {

    private static final long SEALED_1 = 1_764_000_000_123L;
    private static final long SEALED_2 = 1_764_000_000_456L;

    /** A source with a listener that records assignments, revocations and, at assignment, the pending ranges. */
    private static final class Recorded implements AutoCloseable {
        final KinesisSource source;
        final List<String> assigned = new CopyOnWriteArrayList<>();
        final List<String> revoked = new CopyOnWriteArrayList<>();
        final List<String> finished = new CopyOnWriteArrayList<>();
        final Map<String, List<PendingRange>> rangesAtAssignment = new ConcurrentHashMap<>();

        Recorded(KinesisSource source) {
            this.source = source;
            AtomicReference<KinesisSource> self = new AtomicReference<>(source);
            SplitListener listener = new SplitListener() {
                @Override
                public void onSplitsAssigned(Collection<String> splits) {
                    for (String split : splits) {
                        rangesAtAssignment.put(split, self.get().pendingRanges(split));
                        assigned.add(split);
                    }
                }

                @Override
                public void onSplitsRevoked(Collection<String> splits) {
                    revoked.addAll(splits);
                }

                @Override
                public void onSplitsFinished(Collection<String> splits) {
                    finished.addAll(splits);
                }

                @Override
                public void onSplitsLost(Collection<String> splits) {
                }
            };
            source.open(new SourceContext() {
                @Override
                public String pipelineName() {
                    return "eos-source-test";
                }

                @Override
                public SplitListener splitListener() {
                    return listener;
                }
            });
        }

        /** Polls until {@code count} records came (failing after 30 s). */
        List<SourceRecord> poll(int count) throws InterruptedException {
            List<SourceRecord> records = new ArrayList<>();
            await(count + " records", Duration.ofSeconds(30), () -> {
                records.addAll(source.poll(Duration.ofMillis(200)));
                return records.size() >= count;
            });
            assertEquals(count, records.size(), "records: " + sequenceNumbers(records));
            return records;
        }

        @Override
        public void close() {
            source.close();
        }
    }

    private static Recorded open(KinesisMock kinesis, ClickHouseServer clickhouse, String stream, String application) {
        return new Recorded(source(kinesis, kinesis.endpoint(), stream, Mode.POLLING, clickhouse).applicationName(application)
                .build());
    }

    private static Map<String, Checkpoint> stored(ClickHouseServer clickhouse, String application, String stream) {
        try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
            store.open();
            return store.load(application, stream);
        }
    }

    private static KinesisPosition position(SourceRecord record) {
        return (KinesisPosition) record.position();
    }

    private static PendingRange range(List<SourceRecord> records, int first, int last, long sealedAt) {
        return new PendingRange(records.get(first).position(), records.get(last).position(), sealedAt);
    }

    private static List<Object> sequenceNumbers(List<SourceRecord> records) {
        return records.stream().map(r -> r.virtualColumn(KinesisVirtualColumns.SEQUENCE_NUMBER)).toList();
    }

    private static String seq(List<SourceRecord> records, int index) {
        return position(records.get(index)).extendedSequenceNumber();
    }

    @Test
    void pendingRangesAreReadBackAtAssignmentAndTheReaderResumesAtTheFirstRange(KinesisMock kinesis, ClickHouseServer clickhouse)
            throws Exception {
        String stream = unique("eos");
        String application = unique("eos");
        String split = stream + "/" + shardId(0);
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 1);
            put(client, stream, 0, 10);
        }
        List<SourceRecord> first;
        try (Recorded a = open(kinesis, clickhouse, stream, application)) {
            assertTrue(a.source.supportsExactlyOnce());
            first = a.poll(10);
            // 0..2 durable; 3..5 and 6..8 sealed, sent, not known durable; 9 not sealed yet.
            a.source.commit(List.of(first.get(2).position()),
                    Map.of(split, List.of(range(first, 3, 5, SEALED_1), range(first, 6, 8, SEALED_2))));
        }
        assertEquals(Map.of(shardId(0), Checkpoint.at(seq(first, 2)).withPendingRanges("tributary-eos/1 " + SEALED_1 + ":"
                        + seq(first, 3) + "-" + seq(first, 5) + "," + SEALED_2 + ":" + seq(first, 6) + "-" + seq(first, 8))),
                stored(clickhouse, application, stream));

        try (Recorded b = open(kinesis, clickhouse, stream, application)) {
            List<SourceRecord> again = b.poll(7);
            assertEquals(List.of(split), b.assigned);
            assertEquals(List.of(range(first, 3, 5, SEALED_1), range(first, 6, 8, SEALED_2)), b.rangesAtAssignment.get(split),
                    "the ranges, known when the shard was reported assigned");
            assertEquals(b.rangesAtAssignment.get(split), b.source.pendingRanges(split));
            assertEquals(sequenceNumbers(first.subList(3, 10)), sequenceNumbers(again),
                    "resumes at the first range's first record");

            // The first range landed: the checkpoint moves to its end, the second stays pending.
            b.source.commit(List.of(again.get(2).position()), Map.of(split, List.of(range(first, 6, 8, SEALED_2))));
            assertEquals(Map.of(shardId(0), Checkpoint.at(seq(first, 5)).withPendingRanges("tributary-eos/1 " + SEALED_2 + ":"
                    + seq(first, 6) + "-" + seq(first, 8))), stored(clickhouse, application, stream));
            // The second landed, and record 9 sealed: no new position, so the checkpoint stays where it is.
            b.source.commit(List.of(again.get(5).position()), Map.of());
            b.source.commit(List.of(), Map.of(split, List.of(range(first, 9, 9, SEALED_2 + 1))));
            assertEquals(Map.of(shardId(0), Checkpoint.at(seq(first, 8)).withPendingRanges("tributary-eos/1 " + (SEALED_2 + 1)
                    + ":" + seq(first, 9) + "-" + seq(first, 9))), stored(clickhouse, application, stream));
        }
    }

    /** Ranges that begin and end inside records aggregated by the Kinesis Producer Library keep their sub-sequence numbers. */
    @Test
    void rangesInsideAggregatedRecordsKeepTheirSubSequenceNumbers(KinesisMock kinesis, ClickHouseServer clickhouse,
                                                                  TestkitPaths paths) throws Exception {
        String stream = unique("eos_kpl");
        String application = unique("eos_kpl");
        String split = stream + "/" + shardId(0);
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 1);
            List<List<KplAggregator.UserRecord>> groups = new ArrayList<>();
            for (int g = 0; g < 3; g++) {
                List<KplAggregator.UserRecord> users = new ArrayList<>();
                for (int u = 0; u < 5; u++) {
                    users.add(new KplAggregator.UserRecord("k" + (g * 5 + u), null, KinesisTestData.json(g * 5 + u)
                            .getBytes(StandardCharsets.UTF_8)));
                }
                groups.add(users);
            }
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (KplAggregator.AggregatedRecord aggregated : KplAggregator.installed(paths).aggregate(groups)) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(aggregated.partitionKey())
                        .explicitHashKey(aggregated.explicitHashKey()).data(SdkBytes.fromByteArray(aggregated.data())).build());
            }
            PutRecordsResponse response = client.putRecords(request -> request.streamName(stream).records(entries));
            assertEquals(0, response.failedRecordCount() == null ? 0 : response.failedRecordCount(), "refused: " + response);
        }
        List<SourceRecord> first;
        try (Recorded a = open(kinesis, clickhouse, stream, application)) {
            first = a.poll(15);
            // Durable up to user record 2 of aggregated record 1; pending: 1:3 .. 2:1, then 2:2 .. 2:4.
            a.source.commit(List.of(first.get(7).position()),
                    Map.of(split, List.of(range(first, 8, 11, SEALED_1), range(first, 12, 14, SEALED_2))));
        }
        assertEquals(first.get(7).virtualColumn(KinesisVirtualColumns.SEQUENCE_NUMBER), seq(first, 7));
        assertTrue(seq(first, 8).endsWith(":3") && seq(first, 11).endsWith(":1"), seq(first, 8) + " " + seq(first, 11));
        assertEquals(Checkpoint.at(seq(first, 7)).withPendingRanges("tributary-eos/1 " + SEALED_1 + ":" + seq(first, 8) + "-"
                        + seq(first, 11) + "," + SEALED_2 + ":" + seq(first, 12) + "-" + seq(first, 14)),
                stored(clickhouse, application, stream).get(shardId(0)));

        try (Recorded b = open(kinesis, clickhouse, stream, application)) {
            List<SourceRecord> again = b.poll(7);
            assertEquals(List.of(range(first, 8, 11, SEALED_1), range(first, 12, 14, SEALED_2)), b.rangesAtAssignment.get(split));
            assertEquals(sequenceNumbers(first.subList(8, 15)), sequenceNumbers(again),
                    "resumes inside aggregated record 1, at user record 3");
            assertEquals(position(first.get(8)), position(again.get(0)));
        }
    }

    /**
     * A parent shard whose records are all pending is replayed by the next source before it is finished:
     * its children start only once the replay landed and its SHARD_END marker (with no ranges) is saved.
     */
    @Test
    void aParentWithPendingRangesIsReplayedBeforeItsChildrenStart(KinesisMock kinesis, ClickHouseServer clickhouse)
            throws Exception {
        String stream = unique("eos_reshard");
        String application = unique("eos_reshard");
        String parent = stream + "/" + shardId(0);
        Set<String> children = Set.of(stream + "/" + shardId(1), stream + "/" + shardId(2));
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 1);
            put(client, stream, 0, 6);
            KinesisTestData.split(client, stream, shardId(0));
            put(client, stream, 6, 10);
        }
        List<SourceRecord> first;
        try (Recorded a = open(kinesis, clickhouse, stream, application)) {
            first = a.poll(6);
            a.source.commit(List.of(), Map.of(parent, List.of(range(first, 0, 5, SEALED_1))));
            await("the parent read to its end and reported finished", Duration.ofSeconds(30), () -> {
                a.source.poll(Duration.ofMillis(100));
                return a.finished.contains(parent);
            });
            assertEquals(List.of(), a.revoked, "a shard read to its end is finished, not revoked");
            assertEquals(Set.of(parent), a.source.assignedSplits(), "children wait while the parent's range is pending");
        }
        assertEquals(Checkpoint.TRIM_HORIZON.withPendingRanges("tributary-eos/1 " + SEALED_1 + ":" + seq(first, 0) + "-"
                + seq(first, 5)), stored(clickhouse, application, stream).get(shardId(0)));

        try (Recorded b = open(kinesis, clickhouse, stream, application)) {
            List<SourceRecord> replay = b.poll(6);
            assertEquals(List.of(range(first, 0, 5, SEALED_1)), b.rangesAtAssignment.get(parent));
            assertEquals(sequenceNumbers(first), sequenceNumbers(replay));
            await("the parent read to its end and reported finished", Duration.ofSeconds(30), () -> {
                b.source.poll(Duration.ofMillis(100));
                return b.finished.contains(parent);
            });
            assertEquals(List.of(), b.revoked, "a shard read to its end is finished, not revoked");
            assertEquals(List.of(parent), b.assigned, "children wait while the parent's range is pending");
            assertEquals(Set.of(parent), b.source.assignedSplits());

            b.source.commit(List.of(replay.get(5).position()), Map.of(parent, List.of())); // the replay landed
            List<SourceRecord> rest = b.poll(4);
            assertEquals(children, Set.copyOf(b.assigned.subList(1, b.assigned.size())));
            assertEquals(Set.of("k6", "k7", "k8", "k9"), Set.copyOf(rest.stream()
                    .map(r -> (String) r.virtualColumn(KinesisVirtualColumns.KEY)).toList()));
            assertEquals(Checkpoint.SHARD_END, stored(clickhouse, application, stream).get(shardId(0)));
            for (String child : children) {
                assertEquals(List.of(), b.rangesAtAssignment.get(child));
            }
        }
    }
}
