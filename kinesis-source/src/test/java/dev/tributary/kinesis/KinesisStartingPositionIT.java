package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Duration;
import java.util.List;
import java.util.Map;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A starting position applies once (issue #11, item 6): {@code LATEST} is resolved when a shard is
 * first assigned and saved in the checkpoint store at once, so a restart — even one before any
 * record arrived — resumes from it instead of jumping to the end again.
 */
@ExtendWith(TestServers.class)
class KinesisStartingPositionIT {

    @ParameterizedTest
    @EnumSource(Mode.class)
    void latestStoppedBeforeAnyRecordThenRestartedLosesNothingPutWhileDown(Mode mode, KinesisMock kinesis,
                                                                           ClickHouseServer clickhouse) throws Exception {
        String stream = unique("latest_once");
        String table = unique("latest_once_" + mode.name().toLowerCase());
        String application = table.replace('_', '-');
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            put(client, stream, 0, 50); // before the first start: LATEST skips these

            KinesisSource first = source(kinesis, kinesis.endpoint(), stream, mode, clickhouse)
                    .startingPosition(StartingPosition.LATEST).applicationName(application).build();
            try (Pipeline pipeline = pipeline(application, first, clickhouse, table)) {
                pipeline.start();
                await("both shards read", Duration.ofSeconds(30), () -> first.assignedSplits().size() == 2);
            } // stopped before any record arrived: nothing was committed

            try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
                store.open();
                Map<String, Checkpoint> saved = store.load(application, stream);
                assertEquals(2, saved.size(), "the resolved start of each shard is saved at its first assignment: " + saved);
                saved.values().forEach(checkpoint -> assertTrue(checkpoint.timestamp() != null,
                        "LATEST is saved as the moment it was resolved: " + checkpoint));
            }

            put(client, stream, 1_000, 1_500); // while the consumer is down

            KinesisSource again = source(kinesis, kinesis.endpoint(), stream, mode, clickhouse)
                    .startingPosition(StartingPosition.LATEST).applicationName(application).build();
            try (Pipeline pipeline = pipeline(application, again, clickhouse, table)) {
                pipeline.start();
                await("both shards read again", Duration.ofSeconds(30), () -> again.assignedSplits().size() == 2);
                put(client, stream, 2_000, 2_100); // after the restart
                await("the records put after the restart", Duration.ofMinutes(1),
                        () -> sql.longValue("SELECT count() FROM " + table + " WHERE id >= 2000") >= 100);
            }
        }
        assertEquals(List.of(List.of("500", "500", "1000", "1499")), sql.rows("SELECT count(), uniqExact(id), min(id), max(id)"
                + " FROM " + table + " WHERE id < 2000"), "every record put while down landed once, none from before the first start");
        assertEquals(List.of(List.of("600", "600")), sql.rows("SELECT count(), uniqExact(id) FROM " + table));
    }
}
