package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.Dynalite;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.KplAggregator;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.json;
import static dev.tributary.kinesis.KinesisTestData.pipeline;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lease-based mode on the test servers: kinesis-mock for the stream, dynalite for KCL's lease
 * table, ClickHouse 18.16 through the pipeline. Mostly idle (the first KCL worker of an application
 * waits 1 to 30 s on an empty lease table), so its cases run side by side.
 */
@ExtendWith(TestServers.class)
@Execution(ExecutionMode.CONCURRENT)
class LeaseKinesisSourceIT {

    private static final int SHARDS = 8;

    static LeaseKinesisSource.Builder leaseSource(KinesisMock kinesis, Dynalite dynamodb, String stream, String application) {
        return LeaseKinesisSource.builder()
                .streamName(stream)
                .region(kinesis.region())
                .endpointOverride(kinesis.endpoint().toString())
                .dynamoDbEndpointOverride(dynamodb.endpoint().toString())
                .credentials(KinesisCredentials.staticKeys(kinesis.accessKeyId(), kinesis.secretAccessKey()))
                .applicationName(application)
                .pollInterval(Duration.ofMillis(200))
                .failoverTime(Duration.ofSeconds(2))
                .leaderLeaseDuration(Duration.ofSeconds(3))
                .shardSyncInterval(Duration.ofSeconds(2))
                .shutdownTimeout(Duration.ofSeconds(20));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void oneInstanceIngestsEveryRecordOnceAndCheckpointsTheLastOfEachShard(Mode mode, KinesisMock kinesis, Dynalite dynamodb,
                                                                          ClickHouseServer clickhouse) throws Exception {
        int records = 4_000;
        String stream = unique("lease");
        String table = unique("lease_one_" + mode.name().toLowerCase());
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        Map<Long, KinesisTestData.Put> puts;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, SHARDS);
            puts = put(client, stream, 0, records);
        }
        LeaseKinesisSource.Builder builder = leaseSource(kinesis, dynamodb, stream, table);
        LeaseKinesisSource source = (mode == Mode.FAN_OUT ? builder.enhancedFanOut(unique("consumer")) : builder).build();
        try (Pipeline pipeline = pipeline(table.replace('_', '-'), source, clickhouse, table)) {
            pipeline.start();
            await(records + " rows", Duration.ofSeconds(90), () -> sql.longValue("SELECT count() FROM " + table) >= records);
            assertEquals(SHARDS, source.assignedSplits().size(), "the one instance leases every shard: " + source.assignedSplits());
            pipeline.stop();
            pipeline.awaitTermination(Duration.ofMinutes(1));
        }
        assertEquals(List.of(List.of(Long.toString(records), Long.toString(records))),
                sql.rows("SELECT count(), uniqExact(id) FROM " + table), "every record once");
        // Virtual columns, as in the static mode.
        KinesisTestData.Put seventh = puts.get(7L);
        assertEquals(List.of(List.of("k7", stream, seventh.sequenceNumber(), json(7))),
                sql.rows("SELECT _key, _stream, _sequence_number, _raw_message FROM " + table + " WHERE id = 7"));

