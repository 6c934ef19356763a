package dev.tributary.kinesis;

import dev.tributary.core.RecordSlab;
import dev.tributary.core.SourceRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Kinesis record kept as bytes in a batch reads back the same in everything the pipeline and the sink read. */
class KinesisRecordCodecTest {

    private static KinesisRecord record(String shard, String sequence, String key, byte[] data, Instant arrival) {
        return new KinesisRecord("orders", shard, Record.builder().sequenceNumber(sequence).partitionKey(key)
                .data(SdkBytes.fromByteArray(data)).approximateArrivalTimestamp(arrival).build());
    }

    private static List<Object> everything(SourceRecord record) {
        List<Object> values = new java.util.ArrayList<>(List.of(record.position(), record.position().toString(),
                record.position().split(), record.timestampMillis(), record.sizeInBytes(),
                HexFormat.of().formatHex(record.key()), HexFormat.of().formatHex(record.value())));
        for (String column : KinesisVirtualColumns.NAMES) {
            Object value = record.virtualColumn(column);
            values.add(value instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : value);
        }
        return values;
    }

    @Test
    void positionKeyDataArrivalAndVirtualColumnsReadBackTheSame() {
        List<KinesisRecord> records = List.of(
                record("shardId-000000000001", "49590338271490256608559692538361571095921575989136588898", "user-€-1",
                        new byte[]{0, (byte) 0xFF, '{'}, Instant.ofEpochSecond(1_700_000_000L, 123_456_789)),
                record("shardId-000000000002", "1", "", new byte[0], null), // no arrival time: the epoch
                record("shardId-000000000001", "49590338271490256608559692538361571095921575989136588899", "k",
                        "{\"id\":2}".getBytes(java.nio.charset.StandardCharsets.UTF_8), Instant.ofEpochMilli(1_700_000_000_001L)),
                // a user record of a KPL-aggregated record: its sub-sequence number is part of the position
                new KinesisRecord("orders", "shardId-000000000003", Record.builder().sequenceNumber("77")
                        .partitionKey("aggregate").data(SdkBytes.fromByteArray(new byte[]{1}))
                        .approximateArrivalTimestamp(Instant.ofEpochSecond(5)).build(),
                        new KplAggregate.UserRecord(4, "user-key", null, new byte[]{7, 8})));
        RecordSlab slab = new RecordSlab(16);
        int[] ends = new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            assertTrue(KinesisRecord.CODEC.write(records.get(i), slab));
            ends[i] = slab.size();
        }
        for (int i = 0; i < records.size(); i++) {
            RecordSlab.Reader in = slab.reader(i == 0 ? 0 : ends[i - 1], ends[i]);
            SourceRecord back = KinesisRecord.CODEC.read(in);
            assertTrue(in.atEnd());
            assertInstanceOf(KinesisRecord.class, back);
            assertEquals(everything(records.get(i)), everything(back));
        }
        assertEquals(Instant.ofEpochSecond(1_700_000_000L, 123_456_789),
                KinesisRecord.CODEC.read(slab.reader(0, ends[0])).virtualColumn(KinesisVirtualColumns.TIMESTAMP));
    }
}
