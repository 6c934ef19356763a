package dev.tributary.kafka;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Routing under a crash: one pipeline (in a child JVM) routes three topics into three ClickHouse
 * 18.16 tables and is killed with SIGKILL after its first commits, with batches in flight; restarted,
 * it ends with every record in its own table — none lost, none in another table (duplicates are
 * allowed: at-least-once) — and the records of a fourth topic, subscribed without a route, in the
 * first route's error table.
 */
@ExtendWith(TestServers.class)
class RoutingCrashIT {

    private static final int PER_TOPIC = 20_000;
    private static final int UNROUTED = 50;

    @Test
    void threeTopicsIntoThreeTablesUnderASigkillLoseNothing(KafkaBroker kafka, ClickHouseServer clickhouse, TestkitPaths paths)
            throws Exception {
        String suffix = Long.toString(System.nanoTime());
        ClickHouseSql sql = clickhouse.sql();
        Map<String, String> topicToTable = new LinkedHashMap<>();
        for (String name : List.of("orders", "users", "clicks")) {
            String table = "route_" + name + "_" + suffix;
            topicToTable.put("route-" + name + "-" + suffix, table);
            sql.execute("CREATE TABLE " + table + " (id UInt64, name String, _topic String, _partition UInt64, _offset UInt64)"
                    + " ENGINE = MergeTree ORDER BY id");
        }
        String unrouted = "route-audit-" + suffix;
        List<String> topics = List.copyOf(topicToTable.keySet());
        for (String topic : topics) {
            KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        }
        KafkaTestData.createTopic(kafka.clientProperties(), unrouted, 1);
        String group = "routing-crash-" + suffix;
        Path logs = paths.newServerDir("routing-crash-pipeline");

        // The first half of every topic, then a run killed once it has committed something.
        for (int i = 0; i < topics.size(); i++) {
            KafkaTestData.produce(kafka.clientProperties(), topics.get(i), (long) i * PER_TOPIC, (long) i * PER_TOPIC + PER_TOPIC / 2);
        }
        KafkaTestData.produce(kafka.clientProperties(), unrouted, 0, UNROUTED / 2);
        long firstWave = 3L * (PER_TOPIC / 2) + UNROUTED / 2;
        Process first = RoutingCrashPipeline.start(kafka, clickhouse, group, topicToTable, unrouted, logs.resolve("run-1.log"));
        await("the first commits", Duration.ofMinutes(1),
                () -> KafkaTestData.committedTotal(kafka.clientProperties(), group) > 0 || !first.isAlive());
        assertTrue(first.isAlive(), "the child pipeline died by itself; see " + logs);
        first.destroyForcibly(); // SIGKILL
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        long committedAtKill = KafkaTestData.committedTotal(kafka.clientProperties(), group);
        long rowsAtKill = rows(sql, topicToTable.values());
        System.out.printf("killed: %d records committed of %d, %d rows in the tables%n", committedAtKill, firstWave, rowsAtKill);
        assertTrue(committedAtKill > 0 && committedAtKill < firstWave,
                "killed mid-run: after some commits, before the end (" + committedAtKill + " of " + firstWave + ")");

        // The second half, and a run that resumes from the commits.
        for (int i = 0; i < topics.size(); i++) {
            KafkaTestData.produce(kafka.clientProperties(), topics.get(i), (long) i * PER_TOPIC + PER_TOPIC / 2,
                    (long) (i + 1) * PER_TOPIC);
        }
        KafkaTestData.produce(kafka.clientProperties(), unrouted, UNROUTED / 2, UNROUTED);
        long total = 3L * PER_TOPIC + UNROUTED;
        Process second = RoutingCrashPipeline.start(kafka, clickhouse, group, topicToTable, unrouted, logs.resolve("run-2.log"));
        await("every record committed", Duration.ofMinutes(2),
                () -> KafkaTestData.committedTotal(kafka.clientProperties(), group) == total || !second.isAlive());
        assertTrue(second.isAlive(), "the restarted pipeline died by itself; see " + logs);
        second.destroy(); // SIGTERM: a graceful stop
        assertTrue(second.waitFor(60, TimeUnit.SECONDS));

        long lost = 0;
        long duplicates = 0;
        long wrongTable = 0;
        for (int i = 0; i < topics.size(); i++) {
            String table = topicToTable.get(topics.get(i));
            long from = (long) i * PER_TOPIC;
            long to = from + PER_TOPIC - 1;
            String topic = topics.get(i);
            List<String> counts = sql.rows("SELECT count(), uniqExact(id), uniqExactIf(id, id >= " + from + " AND id <= " + to
                    + " AND _topic = '" + topic + "'), countIf(id < " + from + " OR id > " + to + " OR _topic != '" + topic + "')"
                    + " FROM " + table).get(0);
            lost += PER_TOPIC - Long.parseLong(counts.get(2));
            duplicates += Long.parseLong(counts.get(0)) - Long.parseLong(counts.get(1));
            wrongTable += Long.parseLong(counts.get(3));
            assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors WHERE position NOT LIKE '" + unrouted + "/%'"),
                    "no record of " + topic + " refused");
        }
        String defaultErrors = topicToTable.get(topics.get(0)) + "_errors";
        long unroutedKept = sql.longValue("SELECT uniqExact(position) FROM " + defaultErrors + " WHERE error_kind = 'MAPPING'"
                + " AND position LIKE '" + unrouted + "/%' AND message LIKE '%no route for _topic \\'" + unrouted + "\\'%'");
        System.out.printf("RESULT routing_crash topics=3 records=%d lost=%d duplicates=%d wrong_table=%d unrouted_kept=%d/%d"
                + " committed_at_kill=%d rows_at_kill=%d%n", 3L * PER_TOPIC, lost, duplicates, wrongTable, unroutedKept, UNROUTED,
                committedAtKill, rowsAtKill);
        assertEquals(0, lost, "no record lost");
        assertEquals(0, wrongTable, "no record in another topic's table");
        assertEquals(UNROUTED, unroutedKept, "every record of the topic without a route, in the default route's error table");
        for (String table : List.copyOf(topicToTable.values()).subList(1, topics.size())) {
            assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"), "nothing in the error table of " + table);
        }
    }

    private static long rows(ClickHouseSql sql, java.util.Collection<String> tables) {
        long rows = 0;
        for (String table : tables) {
            rows += sql.longValue("SELECT count() FROM " + table);
        }
        return rows;
    }
}
