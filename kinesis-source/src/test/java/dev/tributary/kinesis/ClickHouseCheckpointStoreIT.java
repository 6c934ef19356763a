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

    /** Exactly-once delivery: a shard's checkpoint and pending ranges are saved by one write and read from the same row. */
    @Test
    void pendingRangesAreSavedAndReadWithTheirCheckpoint(ClickHouseServer clickhouse) {
        String table = unique("checkpoints_pending");
        try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().endpoint(clickhouse.endpoint())
                .table(table).build()) {
            store.open();
            assertTrue(store.keepsPendingRanges());
            Checkpoint sealed = Checkpoint.TRIM_HORIZON.withPendingRanges("tributary-eos/1 1764000000123:100-200");
            Checkpoint twoInFlight = Checkpoint.TRIM_HORIZON.withPendingRanges(
                    "tributary-eos/1 1764000000123:100-200,1764000000456:201:0-201:4");
            Checkpoint landed = Checkpoint.at("200").withPendingRanges("tributary-eos/1 1764000000456:201:0-201:4");
            store.save("app", "events", Map.of("shardId-000000000000", sealed, "shardId-000000000001", Checkpoint.at("5")));
            store.save("app", "events", Map.of("shardId-000000000000", twoInFlight));
            assertEquals(Map.of("shardId-000000000000", twoInFlight, "shardId-000000000001", Checkpoint.at("5")),
                    store.load("app", "events"));
            store.save("app", "events", Map.of("shardId-000000000000", landed));
            store.save("app", "events", Map.of("shardId-000000000000", Checkpoint.at("201:4")));
            assertEquals(Checkpoint.at("201:4"), store.load("app", "events").get("shardId-000000000000"), "all landed");
            assertEquals(List.of(List.of("201:4", "")), clickhouse.sql().rows("SELECT sequence_number, pending_ranges FROM "
                    + table + " FINAL WHERE shard_id = 'shardId-000000000000'"));
        }
    }

    /** A table made before the pending-ranges column gets it at open (on 18.16, which has no ADD COLUMN IF NOT EXISTS). */
    @Test
    void aTableOfTheOldLayoutGetsThePendingColumnAtOpen(ClickHouseServer clickhouse) {
        String table = unique("checkpoints_old");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute(CheckpointTableChDbTest.oldLayout(table));
        sql.execute("INSERT INTO " + table + " VALUES ('app', 'events', 'shardId-000000000000', '42', 1, now())");
        try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().endpoint(clickhouse.endpoint())
                .table(table).build()) {
            store.open();
            store.open(); // the column is there now: nothing to add
            assertEquals(List.of(List.of("pending_ranges", "String")), sql.rows("SELECT name, type FROM system.columns"
                    + " WHERE database = currentDatabase() AND table = '" + table + "' AND name = 'pending_ranges'"));
            assertEquals(Map.of("shardId-000000000000", Checkpoint.at("42")), store.load("app", "events"), "an old row: none pending");
            Checkpoint pending = Checkpoint.at("42").withPendingRanges("tributary-eos/1 7:43-50");
            store.save("app", "events", Map.of("shardId-000000000000", pending));
            assertEquals(Map.of("shardId-000000000000", pending), store.load("app", "events"));
        }
    }

    /** createTable(false) leaves an old table as it is: checkpoints work, pending ranges are refused, naming the DDL. */
    @Test
    void anOldTableLeftAsItIsKeepsCheckpointsButRefusesPendingRanges(ClickHouseServer clickhouse) {
        String table = unique("checkpoints_kept_old");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute(CheckpointTableChDbTest.oldLayout(table));
        try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().endpoint(clickhouse.endpoint())
                .table(table).createTable(false).build()) {
            store.open();
            store.save("app", "events", Map.of("shardId-000000000000", Checkpoint.at("42")));
            assertEquals(Map.of("shardId-000000000000", Checkpoint.at("42")), store.load("app", "events"));
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> store.save("app", "events",
                    Map.of("shardId-000000000000", Checkpoint.at("42").withPendingRanges("tributary-eos/1 7:43-50"))));
            assertTrue(error.getMessage().contains("ALTER TABLE " + store.qualifiedName()
                    + " ADD COLUMN pending_ranges String AFTER sequence_number"), error.getMessage());
            assertEquals(0, sql.longValue("SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = '"
                    + table + "' AND name = 'pending_ranges'"));
        }
    }
}
