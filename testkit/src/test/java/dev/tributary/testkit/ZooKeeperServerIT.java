package dev.tributary.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServers.class)
class ZooKeeperServerIT {

    @Test
    void replicatedTableKeepsOneCopyOfARepeatedInsert(@WithZooKeeper ClickHouseServer clickhouse) {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE dedup (id UInt32, name String) ENGINE = " + clickhouse.replicatedMergeTree("dedup")
                + " ORDER BY id");
        byte[] block = "1\ta\n2\tb\n".getBytes(StandardCharsets.UTF_8);

        for (int i = 0; i < 3; i++) {
            sql.insert("dedup", "TabSeparated", block);
        }
        sql.insert("dedup", "TabSeparated", "3\tc\n".getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of(List.of("1", "a"), List.of("2", "b"), List.of("3", "c")),
                sql.rows("SELECT id, name FROM dedup ORDER BY id"));
    }

    /**
     * Replication needs an interserver HTTP port: without one the replica never becomes leader, no merge
     * is ever chosen, and after 300 small inserts the table refuses more ("Too many parts").
     */
    @Test
    void replicatedTableMergesItsParts(@WithZooKeeper ClickHouseServer clickhouse) throws InterruptedException {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE merged (id UInt32) ENGINE = " + clickhouse.replicatedMergeTree("merged") + " ORDER BY id");
        for (int i = 0; i < 3; i++) {
            sql.execute("INSERT INTO merged VALUES (" + i + ")");
        }

        Await.await("the replica of merged leader and writable", Duration.ofSeconds(20), () -> sql.rows(
                "SELECT is_leader, is_readonly FROM system.replicas WHERE table = 'merged'").equals(List.of(List.of("1", "0"))));
        try {
            sql.execute("OPTIMIZE TABLE merged FINAL");
        } catch (IllegalStateException e) {
            // 18.16 answers code 49 "Unknown log entry type: 0" when a background merge had already taken the
            // parts, so that OPTIMIZE made no log entry and waited for an empty one (ClickHouse #3611, fixed in
            // 19.4 by #4683; seen in CI). The merge is then under way: the wait below still checks it.
            if (!String.valueOf(e.getMessage()).contains("Unknown log entry type: 0")) {
                throw e;
            }
        }
        Await.await("the parts of merged merged into one", Duration.ofSeconds(20), () -> sql.longValue(
                "SELECT count() FROM system.parts WHERE table = 'merged' AND database = currentDatabase() AND active") == 1);
        assertEquals(3, sql.longValue("SELECT count() FROM merged"));
    }

    @Test
    void serverWithZooKeeperHasTheReplicaMacroAndAPlainOneHasNone(@WithZooKeeper ClickHouseServer replicated,
                                                                   ClickHouseServer plain) {
        assertNotEquals(replicated.httpUrl(), plain.httpUrl());
        assertTrue(replicated.hasZooKeeper());
        assertEquals(ClickHouseServer.REPLICA, replicated.sql().value("SELECT substitution FROM system.macros WHERE macro = 'replica'"));
        assertFalse(plain.hasZooKeeper());
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> plain.replicatedMergeTree("t"));
        assertTrue(error.getMessage().contains("@WithZooKeeper"), error.getMessage());
    }

    @Test
    void replicatedMergeTreeGivesEachTableItsOwnPath(@WithZooKeeper ClickHouseServer clickhouse) {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE DATABASE IF NOT EXISTS other");
        sql.execute("CREATE TABLE same_name (id UInt32) ENGINE = " + clickhouse.replicatedMergeTree("same_name") + " ORDER BY id");
        sql.execute("CREATE TABLE other.same_name (id UInt32) ENGINE = " + clickhouse.replicatedMergeTree("same_name")
                + " ORDER BY id");

        sql.execute("INSERT INTO same_name VALUES (1)");
        sql.execute("INSERT INTO other.same_name VALUES (1)");

        // One block in two tables: each keeps it, their deduplication logs are apart.
        assertEquals(1, sql.longValue("SELECT count() FROM same_name"));
        assertEquals(1, sql.longValue("SELECT count() FROM other.same_name"));
        assertEquals(2, sql.longValue("SELECT uniqExact(zookeeper_path) FROM system.replicas WHERE table = 'same_name'"));
    }

    @Test
    void servesOnLoopbackAndStopsByItsPid(TestkitPaths paths) {
        // A server of its own, so that stopping it does not disturb the shared one.
        try (ZooKeeperServer zooKeeper = ZooKeeperServer.start(paths)) {
            assertEquals(Loopback.HOST + ":" + zooKeeper.port(), zooKeeper.connectString());
            assertTrue(Loopback.isListening(zooKeeper.port()));
            long pid = zooKeeper.pid();
            assertTrue(ProcessHandle.of(pid).isPresent());

            zooKeeper.stop();

            assertFalse(zooKeeper.isRunning());
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            assertFalse(Loopback.isListening(zooKeeper.port()));
        }
    }
}
