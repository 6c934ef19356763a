package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.shardId;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches keep Kinesis records as bytes, not objects, until they are durable (kinesis-mock,
 * ClickHouse 18.16): what a refused row writes to the error table, and the virtual columns of rows
 * encoded again after the table changed, are those of the records as Kinesis delivered them.
 */
@ExtendWith(TestServers.class)
class KinesisKeptRecordsIT {

    /** A record as GetRecords returns it, with its shard. */
    private record Read(String shardId, Record record) {
        long id() {
            String json = record.data().asUtf8String();
            return Long.parseLong(json.substring(json.indexOf(':') + 1, json.indexOf(',')));
        }
    }

    /** Puts {@code count} records (partition keys with non-ASCII characters) and reads them back, by id. */
    private static Map<Long, Read> putAndRead(KinesisClient client, String stream, int count,
                                              java.util.function.LongFunction<String> json) {
        put(client, stream, 0, count, id -> "clé-€-" + id, json);
        Map<Long, Read> read = new TreeMap<>();
        for (int shard = 0; shard < 2; shard++) {
            String shardId = shardId(shard);
            String iterator = client.getShardIterator(request -> request.streamName(stream).shardId(shardId)
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                GetRecordsResponse response = client.getRecords(request -> request.shardIterator(current));
                response.records().forEach(record -> read.put(new Read(shardId, record).id(), new Read(shardId, record)));
                iterator = response.records().isEmpty() ? null : response.nextShardIterator();
            }
        }
        assertEquals(count, read.size(), "every record put was read back");
        return read;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    private static Pipeline pipeline(String table, KinesisMock kinesis, String stream, ClickHouseServer clickhouse,
                                     ClickHouseSink.Builder sink) {
        return Pipeline.builder().name(table.replace('_', '-')).decoder(JsonDecoder.create())
                .source(source(kinesis, kinesis.endpoint(), stream, KinesisTestData.Mode.POLLING, clickhouse).build())
                .sink(sink.endpoint(clickhouse.endpoint()).table(table).build())
                .metricsLogInterval(Duration.ZERO).build();
    }

    @Test
    void aRefusedRowWritesTheRawKeyValueSplitAndPositionOfItsRecord(KinesisMock kinesis, ClickHouseServer clickhouse)
            throws Exception {
        String stream = unique("refused");
        String table = unique("refused");
        ClickHouseSql sql = clickhouse.sql();
        // A conversion in a MATERIALIZED expression refuses the rows whose name is not a number (code 6).
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, n UInt8 MATERIALIZED toUInt8(name))"
                + " ENGINE = MergeTree ORDER BY id");
        int count = 200;
        Map<Long, Read> records;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            records = putAndRead(client, stream, count, id -> "{\"id\":" + id + ",\"name\":\""
                    + (id % 50 == 3 || id % 50 == 10 ? "x" + id : Long.toString(id)) + "\"}");
        }

        try (Pipeline pipeline = pipeline(table, kinesis, stream, clickhouse, ClickHouseSink.builder()
                .maxRows(1_000).maxAge(Duration.ofMillis(300)))) {
            pipeline.start();
            await("every record landed or refused", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM"
                    + " system.tables WHERE database = currentDatabase() AND name = '" + table + "_errors'") == 1
                    && sql.longValue("SELECT count() FROM " + table) + sql.longValue("SELECT count() FROM " + table
                    + "_errors") >= count);
        }

        List<List<String>> expected = new ArrayList<>();
        records.forEach((id, read) -> {
            if (id % 50 == 3 || id % 50 == 10) {
                String split = stream + "/" + read.shardId();
                expected.add(List.of(split, split + "@" + read.record().sequenceNumber(), "INSERT",
                        hex(read.record().partitionKey().getBytes(StandardCharsets.UTF_8)),
                        hex(read.record().data().asByteArray())));
            }
        });
        expected.sort(Comparator.comparing(row -> row.get(1)));
        assertEquals(8, expected.size());
        assertEquals(expected, sql.rows("SELECT split, position, error_kind, hex(raw_key), hex(raw_value) FROM " + table
                + "_errors ORDER BY position"));
        assertEquals(count - 8, sql.longValue("SELECT count() FROM " + table));
        assertTrue(sql.value("SELECT any(message) FROM " + table + "_errors").contains("code 6"));
    }

    @Test
    void rowsEncodedAgainForAChangedTableCarryTheVirtualColumnsOfTheirRecords(KinesisMock kinesis, ClickHouseServer clickhouse)
            throws Exception {
        String stream = unique("reencoded");
        String table = unique("reencoded");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, note String) ENGINE = MergeTree ORDER BY id");
        int count = 300;
        Map<Long, Read> records;
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            records = putAndRead(client, stream, count, id -> "{\"id\":" + id + ",\"note\":\"n" + id + "\"}");
        }

        // One batch that is not due before the pipeline stops: its rows are encoded for the table as it was.
        try (Pipeline pipeline = pipeline(table, kinesis, stream, clickhouse, ClickHouseSink.builder()
                .maxRows(100_000).maxAge(Duration.ofMinutes(10)))) {
            pipeline.start();
            await("every record read", Duration.ofMinutes(1), () -> pipeline.metrics().recordsRead() >= count);
            // Dropping a column makes the batch's rows wrong for the table: they are encoded again from
            // the records the batch kept, for the columns now, which are the virtual columns.
            sql.execute("ALTER TABLE " + table + " ADD COLUMN _key String, ADD COLUMN _timestamp DateTime,"
                    + " ADD COLUMN _stream String, ADD COLUMN _sequence_number String, ADD COLUMN _raw_message String,"
                    + " DROP COLUMN note");
        } // stop: the batch is sealed, found to be for another table, encoded again, inserted and committed

        List<List<String>> expected = new ArrayList<>();
        records.forEach((id, read) -> expected.add(List.of(Long.toString(id),
                hex(read.record().partitionKey().getBytes(StandardCharsets.UTF_8)),
                Long.toString(read.record().approximateArrivalTimestamp().getEpochSecond()), stream,
                read.record().sequenceNumber(), hex(read.record().data().asByteArray()))));
        assertEquals(expected, sql.rows("SELECT id, hex(_key), toUInt32(_timestamp), _stream, _sequence_number,"
                + " hex(_raw_message) FROM " + table + " ORDER BY id"));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"));
    }
}
