package dev.tributary.kinesis;

import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint table's SQL on a modern engine (chDB 26.5); {@link ClickHouseCheckpointStoreIT}
 * runs the same statements through the store on the 18.16 server.
 */
@ExtendWith(TestServers.class)
class CheckpointTableChDbTest {

    @Test
    void theNewestWriteOfEachShardWinsOnAModernServer(ChDb chdb) {
        String table = "`default`.`checkpoints_" + System.nanoTime() + "`";
        chdb.query(CheckpointTable.create(table), "TabSeparated");
        chdb.query(CheckpointTable.create(table), "TabSeparated");
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of("shardId-000000000000", Checkpoint.at("10"),
                "shardId-000000000001", Checkpoint.at("20")), 1), "TabSeparated");
        chdb.query(CheckpointTable.insert(table, "app", "events", Map.of("shardId-000000000000", Checkpoint.SHARD_END), 2),
                "TabSeparated");
        chdb.query(CheckpointTable.insert(table, "app's", "events", Map.of("shardId-000000000000", Checkpoint.at("5")), 3),
                "TabSeparated");

        Map<String, Checkpoint> expected = Map.of("shardId-000000000000", Checkpoint.SHARD_END,
                "shardId-000000000001", Checkpoint.at("20"));
        assertEquals(expected, read(chdb, table, "app"));
        assertEquals(Map.of("shardId-000000000000", Checkpoint.at("5")), read(chdb, table, "app's"), "names are quoted");
        chdb.query("OPTIMIZE TABLE " + table + " FINAL", "TabSeparated");
        assertEquals(expected, read(chdb, table, "app"));
        assertTrue(Integer.parseInt(chdb.version().split("\\.")[0]) >= 20, "a modern engine: " + chdb.version());
    }

    private static Map<String, Checkpoint> read(ChDb chdb, String table, String application) {
        return CheckpointTable.parse(chdb.queryText(CheckpointTable.select(table, application, "events"), "TabSeparated"), table);
    }
}
