package dev.tributary.kinesis;

import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint table's SQL on a modern engine (chDB 26.5); {@link ClickHouseCheckpointStoreIT}
 * runs the same statements through the store on the 18.16 server.
 */
@ExtendWith(TestServers.class)
class CheckpointTableChDbTest {

    /** The layout of the table before the pending-ranges column, as older versions made it. */
    static String oldLayout(String qualifiedTable) {
        return "CREATE TABLE " + qualifiedTable + " (application String, stream String, shard_id String,"
                + " sequence_number String, version UInt64, updated_at DateTime)"
                + " ENGINE = ReplacingMergeTree(version) ORDER BY (application, stream, shard_id)";
    }

    @Test
    void theNewestWriteOfEachShardWinsOnAModernServer(ChDb chdb) {
        String table = "`default`.`checkpoints_" + System.nanoTime() + "`";
        chdb.query(CheckpointTable.create(table), "TabSeparated");
        chdb.query(CheckpointTable.create(table), "TabSeparated");
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of("shardId-000000000000", Checkpoint.at("10"),
                "shardId-000000000001", Checkpoint.at("20")), 1, true), "TabSeparated");
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of("shardId-000000000000", Checkpoint.SHARD_END), 2, true),
                "TabSeparated");
        chdb.query(CheckpointTable.insert(table, "app's", "events", Map.of("shardId-000000000000", Checkpoint.at("5")), 3, true),
                "TabSeparated");

        Map<String, Checkpoint> expected = Map.of("shardId-000000000000", Checkpoint.SHARD_END,
                "shardId-000000000001", Checkpoint.at("20"));
        assertEquals(expected, read(chdb, table, "app"));
        assertEquals(Map.of("shardId-000000000000", Checkpoint.at("5")), read(chdb, table, "app's"), "names are quoted");
        chdb.query("OPTIMIZE TABLE " + table + " FINAL", "TabSeparated");
        assertEquals(expected, read(chdb, table, "app"));
        assertTrue(Integer.parseInt(chdb.version().split("\\.")[0]) >= 20, "a modern engine: " + chdb.version());
    }

    /** A checkpoint is read with the pending ranges of its own row, the newest; a landing clears them. */
    @Test
    void pendingRangesAreReadFromTheRowOfTheirCheckpoint(ChDb chdb) {
        String table = "`default`.`checkpoints_pending_" + System.nanoTime() + "`";
        chdb.query(CheckpointTable.create(table), "TabSeparated");
        String shard = "shardId-000000000000";
        Checkpoint older = Checkpoint.at("10").withPendingRanges("tributary-eos/1 1000:11-15");
        Checkpoint newer = Checkpoint.at("10").withPendingRanges("tributary-eos/1 1000:11-15,1001:16-20:3");
        Checkpoint landed = Checkpoint.at("15").withPendingRanges("tributary-eos/1 1001:16-20:3");
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of(shard, older), 1, true), "TabSeparated");
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of(shard, newer), 2, true), "TabSeparated");
        assertEquals(Map.of(shard, newer), read(chdb, table, "app"));
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of(shard, landed), 3, true), "TabSeparated");
        assertEquals(Map.of(shard, landed), read(chdb, table, "app"));
        chdb.query("OPTIMIZE TABLE " + table + " FINAL", "TabSeparated");
        assertEquals(Map.of(shard, landed), read(chdb, table, "app"));
    }

    /** The statement that upgrades a table of the old layout works on a modern server; old rows have no ranges. */
    @Test
    void aTableOfTheOldLayoutGetsThePendingColumn(ChDb chdb) {
        String name = "checkpoints_old_" + System.nanoTime();
        String table = "`default`.`" + name + "`";
        chdb.query(oldLayout(table), "TabSeparated");
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of("shardId-000000000000", Checkpoint.at("7")), 1, false),
                "TabSeparated");
        assertFalse(CheckpointTable.parseColumns(chdb.queryText(CheckpointTable.columns("default", name), "TabSeparated"))
                .contains(CheckpointTable.PENDING_COLUMN));
        assertEquals(Map.of("shardId-000000000000", Checkpoint.at("7")), CheckpointTable.parse(chdb.queryText(
                CheckpointTable.select(table, "app", "events", false), "TabSeparated"), table));

        chdb.query(CheckpointTable.addPendingColumn(table), "TabSeparated");
        assertEquals("application,stream,shard_id,sequence_number,pending_ranges,version,updated_at", String.join(",",
                chdb.queryText("SELECT name FROM system.columns WHERE database = 'default' AND table = '" + name
                        + "' ORDER BY position", "TabSeparated").strip().split("\n")));
        assertEquals(Map.of("shardId-000000000000", Checkpoint.at("7")), read(chdb, table, "app"), "an old row: none pending");
        Checkpoint pending = Checkpoint.at("7").withPendingRanges("tributary-eos/1 5:8-9");
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of("shardId-000000000000", pending), 2, true), "TabSeparated");
        assertEquals(Map.of("shardId-000000000000", pending), read(chdb, table, "app"));
    }

    private static Map<String, Checkpoint> read(ChDb chdb, String table, String application) {
        return CheckpointTable.parse(chdb.queryText(CheckpointTable.select(table, application, "events", true), "TabSeparated"), table);
    }
}
