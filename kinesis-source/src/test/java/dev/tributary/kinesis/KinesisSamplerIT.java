package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.SampleStart;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.preview.Preview;
import dev.tributary.core.preview.PreviewRecord;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.Dynalite;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.KplAggregator;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.Put;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.json;
import static dev.tributary.kinesis.KinesisTestData.pipeline;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kinesis preview sampler (issue 15): records with their positions and virtual columns, KPL
 * aggregates as their user records, and no trace left — a pipeline's checkpoints on the same stream
 * stay as they were, and no lease table appears.
 */
@ExtendWith(TestServers.class)
class KinesisSamplerIT {

    private static final String CHECKPOINTS = "SELECT shard_id, sequence_number, pending_ranges, version FROM "
            + ClickHouseCheckpointStore.DEFAULT_TABLE + " WHERE stream = '%s' ORDER BY application, shard_id, version";

    @Test
    void anEarliestSampleGivesEveryRecordWithItsPositionAndVirtualColumnsAndLeavesThePipelinesCheckpointsAlone(
            KinesisMock kinesis, ClickHouseServer clickhouse, TestkitPaths paths) throws Exception {
        String stream = unique("sample");
        String table = unique("sample");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        Map<Long, Put> plain;
        List<PutRecordsResultEntry> aggregated;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            plain = put(client, stream, 0, 10);
            aggregated = putAggregated(client, paths, stream, 100, 5);
        }
        // A pipeline on the stream reads all 15 records and checkpoints them.
        try (Pipeline pipeline = pipeline(table.replace('_', '-'), source(kinesis, kinesis.endpoint(), stream, Mode.POLLING,
                clickhouse).applicationName(table).build(), clickhouse, table)) {
            pipeline.start();
            await("15 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) >= 15);
            pipeline.stop();
            pipeline.awaitTermination(Duration.ofMinutes(1));
        }
        List<List<String>> checkpoints = sql.rows(String.format(CHECKPOINTS, stream));
        assertFalse(checkpoints.isEmpty(), "the pipeline checkpointed");

        List<SourceRecord> sample;
        try (KinesisSampler sampler = source(kinesis, kinesis.endpoint(), stream, Mode.POLLING, clickhouse)
                .applicationName(table).buildSampler(SampleStart.EARLIEST)) {
            sample = sampler.sample(100, Duration.ofMinutes(1));
            // As a user previews the stream: decoded, with virtual columns (core's Preview over this sampler).
            List<PreviewRecord> shown = Preview.builder().sampler(sampler).decoder(JsonDecoder.create())
                    .virtualColumns(KinesisVirtualColumns.KEY).build().sample(100, Duration.ofMinutes(1));
            assertEquals(15, shown.size());
            for (PreviewRecord record : shown) {
                assertEquals(null, record.decodeError(), record.toJson());
                Map<?, ?> tree = (Map<?, ?>) record.decoded();
                assertEquals("n" + tree.get("id"), String.valueOf(tree.get("name")), record.toJson());
                assertEquals("k" + tree.get("id"), record.virtualColumns().get(KinesisVirtualColumns.KEY), record.toJson());
            }
        }

        Map<String, List<String>> expected = new TreeMap<>(); // by sequence number: key, raw message
        plain.forEach((id, where) -> expected.put(where.sequenceNumber(), List.of("k" + id, json(id))));
        for (int u = 0; u < 5; u++) {
            long id = 100 + u;
            expected.put(aggregated.get(0).sequenceNumber() + ":" + u, List.of("k" + id, json(id)));
        }
        Map<String, List<String>> sampled = new TreeMap<>();
        Map<String, String> shardOf = new HashMap<>();
        plain.values().forEach(where -> shardOf.put(where.sequenceNumber(), where.shardId()));
        shardOf.put(aggregated.get(0).sequenceNumber(), aggregated.get(0).shardId());
        for (SourceRecord record : sample) {
            String sequence = (String) record.virtualColumn(KinesisVirtualColumns.SEQUENCE_NUMBER);
            sampled.put(sequence, List.of((String) record.virtualColumn(KinesisVirtualColumns.KEY),
                    new String((byte[]) record.virtualColumn(KinesisVirtualColumns.RAW_MESSAGE), StandardCharsets.UTF_8)));
            assertEquals(stream, record.virtualColumn(KinesisVirtualColumns.STREAM));
            assertTrue(record.virtualColumn(KinesisVirtualColumns.TIMESTAMP) instanceof Instant, "arrival time of " + sequence);
            KinesisPosition position = (KinesisPosition) record.position();
            assertEquals(KinesisPosition.split(stream, shardOf.get(sequence.split(":")[0])), position.split(), sequence);
            assertEquals(sequence, position.extendedSequenceNumber());
        }
        assertEquals(15, sample.size(), "10 plain records and 5 user records of one aggregate");
        assertEquals(expected, sampled);
        assertEquals(checkpoints, sql.rows(String.format(CHECKPOINTS, stream)), "the pipeline's checkpoints are unchanged");
    }

