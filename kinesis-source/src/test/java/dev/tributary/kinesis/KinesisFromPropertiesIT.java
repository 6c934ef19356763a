package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.Await;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
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
import static org.junit.jupiter.api.Assertions.assertEquals;
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
            for (String table : List.of(fromFile, fromBuilders)) {
                Await.await(table + ": every record a row or an error row", Duration.ofMinutes(1),
                        () -> count(sql, table) == RECORDS - bad && count(sql, table + "_errors") == bad
                                && count(sql, table + "_cp") > 0);
            }
        }
        String rows = "SELECT id, name, _key, _stream, _sequence_number, _raw_message FROM %s ORDER BY id";
        List<List<String>> expected = sql.rows(String.format(rows, fromBuilders));
        assertEquals(RECORDS - bad, expected.size());
        assertEquals(expected, sql.rows(String.format(rows, fromFile)));
        String errors = "SELECT pipeline, split, position, error_kind, message, raw_key, raw_value FROM %s_errors"
                + " ORDER BY split, position";
        List<List<String>> expectedErrors = sql.rows(String.format(errors, fromBuilders));
        assertEquals(bad, expectedErrors.size());
        assertTrue(expectedErrors.stream().allMatch(row -> row.get(3).equals("DECODE")), expectedErrors.toString());
        assertEquals(expectedErrors, sql.rows(String.format(errors, fromFile)));
    }

    private static long count(ClickHouseSql sql, String table) {
        try {
            return sql.longValue("SELECT count() FROM " + table);
        } catch (RuntimeException e) {
            return -1; // created by the sink or the checkpoint store at start
        }
    }
}
