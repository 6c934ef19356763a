package dev.tributary.kinesis;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;

import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The default checkpoint store on the ClickHouse 18.16 server. */
@ExtendWith(TestServers.class)
class ClickHouseCheckpointStoreIT {

    @Test
    void theNewestWriteOfEachShardWinsBeforeAndAfterMerges(ClickHouseServer clickhouse) {
        String table = unique("checkpoints");
        ClickHouseSql sql = clickhouse.sql();
        try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().endpoint(clickhouse.endpoint())
                .table(table).build()) {
            store.open();
            store.open(); // idempotent: CREATE TABLE IF NOT EXISTS
            assertEquals(Map.of(), store.load("app", "events"));

            store.save("app", "events", Map.of("shardId-000000000000", Checkpoint.at("100"), "shardId-000000000001", Checkpoint.at("7")));
            store.save("app", "events", Map.of("shardId-000000000000", Checkpoint.at("250")));
            store.save("app", "events", Map.of("shardId-000000000001", Checkpoint.SHARD_END));
            store.save("other-app", "events", Map.of("shardId-000000000000", Checkpoint.at("1")));
            store.save("app", "orders", Map.of("shardId-000000000000", Checkpoint.at("2")));

            Map<String, Checkpoint> expected = Map.of("shardId-000000000000", Checkpoint.at("250"),
                    "shardId-000000000001", Checkpoint.SHARD_END);
            assertEquals(expected, store.load("app", "events"));
            assertEquals(Map.of("shardId-000000000000", Checkpoint.at("1")), store.load("other-app", "events"));
            assertEquals(Map.of("shardId-000000000000", Checkpoint.at("2")), store.load("app", "orders"));

            sql.execute("OPTIMIZE TABLE " + table + " FINAL");
            assertEquals(expected, store.load("app", "events"), "the same after ReplacingMergeTree merged the rows");
            assertEquals(List.of(List.of("ReplacingMergeTree")), sql.rows("SELECT engine FROM system.tables WHERE name = '" + table + "'"));
            assertEquals(4, sql.longValue("SELECT count() FROM " + table + " FINAL"));
        }
    }

    @Test
    void failuresNameTheTableAndTheServer(ClickHouseServer clickhouse) {
        try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().endpoint(clickhouse.endpoint())
                .table(unique("missing")).createTable(false).build()) {
            store.open();
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> store.load("app", "events"));
            assertTrue(error.getMessage().contains("read the checkpoints of stream events from " + store.qualifiedName())
                    && error.getMessage().contains(clickhouse.endpoint()), error.getMessage());
        }
    }
}
