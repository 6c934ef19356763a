package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.KplAggregator;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.json;
import static dev.tributary.kinesis.KinesisTestData.pipeline;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Records aggregated by the Kinesis Producer Library, made by the npm {@code aws-kinesis-agg}
 * aggregator, land as one row per user record (issue 17: they were one error row each), and a
 * checkpoint inside an aggregated record resumes after its last durable user record.
 */
@ExtendWith(TestServers.class)
class KinesisKplIT {

    private static final int GROUPS = 3;
    private static final int USERS_PER_GROUP = 5;

    /** Puts {@code GROUPS} aggregated records of {@code USERS_PER_GROUP} user records (key {@code k<id>}, value {@link KinesisTestData#json}); their puts, in order. */
    private static List<PutRecordsResultEntry> putAggregated(KinesisClient client, TestkitPaths paths, String stream) {
        List<List<KplAggregator.UserRecord>> groups = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            List<KplAggregator.UserRecord> users = new ArrayList<>();
            for (int u = 0; u < USERS_PER_GROUP; u++) {
                long id = (long) g * USERS_PER_GROUP + u;
                users.add(new KplAggregator.UserRecord("k" + id, null, json(id).getBytes(StandardCharsets.UTF_8)));
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
        return response.records();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void threeAggregatedRecordsOfFifteenUserRecordsLandAsFifteenRows(Mode mode, KinesisMock kinesis, ClickHouseServer clickhouse,
                                                                     TestkitPaths paths) throws Exception {
        String stream = unique("kpl");
        String table = unique("kpl_" + mode.name().toLowerCase());
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        List<PutRecordsResultEntry> puts;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            puts = putAggregated(client, paths, stream);
        }
        try (Pipeline pipeline = pipeline(table.replace('_', '-'), source(kinesis, kinesis.endpoint(), stream, mode, clickhouse)
                .applicationName(table).build(), clickhouse, table)) {
            pipeline.start();
            await("15 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) >= 15);
            pipeline.stop();
            pipeline.awaitTermination(Duration.ofMinutes(1));
        }

        List<List<String>> expected = new ArrayList<>();
        for (int g = 0; g < GROUPS; g++) {
            for (int u = 0; u < USERS_PER_GROUP; u++) {
                long id = (long) g * USERS_PER_GROUP + u;
                expected.add(List.of(Long.toString(id), "n" + id, "k" + id, json(id), puts.get(g).sequenceNumber() + ":" + u));
            }
        }
        assertEquals(expected, sql.rows("SELECT id, name, _key, _raw_message, _sequence_number FROM " + table + " ORDER BY id"));
        assertEquals(0, sql.longValue("SELECT count() FROM system.tables WHERE database = currentDatabase() AND name = '"
                + table + "_errors'") == 0 ? 0 : sql.longValue("SELECT count() FROM " + table + "_errors"), "no error rows");

        // Each shard's checkpoint is the last user record of its last aggregated record.
        Map<String, Checkpoint> last = new HashMap<>();
        for (PutRecordsResultEntry put : puts) {
            last.put(put.shardId(), Checkpoint.at(put.sequenceNumber() + ":" + (USERS_PER_GROUP - 1))); // puts are in order
        }
        try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
            store.open();
            assertEquals(last, store.load(table, stream));
        }
    }

    /**
     * A commit in the middle of an aggregated record (its user records 0–2 durable, 3–4 not): the
     * checkpoint names the sub-sequence number, and a restart hands out user records 3 and 4 of that
     * record and everything after it, none of what was committed.
     */
    @Test
    void aRestartAfterACheckpointInsideAnAggregatedRecordLosesAndRepeatsNothing(KinesisMock kinesis, ClickHouseServer clickhouse,
                                                                               TestkitPaths paths) throws Exception {
        String stream = unique("kpl_resume");
        String application = unique("kpl_resume");
        List<PutRecordsResultEntry> puts;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 1);
            puts = putAggregated(client, paths, stream);
        }
        int committed = USERS_PER_GROUP + 2; // group 1, user record 2
        List<SourceRecord> first = read(kinesis, clickhouse, stream, application, GROUPS * USERS_PER_GROUP, committed);
        String middle = puts.get(1).sequenceNumber() + ":2";
        assertEquals(middle, first.get(committed).virtualColumn(KinesisVirtualColumns.SEQUENCE_NUMBER));
        try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
            store.open();
            assertEquals(Map.of(puts.get(1).shardId(), Checkpoint.at(middle)), store.load(application, stream));
        }

        List<SourceRecord> again = read(kinesis, clickhouse, stream, application, GROUPS * USERS_PER_GROUP - committed - 1, -1);
        assertEquals(sequenceNumbers(first.subList(committed + 1, first.size())), sequenceNumbers(again),
                "after the restart: the rest of the aggregated record, then the next one");
        assertEquals(List.of("k8", "k9", "k10", "k11", "k12", "k13", "k14"),
                again.stream().map(r -> (String) r.virtualColumn(KinesisVirtualColumns.KEY)).toList());
    }

    /** Opens a source, polls until {@code count} records (and no more arrive), commits record {@code commit} (if not -1), closes. */
    private static List<SourceRecord> read(KinesisMock kinesis, ClickHouseServer clickhouse, String stream, String application,
                                           int count, int commit) {
        KinesisSource source = source(kinesis, kinesis.endpoint(), stream, Mode.POLLING, clickhouse)
                .applicationName(application).build();
        source.open(quietContext());
        try {
            List<SourceRecord> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                records.addAll(source.poll(Duration.ofMillis(200)));
            }
            records.addAll(source.poll(Duration.ofMillis(500))); // nothing more
            assertEquals(count, records.size(), "records handed out: " + sequenceNumbers(records));
            if (commit >= 0) {
                source.commit(List.of(records.get(commit).position()));
            }
            return records;
        } finally {
            source.close();
        }
    }

    private static List<Object> sequenceNumbers(List<SourceRecord> records) {
        return records.stream().map(r -> r.virtualColumn(KinesisVirtualColumns.SEQUENCE_NUMBER)).toList();
    }

    private static SourceContext quietContext() {
        return SourceContext.standalone("kpl-test");
    }
}
