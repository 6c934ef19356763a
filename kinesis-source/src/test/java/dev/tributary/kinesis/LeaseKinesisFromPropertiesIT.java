package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.Dynalite;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.SideBySide;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code source.type=kinesis-lease} end to end: a lease-based pipeline from a properties file and the builder
 * one, each its own application, lease table and worker, read the same stream (kinesis-mock, leases in
 * dynalite) into ClickHouse 18.16 and give identical rows, identical error rows and the same checkpoints,
 * in the lease table and under the worker id their keys name. Mostly idle (the first KCL worker of an
 * application waits 1 to 30 s on an empty lease table), so it runs beside other such classes.
 */
@ExtendWith(TestServers.class)
@Execution(ExecutionMode.CONCURRENT)
class LeaseKinesisFromPropertiesIT {

    private static final int RECORDS = 600;
    private static final int SHARDS = 2;

    @Test
    void aLeaseKinesisPipelineFromAPropertiesFileWritesWhatTheBuilderOneWrites(KinesisMock kinesis, Dynalite dynamodb,
                                                                                ClickHouseServer clickhouse, @TempDir Path dir)
            throws Exception {
        String stream = unique("lease_props");
        String fromFile = unique("lease_file");
        String fromBuilders = unique("lease_builders");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, fromFile);
        createTable(sql, fromBuilders);
        Map<Long, KinesisTestData.Put> puts;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, SHARDS);
            // Every 100th record is not JSON: an error row (DECODE) with its raw bytes.
            puts = put(client, stream, 0, RECORDS, id -> "k" + id, id -> id % 100 == 7 ? "{broken " + id : KinesisTestData.json(id));
        }
        Path file = dir.resolve("lease.properties");
        // The lease timings of LeaseKinesisSourceIT, which make KCL quick on dynalite.
        Files.writeString(file, String.join("\n",
                "pipeline.name=lease-orders",
                "pipeline.metrics-log-interval=0",
                "source.type=kinesis-lease",
                "source.stream-name=" + stream,
                "source.region=" + kinesis.region(),
                "source.endpoint-override=" + kinesis.endpoint(),
                "source.dynamodb-endpoint-override=" + dynamodb.endpoint(),
                "source.credentials.access-key-id=" + kinesis.accessKeyId(),
                "source.credentials.secret-access-key=" + kinesis.secretAccessKey(),
                "source.starting-position=trim-horizon",
                "source.application-name=file-" + stream,
                "source.lease-table-name=" + fromFile + "_leases",
                "source.worker-id=file-worker",
                "source.poll-interval=200ms",
                "source.failover-time=2s",
                "source.leader-lease-duration=3s",
                "source.shard-sync-interval=2s",
                "source.max-leases-per-worker=" + SHARDS,
                "source.create-lease-table=true",
                "source.shutdown-timeout=20s",
                "decoder.type=json",
                "sink.endpoint=" + clickhouse.endpoint(),
                "sink.table=" + fromFile,
                "sink.max-age=300ms",
                ""));
        Pipeline builders = Pipeline.builder().name("lease-orders").metricsLogInterval(Duration.ZERO)
                .source(LeaseKinesisSource.builder().streamName(stream).region(kinesis.region())
                        .endpointOverride(kinesis.endpoint().toString())
                        .dynamoDbEndpointOverride(dynamodb.endpoint().toString())
                        .credentials(KinesisCredentials.staticKeys(kinesis.accessKeyId(), kinesis.secretAccessKey()))
                        .startingPosition(StartingPosition.TRIM_HORIZON)
                        .applicationName("builders-" + stream)
                        .leaseTableName(fromBuilders + "_leases")
                        .workerId("builders-worker")
                        .pollInterval(Duration.ofMillis(200))
                        .failoverTime(Duration.ofSeconds(2))
                        .leaderLeaseDuration(Duration.ofSeconds(3))
                        .shardSyncInterval(Duration.ofSeconds(2))
                        .maxLeasesPerWorker(SHARDS)
                        .createLeaseTable(true)
                        .shutdownTimeout(Duration.ofSeconds(20))
                        .build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(fromBuilders).maxAge(Duration.ofMillis(300)).build())
                .build();
        int bad = RECORDS / 100;
        try (DynamoDbClient dynamo = LeaseKinesisCrashIT.dynamo(dynamodb);
             Pipeline properties = PipelineConfig.fromFile(file); builders) {
            properties.start();
            builders.start();
            SideBySide.awaitRowsAndErrors(RECORDS - bad, bad, sql::rows, fromFile, fromBuilders);
            // Each source holds every shard's lease in its own lease table, as its own worker.
            assertEquals(owners("file-worker"), LeaseKinesisCrashIT.owners(dynamo, fromFile + "_leases"));
            assertEquals(owners("builders-worker"), LeaseKinesisCrashIT.owners(dynamo, fromBuilders + "_leases"));
            properties.stop();
            builders.stop();
            assertTrue(properties.awaitTermination(Duration.ofSeconds(30)), "the pipeline from the file stopped");
            assertTrue(builders.awaitTermination(Duration.ofSeconds(30)), "the builder pipeline stopped");
        }
        SideBySide.assertSameRows(sql::rows, "SELECT id, name, _key, _stream, _sequence_number, _raw_message FROM %s ORDER BY id",
                fromBuilders, fromFile, RECORDS - bad);
        List<List<String>> expectedErrors = SideBySide.assertSameErrors(sql::rows, fromBuilders, fromFile, bad);
        assertTrue(expectedErrors.stream().allMatch(row -> row.get(3).equals("DECODE")), expectedErrors.toString());
        // Both checkpointed the last record of each shard, each in its own lease table.
        Map<String, String> last = new TreeMap<>();
        puts.forEach((id, put) -> last.merge(put.shardId(), put.sequenceNumber(),
                (a, b) -> new BigInteger(a).compareTo(new BigInteger(b)) >= 0 ? a : b));
        assertEquals(SHARDS, last.size(), last.toString());
        assertEquals(last, LeaseKinesisSourceIT.checkpoints(dynamodb, fromBuilders + "_leases"));
        assertEquals(last, LeaseKinesisSourceIT.checkpoints(dynamodb, fromFile + "_leases"));
    }

    private static Map<String, String> owners(String workerId) {
        Map<String, String> owners = new TreeMap<>();
        for (int shard = 0; shard < SHARDS; shard++) {
            owners.put(KinesisTestData.shardId(shard), workerId);
        }
        return owners;
    }
}
