package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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

/** The Kinesis source end to end: kinesis-mock, ClickHouse 18.16, both read modes. */
@ExtendWith(TestServers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KinesisSourceIT {

    private static final int BULK = 20_000;

    private String bulkStream;
    private Map<Long, KinesisTestData.Put> bulkPuts;
    private long bulkPutFrom;
    private long bulkPutUntil;

    /** One 4-shard stream of 20,000 records, read once by polling and once with fan-out (puts are slow in kinesis-mock). */
    @BeforeAll
    void putTwentyThousandRecords(KinesisMock kinesis) throws Exception {
        bulkStream = unique("bulk");
        try (KinesisClient client = client(kinesis)) {
            createStream(client, bulkStream, 4);
            bulkPutFrom = System.currentTimeMillis() / 1000;
            long started = System.nanoTime();
            bulkPuts = put(client, bulkStream, 0, BULK);
            bulkPutUntil = System.currentTimeMillis() / 1000 + 1;
            System.out.printf("RESULT put %,d records into 4 shards in %.1f s%n", BULK, (System.nanoTime() - started) / 1e9);
        }
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void twentyThousandJsonRecordsOverFourShardsBecomeAsManyRowsWithTheirVirtualColumns(
            Mode mode, KinesisMock kinesis, ClickHouseServer clickhouse) throws Exception {
        String table = unique("bulk_" + mode.name().toLowerCase());
        String name = table.replace('_', '-');
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        KinesisSource source = source(kinesis, kinesis.endpoint(), bulkStream, mode, clickhouse).build();
        long started = System.nanoTime();
        try (Pipeline pipeline = pipeline(name, source, clickhouse, table)) {
            pipeline.start();
            await(BULK + " rows", Duration.ofMinutes(3), () -> sql.longValue("SELECT count() FROM " + table) >= BULK);
            System.out.printf("RESULT %s: %,d records into ClickHouse in %.1f s%n", mode, BULK, (System.nanoTime() - started) / 1e9);
        }

        assertEquals(List.of(List.of("20000", "20000", "20000", "0", "19999")), sql.rows("SELECT count(), uniqExact(id),"
                + " uniqExact(_sequence_number), min(id), max(id) FROM " + table));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + " WHERE _key != concat('k', toString(id))"
                + " OR _stream != '" + bulkStream + "' OR name != concat('n', toString(id))"
                + " OR _raw_message != concat('{\"id\":', toString(id), ',\"name\":\"n', toString(id), '\"}')"
                + " OR toUInt32(_timestamp) < " + (bulkPutFrom - 1) + " OR toUInt32(_timestamp) > " + bulkPutUntil));
        Map<Long, String> sequenceNumbers = new HashMap<>();
        for (List<String> row : sql.rows("SELECT id, _sequence_number FROM " + table)) {
            sequenceNumbers.put(Long.parseLong(row.get(0)), row.get(1));
        }
        Map<Long, String> expected = new HashMap<>();
        bulkPuts.forEach((id, put) -> expected.put(id, put.sequenceNumber()));
        assertEquals(expected, sequenceNumbers, "each row carries its record's sequence number");

        // The checkpoint of each shard is its last record: what a restart resumes after.
        Map<String, Checkpoint> lastPerShard = new HashMap<>();
        bulkPuts.values().forEach(put -> lastPerShard.merge(put.shardId(), Checkpoint.at(put.sequenceNumber()),
                (a, b) -> new BigInteger(a.sequenceNumber()).compareTo(new BigInteger(b.sequenceNumber())) > 0 ? a : b));
        try (ClickHouseCheckpointStore store = KinesisTestData.checkpointStore(clickhouse)) {
            store.open();
            assertEquals(lastPerShard, store.load(name, bulkStream));
        }
    }

    @Test
    void aRestartResumesAfterTheCheckpointsOfItsApplication(KinesisMock kinesis, ClickHouseServer clickhouse) throws Exception {
        String stream = unique("resume");
        String table = unique("resume");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            put(client, stream, 0, 1_000);
            try (Pipeline first = pipeline("resume", source(kinesis, kinesis.endpoint(), stream, Mode.POLLING, clickhouse)
                    .applicationName(table).build(), clickhouse, table)) {
                first.start();
                await("1,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 1_000);
            }
            put(client, stream, 1_000, 1_500);
            // The second run names the stream by its ARN (which gives the region too) and reads with fan-out.
            String arn = client.describeStreamSummary(request -> request.streamName(stream)).streamDescriptionSummary().streamARN();
            try (Pipeline again = pipeline("resume", source(kinesis, kinesis.endpoint(), arn, Mode.FAN_OUT, clickhouse)
                    .applicationName(table).build(), clickhouse, table)) {
                again.start();
                await("1,500 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) >= 1_500);
                again.stop();
                again.awaitTermination(Duration.ofMinutes(1));
                assertEquals(500, again.metrics().recordsRead(), "the second run (by ARN, in fan-out mode) read only the new records");
            }
        }
        assertEquals(List.of(List.of("1500", "1500")), sql.rows("SELECT count(), uniqExact(id) FROM " + table));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void shardsWithoutCheckpointsStartWhereTheStartingPositionSays(Mode mode, KinesisMock kinesis, ClickHouseServer clickhouse)
            throws Exception {
        String stream = unique("start");
        ClickHouseSql sql = clickhouse.sql();
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 1);
            put(client, stream, 0, 100);
            // A moment strictly after the arrival of the first hundred and before the second.
            String iterator = client.getShardIterator(request -> request.streamName(stream).shardId(KinesisTestData.shardId(0))
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            List<Record> first = client.getRecords(request -> request.shardIterator(iterator)).records();
            Instant middle = first.get(first.size() - 1).approximateArrivalTimestamp().plusMillis(1);
            await("the clock past " + middle, Duration.ofSeconds(5), () -> Instant.now().isAfter(middle));
            put(client, stream, 100, 200);

            Map<String, StartingPosition> cases = Map.of("latest", StartingPosition.LATEST,
                    "by_time", StartingPosition.atTimestamp(middle));
            for (Map.Entry<String, StartingPosition> entry : cases.entrySet()) {
                String table = unique(entry.getKey());
                createTable(sql, table);
                try (Pipeline pipeline = pipeline(table.replace('_', '-'), source(kinesis, kinesis.endpoint(), stream, mode,
                        clickhouse).startingPosition(entry.getValue()).build(), clickhouse, table)) {
                    pipeline.start();
                    // LATEST starts at the end as of the subscription, which the test cannot see: put
                    // marker records (ids from 1,000,000) until one arrives.
                    long marker = 1_000_000;
                    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
                    while (sql.longValue("SELECT count() FROM " + table + " WHERE id >= 1000000") == 0) {
                        assertTrue(System.nanoTime() < deadline, "no marker record arrived within a minute");
                        put(client, stream, marker, marker + 1);
                        marker++;
                        long wait = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                        while (System.nanoTime() < wait && sql.longValue("SELECT count() FROM " + table + " WHERE id >= 1000000") == 0) {
                            Thread.sleep(50);
                        }
                    }
                }
                long minimum = sql.longValue("SELECT min(id) FROM " + table);
                if (entry.getValue() == StartingPosition.LATEST) {
                    assertTrue(minimum >= 1_000_000, "LATEST read only markers, min id " + minimum);
                } else {
                    assertEquals(100, minimum, "AT_TIMESTAMP started at the first record after " + middle);
                    assertEquals(100, sql.longValue("SELECT count() FROM " + table + " WHERE id < 1000000"));
                }
            }
        }
    }
}
