package dev.tributary.core.clickhouse;

import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.testing.TestRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exactly-once's decisions from a table's engine, settings and server version, and the text of its tokens. */
class DeduplicationTest {

    private static final ServerVersion MODERN = ServerVersion.parse("26.5.1.1");
    private static final ServerVersion OLD = ServerVersion.parse("18.16.1");
    /** system.merge_tree_settings of 26.5, as read there. */
    private static final Map<String, String> DEFAULTS_26 = Map.of("non_replicated_deduplication_window", "0",
            "replicated_deduplication_window", "10000");
    /** ... and of 18.16, which has no non_replicated_deduplication_window. */
    private static final Map<String, String> DEFAULTS_18 = Map.of("replicated_deduplication_window", "100");

    private static Deduplication.TableFacts table(String engine, String createQuery, Map<String, String> defaults) {
        return new Deduplication.TableFacts("`default`.`t`", engine, Deduplication.settingsOf(createQuery), defaults);
    }

    @Test
    void aModernMergeTreeWithTheDefaultWindowOfZeroIsRefusedNamingTheAlter() {
        String refusal = Deduplication.refusal(table("MergeTree",
                "CREATE TABLE default.t (`id` UInt64) ENGINE = MergeTree ORDER BY id SETTINGS index_granularity = 8192",
                DEFAULTS_26), MODERN, 6, "target table");
        assertTrue(refusal.contains("non_replicated_deduplication_window is 0 (the server's default)"), refusal);
        assertTrue(refusal.contains("ALTER TABLE `default`.`t` MODIFY SETTING non_replicated_deduplication_window = 1000"), refusal);
    }

    @Test
    void aModernMergeTreeWithAWindowDeduplicates() {
        assertNull(Deduplication.refusal(table("ReplacingMergeTree", "CREATE TABLE default.t (`id` UInt64) ENGINE ="
                + " ReplacingMergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100, index_granularity = 8192"
                + " COMMENT 'x = 1'", DEFAULTS_26), MODERN, 6, "target table"));
    }

    @Test
    void aWindowSmallerThanWhatCanBeInFlightIsRefusedNamingTheSettingAndTheBound() {
        String refusal = Deduplication.refusal(table("MergeTree", "CREATE TABLE default.t (`id` UInt64) ENGINE = MergeTree"
                + " ORDER BY id SETTINGS non_replicated_deduplication_window = 5", DEFAULTS_26), MODERN,
                Deduplication.requiredWindow(2), "error table");
        assertTrue(refusal.contains("error table `default`.`t` to remember at least 6 inserts"), refusal);
        assertTrue(refusal.contains("non_replicated_deduplication_window is 5"), refusal);
        assertTrue(refusal.contains("maxInFlightBatches"), refusal);
    }

    @Test
    void replicatedTablesAreJudgedByTheReplicatedWindowTheirOwnOrTheServers() {
        assertNull(Deduplication.refusal(table("ReplicatedMergeTree", "CREATE TABLE default.t (id UInt64) ENGINE ="
                + " ReplicatedMergeTree('/t', 'r') ORDER BY id SETTINGS index_granularity = 8192", DEFAULTS_26), MODERN, 6, "target table"));
        assertNull(Deduplication.refusal(table("SharedMergeTree", "CREATE TABLE default.t (id UInt64) ENGINE = SharedMergeTree"
                + " ORDER BY id", DEFAULTS_26), MODERN, 6, "target table"));
        String refusal = Deduplication.refusal(table("ReplicatedMergeTree", "CREATE TABLE default.t (id UInt64) ENGINE ="
                + " ReplicatedMergeTree('/t', 'r') ORDER BY id SETTINGS replicated_deduplication_window = 0", DEFAULTS_26),
                MODERN, 6, "target table");
        assertTrue(refusal.contains("MODIFY SETTING replicated_deduplication_window = 1000"), refusal);
    }

