package dev.tributary.core;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a codec writes into a slab reads back the same, and a slab interns shared values once. */
class RecordSlabTest {

    @Test
    void everyKindOfValueReadsBackAsWritten() {
        RecordSlab slab = new RecordSlab(1);
        slab.writeByte(-3);
        slab.writeInt(Integer.MIN_VALUE);
        slab.writeLong(Long.MAX_VALUE - 1);
        slab.writeBytes(null);
        slab.writeBytes(new byte[0]);
        byte[] big = new byte[70_000];
        big[69_999] = 9;
        slab.writeBytes(big);
        slab.writeString("plain, é€, 😀");
        slab.writeString("");
        int end = slab.size();

        RecordSlab.Reader in = slab.reader(0, end);
        assertEquals(-3, in.readByte());
        assertEquals(Integer.MIN_VALUE, in.readInt());
        assertEquals(Long.MAX_VALUE - 1, in.readLong());
        assertNull(in.readBytes());
        assertArrayEquals(new byte[0], in.readBytes());
        assertArrayEquals(big, in.readBytes());
        assertEquals("plain, é€, 😀", in.readString());
        assertEquals("", in.readString());
        assertTrue(in.atEnd());
    }

    @Test
    void sharedValuesAreKeptOnceAndWrittenAsAnIndex() {
        RecordSlab slab = new RecordSlab(16);
        String topic = "events";
        slab.writeInterned(topic);
        int one = slab.size();
        slab.writeInterned(new String("events"));
        slab.writeInterned("other");
        assertEquals(3, slab.size()); // one byte each
        RecordSlab.Reader in = slab.reader(0, slab.size());
        assertSame(topic, in.readInterned(String.class));
        assertSame(topic, in.readInterned(String.class));
        assertEquals("other", in.readInterned(String.class));
        assertEquals(1, one);

        slab.reset();
        slab.writeInterned("other");
        assertEquals("other", slab.reader(0, 1).readInterned(String.class)); // indexes start again after a reset
    }

    @Test
    void itDoublesUpToItsGrowthLimitAndBeyondItOnlyAsFarAsARecordNeeds() {
        RecordSlab slab = new RecordSlab(16, 100);
        slab.writeBytes(new byte[20]);
        assertEquals(32, slab.capacity());
        slab.writeBytes(new byte[20]);
        assertEquals(64, slab.capacity());
        slab.writeBytes(new byte[20]);
        assertEquals(100, slab.capacity()); // not 128
        slab.writeBytes(new byte[15]);
        assertEquals(100, slab.capacity());
        slab.writeBytes(new byte[150]); // one record past the limit: as much as it needs
        assertEquals(4 * 21 - 5 + 10 + 150, slab.capacity()); // what was there, and the reserve for the record
        RecordSlab.Reader in = slab.reader(0, slab.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(new byte[20], in.readBytes());
        }
        assertArrayEquals(new byte[15], in.readBytes());
        assertArrayEquals(new byte[150], in.readBytes());
        assertTrue(in.atEnd());
        assertEquals(4 * 21 - 5 + 152, slab.size());
    }

    @Test
    void aReaderNeverReadsBeyondItsRecord() {
        RecordSlab slab = new RecordSlab(16);
        slab.writeBytes(new byte[10]);
        slab.writeLong(1);
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> slab.reader(0, 5).readBytes());
        assertTrue(error.getMessage().contains("corrupt"), error.getMessage());
        assertThrows(IllegalStateException.class, () -> slab.reader(11, 15).readLong());
        assertThrows(IndexOutOfBoundsException.class, () -> slab.reader(0, slab.size() + 1));
    }
}
