package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.merge;
import static dev.tributary.kinesis.KinesisTestData.pipeline;
import static dev.tributary.kinesis.KinesisTestData.shardId;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.split;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resharding mid-run: shard 0 is split (into 4 and 5) and shards 2 and 3 are merged (into 6) while
 * records keep coming. Three consumers read the same stream at once, each into its own table: one
 * instance polling, one instance with enhanced fan-out, and two polling instances sharing the shards
 * (instance 0 owns 0, 2, 4, 6; instance 1 owns 1, 3, 5 — so children wait for parents read by the
 * other instance). Every record lands once, and per partition key the order survives.
 */
@ExtendWith(TestServers.class)
class KinesisReshardIT {

    private static final int KEYS = 40;
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    /** Record {@code id} has key {@code key-<id mod 40>} and is the {@code id / 40}-th record of its key. */
    private static String key(long id) {
        return String.format("key-%02d", id % KEYS);
    }

    private static String json(long id) {
        return "{\"id\":" + id + ",\"key\":\"" + key(id) + "\",\"n\":" + id / KEYS + "}";
    }

    private static void put(KinesisClient client, String stream, long from, long to) {
        KinesisTestData.put(client, stream, from, to, KinesisReshardIT::key, KinesisReshardIT::json);
    }

    private record Consumer(String table, String application, List<RecordingSource> sources, List<Pipeline> pipelines) {
    }

    private static Consumer consumer(KinesisMock kinesis, ClickHouseServer clickhouse, String stream, Mode mode, int instances) {
        String table = unique(mode.name().toLowerCase() + "_" + instances);
        createTable(clickhouse.sql(), table);
        List<RecordingSource> sources = new ArrayList<>();
        List<Pipeline> pipelines = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            KinesisSource.Builder builder = source(kinesis, kinesis.endpoint(), stream, mode, clickhouse)
                    .applicationName(table).instance(i, instances)
                    // Slow polling (250 records per second per shard): parents still have a backlog when they close.
                    .getRecordsLimit(50).maxBufferedRecordsPerShard(100);
            RecordingSource source = new RecordingSource(builder.build());
            sources.add(source);
            pipelines.add(pipeline(table.replace('_', '-') + "-" + i, source, clickhouse, table));
        }
        return new Consumer(table, table, sources, pipelines);
    }

    @Test
    void splitAndMergeMidRunLoseNothingAndKeepTheOrderOfEachKey(KinesisMock kinesis, ClickHouseServer clickhouse) throws Exception {
        String stream = unique("reshard");
        ClickHouseSql sql = clickhouse.sql();
        List<Consumer> consumers = new ArrayList<>();
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 4);
            put(client, stream, 0, 3_000);
            Consumer polling = consumer(kinesis, clickhouse, stream, Mode.POLLING, 1);
            Consumer shared = consumer(kinesis, clickhouse, stream, Mode.POLLING, 2);
            consumers.add(polling);
            consumers.add(shared);
            polling.pipelines().forEach(Pipeline::start);
            shared.pipelines().forEach(Pipeline::start);
            await("the polling consumers under way", Duration.ofMinutes(1), () -> rows(sql, polling) >= 200 && rows(sql, shared) >= 200);

            split(client, stream, shardId(0));
            assertTrue(rows(sql, polling) < 3_000, "the split happened while the shards still had records to read");
            put(client, stream, 3_000, 4_500);
            // The fan-out consumer starts now: shard 0 (closed, full) and its children 4 and 5 all have records.
            Consumer fanOut = consumer(kinesis, clickhouse, stream, Mode.FAN_OUT, 1);
            consumers.add(fanOut);
            fanOut.pipelines().forEach(Pipeline::start);
            await("the fan-out consumer under way", Duration.ofMinutes(1), () -> rows(sql, fanOut) >= 200);

            merge(client, stream, shardId(2), shardId(3));
            put(client, stream, 4_500, 6_000);
            for (Consumer consumer : consumers) {
                await("6,000 rows in " + consumer.table(), Duration.ofMinutes(2), () -> rows(sql, consumer) >= 6_000);
            }
        } finally {
            for (Consumer consumer : consumers) {
                consumer.pipelines().forEach(Pipeline::close);
            }
        }

        for (Consumer consumer : consumers) {
            String table = consumer.table();
            assertEquals(List.of(List.of("6000", "6000")), sql.rows("SELECT count(), uniqExact(id) FROM " + table),
                    "every record once in " + table);
            assertOrderBySequenceNumber(sql, table);
            for (RecordingSource source : consumer.sources()) {
                assertDeliveredInOrder(source.handed(), table);
            }
            try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
                store.open();
                Map<String, Checkpoint> checkpoints = store.load(consumer.application(), stream);
                for (int parent : new int[] {0, 2, 3}) {
                    assertEquals(Checkpoint.SHARD_END, checkpoints.get(shardId(parent)), "parent " + parent + " in " + table);
                }
            }
        }
        // The shared consumer: each instance read only its own shards, children included.
        List<RecordingSource> instances = consumers.get(1).sources();
        assertEquals(Set.of(shardId(0), shardId(2), shardId(4), shardId(6)), shardsOf(instances.get(0)));
        assertEquals(Set.of(shardId(1), shardId(3), shardId(5)), shardsOf(instances.get(1)));
        System.out.printf("RESULT reshard: 6,000 records, split 0 -> 4+5, merge 2+3 -> 6; per consumer rows %s%n",
                consumers.stream().map(c -> c.table() + "=" + rows(sql, c)).toList());
    }

    private static long rows(ClickHouseSql sql, Consumer consumer) {
        return sql.longValue("SELECT count() FROM " + consumer.table());
    }

    private static Set<String> shardsOf(RecordingSource source) {
        Set<String> shards = new TreeSet<>();
        source.handed().forEach(handed -> shards.add(handed.shardId()));
        return shards;
    }

    /** In ClickHouse, each key's rows ordered by sequence number are its records in the order they were put. */
    private static void assertOrderBySequenceNumber(ClickHouseSql sql, String table) {
        Map<String, List<List<String>>> byKey = new HashMap<>();
        for (List<String> row : sql.rows("SELECT key, n, _sequence_number FROM " + table)) {
            byKey.computeIfAbsent(row.get(0), k -> new ArrayList<>()).add(row);
        }
        assertEquals(KEYS, byKey.size());
        byKey.forEach((key, rows) -> {
            rows.sort(Comparator.comparing(row -> new BigInteger(row.get(2))));
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(Integer.toString(i), rows.get(i).get(1), "record " + i + " of " + key + " by sequence number in " + table);
            }
        });
    }

    /** The pipeline received each key's records in the order they were put, across parents and children. */
    private static void assertDeliveredInOrder(List<RecordingSource.Handed> handed, String table) {
        Map<String, Long> last = new HashMap<>();
        for (RecordingSource.Handed record : handed) {
            Matcher id = ID.matcher(record.value());
            assertTrue(id.find(), record.value());
            long n = Long.parseLong(id.group(1)) / KEYS;
            Long previous = last.put(record.key(), n);
            assertTrue(previous == null || n == previous + 1, "key " + record.key() + ": record " + n + " after " + previous
                    + " (from " + record.shardId() + ") in " + table);
        }
    }
}
