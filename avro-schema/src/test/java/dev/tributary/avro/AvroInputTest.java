package dev.tributary.avro;

import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binary reader against Avro's own encoder, and its refusals. */
class AvroInputTest {

    private interface Writes {
        void to(BinaryEncoder encoder) throws IOException;
    }

    private static AvroInput input(Writes writes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        writes.to(encoder);
        encoder.flush();
        byte[] array = bytes.toByteArray();
        return new AvroInput().reset(array, 0, array.length);
    }

    private static AvroInput input(int... bytes) {
        byte[] array = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            array[i] = (byte) bytes[i];
        }
        return new AvroInput().reset(array, 0, array.length);
    }

    @Test
    void readsWhatAvroWrites() throws IOException {
        long[] longs = {0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE};
        AvroInput in = input(encoder -> {
            for (long value : longs) {
                encoder.writeLong(value);
            }
            encoder.writeInt(Integer.MIN_VALUE);
            encoder.writeInt(Integer.MAX_VALUE);
            encoder.writeFloat(-1.5f);
            encoder.writeDouble(Math.PI);
            encoder.writeBoolean(true);
            encoder.writeString("héllo");
        });
        for (long value : longs) {
            assertEquals(value, in.readLong());
        }
        assertEquals(Integer.MIN_VALUE, in.readInt());
        assertEquals(Integer.MAX_VALUE, in.readInt());
        assertEquals(-1.5f, in.readFloat());
        assertEquals(Math.PI, in.readDouble());
        assertTrue(in.readBoolean());
        assertEquals(6, in.readLength());
        in.skip(6);
        assertTrue(in.atEnd());
    }

    @Test
    void refusesBytesThatAreNotAvro() {
        assertEquals("an int does not fit in 32 bits at byte 0 of the Avro body",
                assertThrows(MalformedAvroException.class, () -> input(0xFF, 0xFF, 0xFF, 0xFF, 0x7F).readInt()).getMessage());
        assertEquals("a long does not fit in 64 bits at byte 0 of the Avro body",
                assertThrows(MalformedAvroException.class, () -> input(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01)
                        .readLong()).getMessage());
        assertEquals("truncated: the Avro body ends after 1 bytes, in the middle of a long",
                assertThrows(MalformedAvroException.class, () -> input(0x80).readLong()).getMessage());
        assertEquals("a boolean is byte 2, not 0 or 1 at byte 0 of the Avro body",
                assertThrows(MalformedAvroException.class, () -> input(2).readBoolean()).getMessage());
        assertEquals("a length is negative (-1) at byte 1 of the Avro body",
                assertThrows(MalformedAvroException.class, () -> input(1).readLength()).getMessage());
        assertEquals("a block of 100 items cannot fit the 0 bytes left at byte 2 of the Avro body",
                assertThrows(MalformedAvroException.class, () -> input(0xC8, 0x01).readBlockCount(false)).getMessage());
        assertEquals(100, input(0xC8, 0x01).readBlockCount(true), "items of no bytes (nulls) may outnumber the bytes");
        assertEquals("a union branch index 2 is out of range (0..1) at byte 1 of the Avro body",
                assertThrows(MalformedAvroException.class, () -> input(4).readIndex(2, "a union branch")).getMessage());
    }
}
