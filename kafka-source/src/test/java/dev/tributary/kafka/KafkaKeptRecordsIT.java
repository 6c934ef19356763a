package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batches keep Kafka records as bytes, not objects, until they are durable (real broker, ClickHouse
 * 18.16): what a refused row writes to the error table, and the virtual columns of rows encoded again
 * after the table changed, are those of the records as Kafka delivered them.
 */
@ExtendWith(TestServers.class)
class KafkaKeptRecordsIT {

    private static int sequence;

    private static String unique(String prefix) {
        return prefix + "_" + System.nanoTime() + "_" + (++sequence);
    }

    /** A produced record and where it landed. */
    private record Sent(int partition, long offset, long timestamp, byte[] key, byte[] value, Header[] headers) {
    }

    /** Keys: binary (not UTF-8), empty, or none; headers: repeated keys, an empty and a null value. */
    private static List<Sent> produce(KafkaBroker kafka, String topic, int count, java.util.function.IntFunction<String> json)
            throws Exception {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int id = 0; id < count; id++) {
                byte[] key = id % 7 == 3 ? null : id % 7 == 4 ? new byte[0] : new byte[]{(byte) 0xC3, 0x28, 0, (byte) id};
                byte[] value = json.apply(id).getBytes(StandardCharsets.UTF_8);
                RecordHeaders headers = new RecordHeaders();
                if (id % 5 != 0) {
                    headers.add("trace", ("t-" + id).getBytes(StandardCharsets.UTF_8));
                    headers.add("bin", new byte[]{(byte) 0xFF, (byte) id});
                    headers.add("trace", id % 2 == 0 ? null : new byte[0]);
                }
                RecordMetadata metadata = producer.send(new ProducerRecord<>(topic, id % 2, key, value, headers)).get();
                sent.add(new Sent(metadata.partition(), metadata.offset(), metadata.timestamp(), key, value, headers.toArray()));
            }
        }
        return sent;
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().withUpperCase().formatHex(bytes);
    }

    private static Pipeline pipeline(String table, KafkaBroker kafka, String topic, ClickHouseServer clickhouse,
                                     ClickHouseSink.Builder sink) {
        return Pipeline.builder().name(table.replace('_', '-')).decoder(JsonDecoder.create())
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).groupId(unique("group"))
                        .topics(topic).build())
                .sink(sink.endpoint(clickhouse.endpoint()).table(table).build())
                .metricsLogInterval(Duration.ZERO).build();
    }

    @Test
    void aRefusedRowWritesTheRawKeyValueSplitAndPositionOfItsRecord(KafkaBroker kafka, ClickHouseServer clickhouse)
            throws Exception {
        String topic = unique("refused");
        String table = unique("refused");
        ClickHouseSql sql = clickhouse.sql();
        // A conversion in a MATERIALIZED expression refuses the rows whose name is not a number (code 6).
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, n UInt8 MATERIALIZED toUInt8(name))"
                + " ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        int count = 300;
        List<Sent> sent = produce(kafka, topic, count, id -> "{\"id\":" + id + ",\"name\":\""
                + (id % 50 == 3 || id % 50 == 10 ? "x" + id : Integer.toString(id % 200)) + "\"}");

        try (Pipeline pipeline = pipeline(table, kafka, topic, clickhouse, ClickHouseSink.builder()
                .maxRows(1_000).maxAge(Duration.ofMillis(300)))) {
            pipeline.start();
            await("every record landed or refused", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM"
                    + " system.tables WHERE database = currentDatabase() AND name = '" + table + "_errors'") == 1
                    && sql.longValue("SELECT count() FROM " + table) + sql.longValue("SELECT count() FROM " + table
                    + "_errors") >= count);
        }

        List<List<String>> expected = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            if (id % 50 == 3 || id % 50 == 10) {
                Sent record = sent.get(id);
                expected.add(java.util.Arrays.asList(topic + "/" + record.partition(),
                        topic + "/" + record.partition() + "@" + record.offset(), "INSERT",
                        record.key() == null ? null : hex(record.key()), hex(record.value())));
            }
        }
        expected.sort(java.util.Comparator.comparing(row -> row.get(1)));
        assertEquals(12, expected.size());
        assertEquals(expected, sql.rows("SELECT split, position, error_kind, hex(raw_key), hex(raw_value) FROM " + table
                + "_errors ORDER BY position"));
        assertEquals(count - 12, sql.longValue("SELECT count() FROM " + table));
        assertTrue(sql.value("SELECT any(message) FROM " + table + "_errors").contains("code 6"));
    }

    @Test
    void rowsEncodedAgainForAChangedTableCarryTheVirtualColumnsOfTheirRecords(KafkaBroker kafka, ClickHouseServer clickhouse)
            throws Exception {
        String topic = unique("reencoded");
        String table = unique("reencoded");
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, note String) ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        int count = 500;
        List<Sent> sent = produce(kafka, topic, count, id -> "{\"id\":" + id + ",\"note\":\"n" + id + "\"}");

        // One batch that is not due before the pipeline stops: its rows are encoded for the table as it was.
        try (Pipeline pipeline = pipeline(table, kafka, topic, clickhouse, ClickHouseSink.builder()
                .maxRows(100_000).maxAge(Duration.ofMinutes(10)))) {
            pipeline.start();
            await("every record read", Duration.ofMinutes(1), () -> pipeline.metrics().recordsRead() >= count);
            // Dropping a column makes the batch's rows wrong for the table: they are encoded again from
            // the records the batch kept, for the columns now, which are the virtual columns.
            sql.execute("ALTER TABLE " + table + " ADD COLUMN _topic String, ADD COLUMN _partition UInt64,"
                    + " ADD COLUMN _offset UInt64, ADD COLUMN _key Nullable(String), ADD COLUMN _timestamp DateTime,"
                    + " ADD COLUMN _header_keys Array(String), ADD COLUMN _header_values Array(String),"
                    + " ADD COLUMN _raw_message String, DROP COLUMN note");
        } // stop: the batch is sealed, found to be for another table, encoded again, inserted and committed

        List<List<String>> expected = new ArrayList<>();
        for (int id = 0; id < count; id++) {
            Sent record = sent.get(id);
            List<String> keys = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (Header header : record.headers()) {
                keys.add(header.key());
                values.add(header.value() == null ? "" : hex(header.value()));
            }
            expected.add(java.util.Arrays.asList(Integer.toString(id), topic, Integer.toString(record.partition()),
                    Long.toString(record.offset()), record.key() == null ? null : hex(record.key()),
                    Long.toString(record.timestamp() / 1000), String.join("|", keys), String.join("|", values),
                    hex(record.value())));
        }
        assertEquals(expected, sql.rows("SELECT id, _topic, _partition, _offset, hex(_key), toUInt32(_timestamp),"
                + " arrayStringConcat(_header_keys, '|'), arrayStringConcat(arrayMap(v -> hex(v), _header_values), '|'),"
                + " hex(_raw_message) FROM " + table + " ORDER BY id"));
        assertEquals(0, sql.longValue("SELECT count() FROM " + table + "_errors"));
    }
}
