package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.internal.CompressedBlockInputStream;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compressed-block stream read back by client-v2's reader of the same format (which checks each block's checksum). */
class CompressedBlocksTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, CompressedBlocks.CHUNK - 1, CompressedBlocks.CHUNK, CompressedBlocks.CHUNK + 1,
            3 * CompressedBlocks.CHUNK + 17})
    void everyLengthOfRandomAndRepetitiveDataReadsBackExactly(int length) throws IOException {
        byte[] data = new byte[length + 3];
        Random random = new Random(length);
        for (int i = 0; i < data.length; i++) {
            // the first chunk random (sent as it is), the rest repetitive (LZ4)
            data[i] = i < CompressedBlocks.CHUNK ? (byte) random.nextInt() : (byte) (i % 13);
        }
        byte[] expected = Arrays.copyOfRange(data, 3, 3 + length);
        byte[] sent = new CompressedBlocks(CompressedBlocks.lz4(), data, 3, length).readAllBytes();
        assertArrayEquals(expected, decompress(sent));
        if (length > 0) {
            int blocks = (length + CompressedBlocks.CHUNK - 1) / CompressedBlocks.CHUNK;
            assertTrue(sent.length <= length + blocks * 25, "no block grows beyond its header: " + sent.length);
        } else {
            assertEquals(0, sent.length);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 4096})
    void smallReadsSeeTheSameBytesAsLargeOnes(int readSize) throws IOException {
        byte[] data = new byte[CompressedBlocks.CHUNK + 5000];
        new Random(7).nextBytes(data);
        byte[] whole = new CompressedBlocks(CompressedBlocks.lz4(), data, 0, data.length).readAllBytes();
        InputStream in = new CompressedBlocks(CompressedBlocks.lz4(), data, 0, data.length);
        java.io.ByteArrayOutputStream pieces = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n; (n = readSize == 1 ? single(in, buffer) : in.read(buffer, 0, readSize)) >= 0; ) {
            pieces.write(buffer, 0, n);
        }
        assertArrayEquals(whole, pieces.toByteArray());
    }

    private static int single(InputStream in, byte[] buffer) throws IOException {
        int b = in.read();
        if (b < 0) {
            return -1;
        }
        buffer[0] = (byte) b;
        return 1;
    }

    private static byte[] decompress(byte[] blocks) throws IOException {
        try (InputStream in = new CompressedBlockInputStream(new ByteArrayInputStream(blocks),
                LZ4Factory.fastestInstance().fastDecompressor(), 8192)) {
            return in.readAllBytes();
        }
    }
}