    @Test
    void beforeTokensOnlyReplicatedTablesDeduplicate() {
        String refusal = Deduplication.refusal(table("MergeTree",
                "CREATE TABLE default.t ( id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS index_granularity = 8192",
                DEFAULTS_18), OLD, 6, "target table");
        assertTrue(refusal.contains("ClickHouse 18.16.1 (before 22.2) needs the target table `default`.`t` to be Replicated"), refusal);
        assertTrue(refusal.contains("ReplicatedMergeTree('/clickhouse/tables/{shard}/`default`.`t`', '{replica}')"), refusal);
        assertNull(Deduplication.refusal(table("ReplicatedMergeTree", "CREATE TABLE default.t ( id UInt64) ENGINE ="
                + " ReplicatedMergeTree('/clickhouse/tables/t', 'r1') ORDER BY id SETTINGS index_granularity = 8192",
                DEFAULTS_18), OLD, 6, "target table"));
    }

    @Test
    void enginesOutsideTheMergeTreeFamilyAreRefused() {
        for (String engine : new String[] {"Distributed", "Buffer", "Memory", "Null", "MaterializedView", "Log"}) {
            String refusal = Deduplication.refusal(table(engine, "CREATE TABLE default.t (id UInt64) ENGINE = " + engine,
                    DEFAULTS_26), MODERN, 6, "target table");
            assertTrue(refusal.contains("its engine is " + engine), refusal);
        }
    }

    @Test
    void theSettingsClauseIsReadUpToWhatIsNotASetting() {
        assertEquals(Map.of("non_replicated_deduplication_window", "100", "index_granularity", "8192", "storage_policy", "'x, y'"),
                Deduplication.settingsOf("CREATE TABLE d.t (`s` String DEFAULT 'a SETTINGS b = 1') ENGINE = MergeTree ORDER BY s"
                        + " SETTINGS non_replicated_deduplication_window = 100, index_granularity = 8192,"
                        + " storage_policy = 'x, y' COMMENT 'c = 2'"));
        assertEquals(Map.of(), Deduplication.settingsOf("CREATE TABLE d.t (id UInt64) ENGINE = Memory"));
    }

    @Test
    void aTokenNamesTheTableAndThePositionsOfTheFirstAndLastRow() {
        assertEquals("db.events/s3@100..s3@199", Deduplication.token("db", "events",
                new TestRecord.Position("s3", 100), new TestRecord.Position("s3", 199)));
    }

    @Test
    void everyInsertDeduplicatesAndIsNotAsyncWhereTheServerHasIt() {
        Map<String, String> settings = Deduplication.insertSettings(Map.of("insert_deduplicate", "0", "max_threads", "2"),
                true, "db.t/s@1..s@2");
        assertEquals(Map.of("insert_deduplicate", "1", "max_threads", "2", "async_insert", "0",
                "insert_deduplication_token", "db.t/s@1..s@2"), settings);
        assertEquals(Map.of("insert_deduplicate", "1"), Deduplication.insertSettings(Map.of(), false, null));
    }

    @Test
    void theErrorTableIsCreatedToDeduplicate() {
        assertEquals("CREATE TABLE IF NOT EXISTS `db`.`t_errors` (time DateTime, pipeline String, split String, position String,"
                + " error_kind String, message String, raw_key Nullable(String), raw_value Nullable(String)) ENGINE = MergeTree"
                + " ORDER BY (pipeline, time) TTL time + INTERVAL 604800 SECOND SETTINGS non_replicated_deduplication_window = 1000",
                ErrorTable.createDeduplicatingStatement("db", "t_errors", Duration.ofDays(7), MODERN, null));
        String old = ErrorTable.createDeduplicatingStatement("db", "t_errors", Duration.ofDays(7), OLD,
                new String[] {"/clickhouse/tables/01/t", "replica-1"});
        assertTrue(old.endsWith("ENGINE = ReplicatedMergeTree('/clickhouse/tables/01/t_tributary_errors', 'replica-1')"
                + " ORDER BY (pipeline, time)"), old);
        assertThrows(IllegalArgumentException.class,
                () -> ErrorTable.createDeduplicatingStatement("db", "t_errors", Duration.ZERO, OLD, null));
    }
}
