package dev.tributary.core.clickhouse;

import dev.tributary.core.RecordCodec;
import dev.tributary.core.RecordSlab;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.testing.TestRecord;
import org.junit.jupiter.api.Test;

import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** How a batch keeps the records of its rows: as bytes in a slab with the source's codec, else as objects. */
class BatchRecordsTest {

    private static TestRecord record(String split, long offset, byte[] key, String value) {
        return new TestRecord(new TestRecord.Position(split, offset), key,
                value == null ? null : value.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1_700_000_000_000L + offset);
    }

    private static Batch batch(RecordCodec codec, RecordSlab slab) {
        return new Batch(1, 0, null, new RowBinaryOutput(64), Integer.MAX_VALUE, codec, slab);
    }

    private static void assertSameRecord(TestRecord expected, SourceRecord actual) {
        assertInstanceOf(TestRecord.class, actual);
        assertEquals(expected.position(), actual.position());
        assertArrayEquals(expected.key(), actual.key());
        assertArrayEquals(expected.value(), actual.value());
        assertEquals(expected.timestampMillis(), actual.timestampMillis());
    }

    @Test
    void withACodecEveryRowsRecordIsReadBackFromTheSlabAndNoObjectIsKept() {
        Batch batch = batch(TestRecord.CODEC, new RecordSlab(16));
        List<TestRecord> records = List.of(record("s0", 0, new byte[]{1, 2}, "{\"a\":1}"), record("s1", 0, null, "é€😀"),
                record("s0", 1, new byte[0], ""), record("s1", 1, new byte[]{(byte) 0xFF}, null));
        for (TestRecord record : records) {
            batch.data.writeLongLE(record.position().offset());
            batch.endRow(record);
        }
        assertEquals(4, batch.rows());
        for (int row = 0; row < records.size(); row++) {
            SourceRecord back = batch.origin(row);
            assertNotSame(records.get(row), back);
            assertSameRecord(records.get(row), back);
        }
        assertNull(batch.origin(1).key());
        assertNull(batch.origin(3).value());
        assertThrows(IndexOutOfBoundsException.class, () -> batch.origin(4));
    }

    @Test
    void theByteBoundCountsTheSlabNotTheRecordsItCameFrom() {
        RecordSlab slab = new RecordSlab(16);
        Batch batch = batch(TestRecord.CODEC, slab);
        batch.data.writeLongLE(1);
        batch.endRow(record("s0", 7, new byte[3], "v".repeat(10_240)));
        // split index 1 + offset 8 + key 1+3 + value 2+10240 + timestamp 8
        assertEquals(1 + 8 + 4 + 2 + 10_240 + 8, slab.size());
        assertEquals(8 + slab.size(), batch.bytes());
    }

    @Test
    void aRecordTheCodecDoesNotKnowIsKeptAsItIs() {
        Batch batch = batch(TestRecord.CODEC, new RecordSlab(16));
        TestRecord known = record("s0", 0, null, "known");
        SourceRecord foreign = new SourceRecord() {
            @Override
            public SourcePosition position() {
                return known.position();
            }

            @Override
            public byte[] key() {
                return null;
            }

            @Override
            public byte[] value() {
                return new byte[100];
            }

            @Override
            public long timestampMillis() {
                return 0;
            }

            @Override
            public Object virtualColumn(String name) {
                throw new IllegalArgumentException(name);
            }
        };
        batch.endRow(known);
        batch.endRow(foreign);
        batch.endRow(known);
        assertSame(foreign, batch.origin(1));
        assertSameRecord(known, batch.origin(0));
        assertSameRecord(known, batch.origin(2));
        assertEquals(batch.slab.size() + 100, batch.bytes());
    }

    @Test
    void withoutACodecTheRecordsThemselvesAreKept() {
        Batch batch = new Batch(1, 0, null, new RowBinaryOutput(64), Integer.MAX_VALUE);
        TestRecord record = record("s0", 0, new byte[2], "abc");
        for (int i = 0; i < 2_000; i++) { // beyond the first row arrays
            batch.endRow(record);
        }
        assertSame(record, batch.origin(1_999));
        assertEquals(2_000L * 5, batch.bytes());
    }

    @Test
    void theUnsettledRecordsAreReadBackInRowOrder() {
        Batch batch = batch(TestRecord.CODEC, new RecordSlab(16));
        for (int i = 0; i < 3_000; i++) {
            batch.data.writeIntLE(i);
            batch.endRow(record("s" + (i % 3), i, null, "v" + i));
        }
        BitSet settled = new BitSet();
        settled.set(0, 1_000);
        settled.set(2_000);
        List<SourceRecord> unsettled = batch.originsExcept(settled);
        assertEquals(1_999, unsettled.size());
        assertEquals(new TestRecord.Position("s1", 1_000), unsettled.get(0).position());
        assertEquals(new TestRecord.Position("s0", 2_001), unsettled.get(1_000).position());
        assertEquals(new TestRecord.Position("s2", 2_999), unsettled.get(1_998).position());
        assertThrows(IndexOutOfBoundsException.class, () -> unsettled.get(1_999));
    }

    @Test
    void aRecycledSlabStartsEmpty() {
        RecordSlab slab = new RecordSlab(16);
        Batch first = batch(TestRecord.CODEC, slab);
        first.endRow(record("a", 0, null, "x".repeat(1_000)));
        Batch second = batch(TestRecord.CODEC, slab);
        assertEquals(0, slab.size());
        second.endRow(record("b", 5, null, "y"));
        assertEquals(new TestRecord.Position("b", 5), second.origin(0).position());
    }

    @Test
    void aCodecThatFailsLeavesNeitherTheRowNorPartOfItsRecord() {
        RecordCodec failing = new RecordCodec() {
            @Override
            public boolean write(SourceRecord record, RecordSlab slab) {
                slab.writeLong(42);
                throw new IllegalStateException("broken codec");
            }

            @Override
            public SourceRecord read(RecordSlab.Reader in) {
                throw new AssertionError();
            }
        };
        Batch batch = batch(failing, new RecordSlab(16));
        assertThrows(IllegalStateException.class, () -> batch.append(record("s0", 0, null, "v"), out -> out.writeLongLE(1)));
        assertEquals(0, batch.rows());
        assertEquals(0, batch.bytes());
    }
}