        // Each lease's checkpoint is the last record of its shard.
        Map<String, String> last = new TreeMap<>();
        puts.forEach((id, put) -> last.merge(put.shardId(), put.sequenceNumber(),
                (a, b) -> new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b));
        assertEquals(last, checkpoints(dynamodb, table));
    }

    /**
     * Two instances share the shards; one is stopped abruptly (its KCL scheduler shut down without
     * handing its leases off, as after a crash): its leases expire after {@code failoverTime}, the
     * other takes them, and no record is lost.
     */
    @Test
    void twoInstancesShareTheShardsAndTheSurvivorTakesOverWhenOneStopsAbruptly(KinesisMock kinesis, Dynalite dynamodb,
                                                                              ClickHouseServer clickhouse) throws Exception {
        int half = 2_000;
        String stream = unique("lease");
        String table = unique("lease_two");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, SHARDS);
            put(client, stream, 0, half);
            LeaseKinesisSource a = leaseSource(kinesis, dynamodb, stream, table).workerId("instance-a").build();
            LeaseKinesisSource b = leaseSource(kinesis, dynamodb, stream, table).workerId("instance-b").build();
            try (Pipeline first = pipeline("lease-a", a, clickhouse, table);
                 Pipeline second = pipeline("lease-b", b, clickhouse, table)) {
                first.start();
                // The second starts once the first holds every lease (two KCL 3 workers starting together on a new
                // lease table race on its client-version record, and the loser never initializes, seen on dynalite):
                // it joins and receives shards only by KCL's rebalancing, handed off gracefully by the first.
                await("A to hold every lease", Duration.ofSeconds(60), () -> a.assignedSplits().size() == SHARDS);
                // By then A has read the 2,000 records: the stream is idle. Balanced by lease count, B still gets
                // its share (balanced by throughput, KCL gave it 1 shard or none).
                second.start();
                await("B to join and receive its share, 4 of A's 8 shards", Duration.ofSeconds(60),
                        () -> a.assignedSplits().size() == SHARDS / 2 && b.assignedSplits().size() == SHARDS / 2);
                await("the first " + half + " records", Duration.ofSeconds(60),
                        () -> sql.longValue("SELECT uniqExact(id) FROM " + table) >= half);
                System.out.println("lease-based: before the stop, A reads " + a.assignedSplits() + ", B reads " + b.assignedSplits());

                b.abandon();
                put(client, stream, half, 2L * half);
                await("A to take every shard over", Duration.ofSeconds(60), () -> a.assignedSplits().size() == SHARDS);
                await("all " + 2 * half + " records", Duration.ofSeconds(60),
                        () -> sql.longValue("SELECT uniqExact(id) FROM " + table) >= 2L * half);
                first.stop();
                second.stop();
                first.awaitTermination(Duration.ofMinutes(1));
                second.awaitTermination(Duration.ofMinutes(1));
            }
        }
        long lost = 2L * half - sql.longValue("SELECT uniqExact(id) FROM " + table + " WHERE id < " + 2 * half);
        long rows = sql.longValue("SELECT count() FROM " + table);
        System.out.println("lease-based failover: rows=" + rows + " duplicates=" + (rows - 2L * half) + " lost=" + lost);
        assertEquals(0, lost, "lost=0: every id from 0 to " + (2 * half - 1) + " is in ClickHouse");
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + " WHERE id >= " + 2 * half), "nothing else");
    }

    /**
     * A split and then a merge mid-run: each parent is read to its end, committed and checkpointed
     * {@code SHARD_END} before its children are read, so the pipeline receives each key's records in
     * the order they were put, each once.
     */
    @Test
    void aSplitAndAMergeMidRunKeepEachKeysOrder(KinesisMock kinesis, Dynalite dynamodb, ClickHouseServer clickhouse)
            throws Exception {
        int keys = 20;
        String stream = unique("lease_reshard");
        String table = unique("lease_reshard");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        RecordingSource source = new RecordingSource(leaseSource(kinesis, dynamodb, stream, table).build());
        java.util.function.LongFunction<String> key = id -> "key" + id % keys;
        try (KinesisClient client = client(kinesis);
             Pipeline pipeline = pipeline(table.replace('_', '-'), source, clickhouse, table)) {
            createStream(client, stream, 2);
            put(client, stream, 0, 1_000, key, KinesisTestData::json);
            pipeline.start();
            await("rows under way", Duration.ofSeconds(90), () -> sql.longValue("SELECT count() FROM " + table) >= 200);
            KinesisTestData.split(client, stream, KinesisTestData.shardId(0)); // children 2 and 3
            put(client, stream, 1_000, 2_000, key, KinesisTestData::json);
            KinesisTestData.merge(client, stream, KinesisTestData.shardId(3), KinesisTestData.shardId(1)); // child 4
            put(client, stream, 2_000, 3_000, key, KinesisTestData::json);
            await("all 3,000 rows", Duration.ofSeconds(90), () -> sql.longValue("SELECT uniqExact(id) FROM " + table) >= 3_000);
            await("the parents' SHARD_END", Duration.ofSeconds(30), () -> {
                Map<String, String> checkpoints = checkpoints(dynamodb, table);
                return List.of(0, 1, 3).stream().allMatch(n -> "SHARD_END".equals(checkpoints.get(KinesisTestData.shardId(n))));
            });
            pipeline.stop();
            pipeline.awaitTermination(Duration.ofMinutes(1));
        }
        assertEquals(List.of(List.of("3000", "3000")), sql.rows("SELECT count(), uniqExact(id) FROM " + table), "every record once");
        Map<String, Long> last = new java.util.HashMap<>();
        java.util.regex.Pattern idPattern = java.util.regex.Pattern.compile("\"id\":(\\d+)");
        java.util.Set<String> shards = new java.util.TreeSet<>();
        for (RecordingSource.Handed handed : source.handed()) {
            java.util.regex.Matcher id = idPattern.matcher(handed.value());
            assertTrue(id.find(), handed.value());
            long n = Long.parseLong(id.group(1)) / keys;
            Long previous = last.put(handed.key(), n);
            assertTrue(previous == null ? n == 0 : n == previous + 1, "key " + handed.key() + ": record " + n + " after "
                    + previous + " (from " + handed.shardId() + ")");
            shards.add(handed.shardId());
        }
        assertEquals(java.util.Set.of(KinesisTestData.shardId(0), KinesisTestData.shardId(1), KinesisTestData.shardId(2),
                KinesisTestData.shardId(3), KinesisTestData.shardId(4)), shards, "parents and children read");
    }

    /**
     * Two instances share the shards; one stops gracefully (its pipeline flushes and commits, its
     * source hands the leases off): the other takes them at once and nothing is read twice.
     */
    @Test
    void aGracefulStopHandsTheShardsOffWithoutDuplicates(KinesisMock kinesis, Dynalite dynamodb, ClickHouseServer clickhouse)
            throws Exception {
        int half = 2_000;
        String stream = unique("lease");
        String table = unique("lease_graceful");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, SHARDS);
            put(client, stream, 0, half);
            LeaseKinesisSource a = leaseSource(kinesis, dynamodb, stream, table).workerId("instance-a").build();
            LeaseKinesisSource b = leaseSource(kinesis, dynamodb, stream, table).workerId("instance-b").build();
            try (Pipeline first = pipeline("graceful-a", a, clickhouse, table);
                 Pipeline second = pipeline("graceful-b", b, clickhouse, table)) {
                first.start();
                await("A to hold every lease", Duration.ofSeconds(60), () -> a.assignedSplits().size() == SHARDS);
                second.start();
                await("B to receive shards from A", Duration.ofSeconds(60), () -> !b.assignedSplits().isEmpty());
                await("the first " + half + " records", Duration.ofSeconds(60),
                        () -> sql.longValue("SELECT uniqExact(id) FROM " + table) >= half);
                second.stop();
                assertTrue(second.awaitTermination(Duration.ofMinutes(1)), "B stopped");
                put(client, stream, half, 2L * half);
                await("A to hold every lease again", Duration.ofSeconds(30), () -> a.assignedSplits().size() == SHARDS);
                await("all " + 2 * half + " records", Duration.ofSeconds(60),
                        () -> sql.longValue("SELECT uniqExact(id) FROM " + table) >= 2L * half);
                first.stop();
                first.awaitTermination(Duration.ofMinutes(1));
            }
        }
        assertEquals(List.of(List.of(Long.toString(2L * half), Long.toString(2L * half))),
                sql.rows("SELECT count(), uniqExact(id) FROM " + table), "every record once: no duplicates after the hand-offs");
    }

    /** KPL-aggregated records (KCL de-aggregates them) land as one row per user record, with their sub-sequence numbers. */
    @Test
    void kplAggregatedRecordsLandAsOneRowPerUserRecord(KinesisMock kinesis, Dynalite dynamodb, ClickHouseServer clickhouse,
                                                       TestkitPaths paths) throws Exception {
        int groups = 3;
        int users = 5;
        String stream = unique("lease_kpl");
        String table = unique("lease_kpl");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        List<List<KplAggregator.UserRecord>> grouped = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            List<KplAggregator.UserRecord> group = new ArrayList<>();
            for (int u = 0; u < users; u++) {
                long id = (long) g * users + u;
                group.add(new KplAggregator.UserRecord("k" + id, null, json(id).getBytes(StandardCharsets.UTF_8)));
            }
            grouped.add(group);
        }
        List<PutRecordsResultEntry> puts;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (KplAggregator.AggregatedRecord aggregated : KplAggregator.installed(paths).aggregate(grouped)) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(aggregated.partitionKey())
                        .explicitHashKey(aggregated.explicitHashKey()).data(SdkBytes.fromByteArray(aggregated.data())).build());
            }
            PutRecordsResponse response = client.putRecords(request -> request.streamName(stream).records(entries));
            assertEquals(0, response.failedRecordCount() == null ? 0 : response.failedRecordCount(), "refused: " + response);
            puts = response.records();
        }
        LeaseKinesisSource source = leaseSource(kinesis, dynamodb, stream, table).build();
        try (Pipeline pipeline = pipeline(table.replace('_', '-'), source, clickhouse, table)) {
            pipeline.start();
            await(groups * users + " rows", Duration.ofSeconds(90),
                    () -> sql.longValue("SELECT count() FROM " + table) >= groups * users);
            pipeline.stop();
            pipeline.awaitTermination(Duration.ofMinutes(1));
        }
        List<List<String>> expected = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            for (int u = 0; u < users; u++) {
                long id = (long) g * users + u;
                expected.add(List.of(Long.toString(id), "k" + id, json(id), puts.get(g).sequenceNumber() + ":" + u));
            }
        }
        assertEquals(expected, sql.rows("SELECT id, _key, _raw_message, _sequence_number FROM " + table + " ORDER BY id"));
        // The lease of each shard with records is checkpointed at its last user record.
        Map<String, String> last = new TreeMap<>();
        for (PutRecordsResultEntry put : puts) {
            last.put(put.shardId(), put.sequenceNumber() + ":" + (users - 1));
        }
        Map<String, String> checkpoints = checkpoints(dynamodb, table);
        checkpoints.values().removeIf(checkpoint -> checkpoint.equals("TRIM_HORIZON")); // a shard without records
        assertEquals(last, checkpoints);
    }

    /**
     * Each shard lease's checkpoint in the lease table, by shard id: the sequence number, with
     * {@code :<sub-sequence number>} when it is not 0.
     */
    static Map<String, String> checkpoints(Dynalite dynamodb, String leaseTable) {
        try (DynamoDbClient dynamo = DynamoDbClient.builder().endpointOverride(dynamodb.endpoint())
                .region(Region.of(dynamodb.region())).httpClient(ApacheHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(dynamodb.accessKeyId(),
                        dynamodb.secretAccessKey()))).build()) {
            Map<String, String> checkpoints = new TreeMap<>();
            for (Map<String, AttributeValue> item : dynamo.scan(b -> b.tableName(leaseTable).consistentRead(true)).items()) {
                AttributeValue checkpoint = item.get("checkpoint");
                if (item.get("leaseKey").s().startsWith("shardId-") && checkpoint != null) {
                    AttributeValue sub = item.get("checkpointSubSequenceNumber");
                    String subText = sub == null || sub.n() == null || "0".equals(sub.n()) ? "" : ":" + sub.n();
                    checkpoints.put(item.get("leaseKey").s(), checkpoint.s() + subText);
                }
            }
            assertTrue(!checkpoints.isEmpty(), "leases in " + leaseTable);
            return checkpoints;
        }
    }
}
