package dev.tributary.kafka;

import dev.tributary.core.RecordSlab;
import dev.tributary.core.SourceRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A Kafka record kept as bytes in a batch reads back the same in everything the pipeline and the sink read. */
class KafkaRecordCodecTest {

    private static KafkaRecord record(String topic, int partition, long offset, byte[] key, byte[] value,
                                      RecordHeaders headers) {
        return new KafkaRecord(new ConsumerRecord<>(topic, partition, offset, 1_700_000_000_123L + offset,
                TimestampType.CREATE_TIME, key == null ? -1 : key.length, value == null ? -1 : value.length, key, value,
                headers, Optional.empty()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Every value a record gives, virtual columns included, as comparable lists (arrays by content). */
    private static List<Object> everything(SourceRecord record) {
        List<Object> values = new java.util.ArrayList<>(List.of(record.position(), record.position().toString(),
                record.position().split(), record.timestampMillis(), record.sizeInBytes(), comparable(record.key()),
                comparable(record.value())));
        for (String column : KafkaVirtualColumns.NAMES) {
            values.add(comparable(record.virtualColumn(column)));
        }
        return values;
    }

    private static Object comparable(Object value) {
        if (value instanceof byte[] bytes) {
            return List.of(java.util.HexFormat.of().formatHex(bytes));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(KafkaRecordCodecTest::comparable).toList();
        }
        return value == null ? "null" : value;
    }

    @Test
    void keyValueHeadersPositionTimestampAndVirtualColumnsReadBackTheSame() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(new RecordHeader("trace", utf8("abc")));
        headers.add(new RecordHeader("empty", new byte[0]));
        headers.add(new RecordHeader("none", null));
        headers.add(new RecordHeader("trace", new byte[]{(byte) 0xFF, 0, 1})); // a repeated key, binary value
        headers.add(new RecordHeader("clé-€", utf8("ü")));
        List<KafkaRecord> records = List.of(
                record("events", 3, 1_234_567_890_123L, new byte[]{0, (byte) 0xC3, 0x28}, utf8("{\"id\":1}"), headers),
                record("events", 0, 0, null, utf8("no key"), new RecordHeaders()),
                record("other.topic", Integer.MAX_VALUE, 5, new byte[0], null, new RecordHeaders()), // a tombstone
                record("events", 1, 7, utf8("k"), new byte[0], new RecordHeaders()));
        RecordSlab slab = new RecordSlab(16);
        int[] ends = new int[records.size()];
        for (int i = 0; i < records.size(); i++) {
            assertTrue(KafkaRecord.CODEC.write(records.get(i), slab));
            ends[i] = slab.size();
        }
        for (int i = 0; i < records.size(); i++) {
            RecordSlab.Reader in = slab.reader(i == 0 ? 0 : ends[i - 1], ends[i]);
            SourceRecord back = KafkaRecord.CODEC.read(in);
            assertTrue(in.atEnd());
            assertInstanceOf(KafkaRecord.class, back);
            assertEquals(everything(records.get(i)), everything(back));
        }
        SourceRecord first = KafkaRecord.CODEC.read(slab.reader(0, ends[0]));
        assertEquals(List.of("trace", "empty", "none", "trace", "clé-€"), first.virtualColumn(KafkaVirtualColumns.HEADER_KEYS));
        assertArrayEquals(new byte[]{(byte) 0xFF, 0, 1},
                ((List<?>) first.virtualColumn(KafkaVirtualColumns.HEADER_VALUES)).get(3) instanceof byte[] b ? b : null);
    }

    @Test
    void aTopicIsKeptOncePerSlab() {
        RecordSlab slab = new RecordSlab(16);
        KafkaRecord.CODEC.write(record("a-rather-long-topic-name-of-some-length", 0, 0, null, new byte[0], new RecordHeaders()), slab);
        int first = slab.size();
        KafkaRecord.CODEC.write(record("a-rather-long-topic-name-of-some-length", 0, 1, null, new byte[0], new RecordHeaders()), slab);
        // topic index 1 + partition 4 + offset 8 + timestamp 8 + null key 1 + empty value 1 + header count 4
        assertEquals(27, first);
        assertEquals(2 * first, slab.size());
    }

    @Test
    void aRecordOfAnotherSourceIsNotWritten() {
        RecordSlab slab = new RecordSlab(16);
        SourceRecord foreign = new dev.tributary.core.SourceRecord() {
            @Override
            public dev.tributary.core.SourcePosition position() {
                return new KafkaPosition("t", 0, 0);
            }

            @Override
            public byte[] key() {
                return null;
            }

            @Override
            public byte[] value() {
                return null;
            }

            @Override
            public long timestampMillis() {
                return 0;
            }

            @Override
            public Object virtualColumn(String name) {
                return null;
            }
        };
        assertFalse(KafkaRecord.CODEC.write(foreign, slab));
        assertEquals(0, slab.size());
    }
}