    /**
     * {@code LATEST} from the lease-based source's settings: the newest records of each shard, and no
     * lease table made in DynamoDB (the sampler never talks to it).
     */
    @Test
    void aLatestSampleFromTheLeaseSettingsGivesTheNewestRecordsOfEachShardAndMakesNoLeaseTable(
            KinesisMock kinesis, Dynalite dynamodb) throws Exception {
        String stream = unique("sample_latest");
        String application = unique("sample_latest");
        Map<Long, Put> puts;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            puts = put(client, stream, 0, 40);
        }
        Map<String, List<String>> putsByShard = new LinkedHashMap<>(); // sequence numbers in put order
        for (long id = 0; id < 40; id++) {
            putsByShard.computeIfAbsent(puts.get(id).shardId(), shard -> new ArrayList<>()).add(puts.get(id).sequenceNumber());
        }
        assertEquals(2, putsByShard.size(), "the keys spread over both shards: " + putsByShard.keySet());
        Set<String> tablesBefore;
        try (DynamoDbClient dynamo = dynamo(dynamodb)) {
            tablesBefore = new HashSet<>(dynamo.listTables().tableNames());
        }

        List<SourceRecord> sample;
        try (KinesisSampler sampler = LeaseKinesisSourceIT.leaseSource(kinesis, dynamodb, stream, application)
                .buildSampler(SampleStart.LATEST)) {
            sample = sampler.sample(6, Duration.ofMinutes(1));
        }

        assertEquals(6, sample.size());
        Map<String, List<String>> sampledByShard = new LinkedHashMap<>();
        for (SourceRecord record : sample) {
            KinesisPosition position = (KinesisPosition) record.position();
            sampledByShard.computeIfAbsent(position.shardId(), shard -> new ArrayList<>()).add(position.sequenceNumber());
        }
        assertEquals(2, sampledByShard.size(), "both shards: " + sampledByShard);
        sampledByShard.forEach((shard, sequences) -> {
            List<String> all = putsByShard.get(shard);
            assertEquals(all.subList(all.size() - sequences.size(), all.size()), sequences, "the newest records of " + shard);
        });
        try (DynamoDbClient dynamo = dynamo(dynamodb)) {
            assertEquals(tablesBefore, new HashSet<>(dynamo.listTables().tableNames()), "no lease table made");
        }
    }

    /** Puts one aggregated record of {@code users} user records (ids {@code firstId}...); its put. */
    private static List<PutRecordsResultEntry> putAggregated(KinesisClient client, TestkitPaths paths, String stream,
                                                             long firstId, int users) {
        List<KplAggregator.UserRecord> records = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            long id = firstId + u;
            records.add(new KplAggregator.UserRecord("k" + id, null, json(id).getBytes(StandardCharsets.UTF_8)));
        }
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (KplAggregator.AggregatedRecord aggregated : KplAggregator.installed(paths).aggregate(List.of(records))) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey(aggregated.partitionKey())
                    .explicitHashKey(aggregated.explicitHashKey()).data(SdkBytes.fromByteArray(aggregated.data())).build());
        }
        PutRecordsResponse response = client.putRecords(request -> request.streamName(stream).records(entries));
        assertEquals(0, response.failedRecordCount() == null ? 0 : response.failedRecordCount(), "refused: " + response);
        return response.records();
    }

    private static DynamoDbClient dynamo(Dynalite dynamodb) {
        return DynamoDbClient.builder().endpointOverride(dynamodb.endpoint()).region(Region.of(dynamodb.region()))
                .httpClient(ApacheHttpClient.create()).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(dynamodb.accessKeyId(), dynamodb.secretAccessKey()))).build();
    }
}
