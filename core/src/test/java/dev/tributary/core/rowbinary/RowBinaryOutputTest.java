package dev.tributary.core.rowbinary;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RowBinaryOutputTest {

    @Test
    void numbersAreLittleEndian() {
        RowBinaryOutput out = new RowBinaryOutput(1);
        out.writeByte(0x1FF);
        out.writeShortLE(0x0102);
        out.writeIntLE(0x01020304);
        out.writeLongLE(0x0102030405060708L);
        out.writeRepeated(0xAB, 3);
        assertEquals("ff" + "0201" + "04030201" + "0807060504030201" + "ababab", hex(out));
    }

    @ParameterizedTest
    @CsvSource({"0, 00", "1, 01", "127, 7f", "128, 8001", "300, ac02", "16383, ff7f", "16384, 808001",
        "9223372036854775807, ffffffffffffffff7f", "-1, ffffffffffffffffff01"})
    void varUIntIsUnsignedLeb128(long value, String expected) {
        RowBinaryOutput out = new RowBinaryOutput();
        out.writeVarUInt(value);
        assertEquals(expected, hex(out));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "plain ascii", "é", "€uro", "世界", "🎉 emoji", "mixed ascii and ü in the middle",
        "\uD800 lone high", "lone low \uDC00", "\uDC00\uD800 reversed pair", "end with high \uD83C"})
    void stringsAreUtf8AfterTheirLength(String text) {
        RowBinaryOutput out = new RowBinaryOutput(2);
        out.writeString(text);
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8); // Java also writes '?' for a lone surrogate
        RowBinaryOutput expected = new RowBinaryOutput();
        expected.writeVarUInt(utf8.length);
        expected.writeBytes(utf8);
        assertEquals(hex(expected), hex(out));

        RowBinaryOutput fromBuilder = new RowBinaryOutput();
        fromBuilder.writeString(new StringBuilder(text));
        assertEquals(hex(expected), hex(fromBuilder));
    }

    @Test
    void aLongStringHasAMultiByteLength() {
        RowBinaryOutput out = new RowBinaryOutput(4);
        out.writeString("x".repeat(200));
        assertEquals(202, out.size());
        assertEquals("c801", HexFormat.of().formatHex(out.array(), 0, 2));
    }

    @Test
    void bytesFromArraysAndBuffersKeepTheBufferPosition() {
        RowBinaryOutput out = new RowBinaryOutput(1);
        out.writeBytes(new byte[] {1, 2, 3});
        out.writeBytes(new byte[] {4, 5, 6, 7}, 1, 2);
        ByteBuffer heap = ByteBuffer.wrap(new byte[] {9, 8, 7, 6});
        heap.position(1);
        out.writeBytes(heap);
        ByteBuffer direct = ByteBuffer.allocateDirect(3).put(new byte[] {0x0A, 0x0B, 0x0C}).flip();
        out.writeBytes(direct);
        assertEquals(1, heap.position());
        assertEquals(0, direct.position());
        assertEquals("010203" + "0506" + "080706" + "0a0b0c", hex(out));
    }

    @Test
    void growsTruncatesAndResets() {
        RowBinaryOutput out = new RowBinaryOutput(0);
        for (int i = 0; i < 10_000; i++) {
            out.writeIntLE(i);
        }
        assertEquals(40_000, out.size());
        out.truncate(8);
        assertEquals("0000000001000000", hex(out));
        out.writeByte(0x33);
        assertEquals(9, out.size());
        assertThrows(IllegalArgumentException.class, () -> out.truncate(10));
        assertThrows(IllegalArgumentException.class, () -> out.truncate(-1));
        out.reset();
        assertEquals(0, out.size());
        assertEquals(0, out.toByteArray().length);
    }

    @Test
    void contentCanBeCopiedStreamedAndRead() throws IOException {
        RowBinaryOutput out = new RowBinaryOutput();
        out.writeString("row");
        byte[] copy = out.toByteArray();
        assertArrayEquals(new byte[] {3, 'r', 'o', 'w'}, copy);
        assertNotSame(out.array(), copy);
        assertArrayEquals(copy, Arrays.copyOf(out.array(), out.size()));

        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        out.writeTo(sink);
        assertArrayEquals(copy, sink.toByteArray());

        try (InputStream in = out.asInputStream()) {
            assertArrayEquals(copy, in.readAllBytes());
        }
    }

    private static String hex(RowBinaryOutput out) {
        return HexFormat.of().formatHex(out.toByteArray());
    }
}
