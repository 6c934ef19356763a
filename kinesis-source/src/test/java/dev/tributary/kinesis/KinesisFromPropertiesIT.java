package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.Await;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.SideBySide;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Kinesis pipeline from a properties file (its checkpoint store on the sink's ClickHouse, from the sink's
 * keys) writes what the builder one writes: the same rows and the same error rows (kinesis-mock, ClickHouse 18.16).
 */
@ExtendWith(TestServers.class)
class KinesisFromPropertiesIT {

    private static final int RECORDS = 600;

    @Test
    void aKinesisPipelineFromAPropertiesFileWritesWhatTheBuilderOneWrites(KinesisMock kinesis, ClickHouseServer clickhouse,
                                                                           @TempDir Path dir) throws Exception {
        String stream = unique("props");
        String fromFile = unique("kin_file");
        String fromBuilders = unique("kin_builders");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, fromFile);
        createTable(sql, fromBuilders);
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            // Every 100th record is not JSON: an error row (DECODE) with its raw bytes.
            put(client, stream, 0, RECORDS, id -> "k" + id, id -> id % 100 == 7 ? "{broken " + id : KinesisTestData.json(id));
        }
        Path file = dir.resolve("kinesis.properties");
        Files.writeString(file, String.join("\n",
                "pipeline.name=kinesis-orders",
                "pipeline.metrics-log-interval=0",
                "source.type=kinesis",
                "source.stream-name=" + stream,
                "source.region=" + kinesis.region(),
                "source.endpoint-override=" + kinesis.endpoint(),
                "source.credentials.access-key-id=" + kinesis.accessKeyId(),
                "source.credentials.secret-access-key=" + kinesis.secretAccessKey(),
                "source.application-name=file-" + stream,
                "source.checkpoint-store.table=" + fromFile + "_cp",
                "source.shard-discovery-interval=1s",
                "source.retry-backoff-initial=100ms",
                "source.retry-backoff-max=2s",
                "decoder.type=json",
                "sink.endpoint=" + clickhouse.endpoint(),
                "sink.table=" + fromFile,
                "sink.max-age=300ms",
                ""));
        Pipeline builders = Pipeline.builder().name("kinesis-orders").metricsLogInterval(Duration.ZERO)
                .source(KinesisSource.builder().streamName(stream).region(kinesis.region())
                        .endpointOverride(kinesis.endpoint().toString())
                        .credentials(KinesisCredentials.staticKeys(kinesis.accessKeyId(), kinesis.secretAccessKey()))
                        .applicationName("builders-" + stream)
                        .checkpointStore(ClickHouseCheckpointStore.builder().endpoint(clickhouse.endpoint())
                                .table(fromBuilders + "_cp").build())
                        .shardDiscoveryInterval(Duration.ofSeconds(1)).retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                        .build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(fromBuilders).maxAge(Duration.ofMillis(300))
                        .build())
                .build();
        int bad = RECORDS / 100;
        try (Pipeline properties = PipelineConfig.fromFile(file); builders) {
            properties.start();
            builders.start();
            SideBySide.awaitRowsAndErrors(RECORDS - bad, bad, sql::rows, fromFile, fromBuilders);
            for (String table : List.of(fromFile, fromBuilders)) {
                Await.await(table + "_cp: a checkpoint", Duration.ofMinutes(1), () -> SideBySide.count(sql::rows, table + "_cp") > 0);
            }
        }
        SideBySide.assertSameRows(sql::rows, "SELECT id, name, _key, _stream, _sequence_number, _raw_message FROM %s ORDER BY id",
                fromBuilders, fromFile, RECORDS - bad);
        List<List<String>> expectedErrors = SideBySide.assertSameErrors(sql::rows, fromBuilders, fromFile, bad);
        assertTrue(expectedErrors.stream().allMatch(row -> row.get(3).equals("DECODE")), expectedErrors.toString());
    }
}
