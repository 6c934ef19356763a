package dev.tributary.core.clickhouse;

import com.clickhouse.data.ClickHouseCityHash;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;

import java.io.InputStream;
import java.util.Objects;

/**
 * A byte range read as ClickHouse's compressed blocks (what the server decompresses from a request
 * sent with {@code decompress=1}): for every chunk of at most {@link #CHUNK} bytes, a 16-byte
 * CityHash128 checksum, the method byte, the block's size with its 9-byte header and the chunk's
 * size (little-endian), then the chunk in LZ4 — or as it is ({@code NONE}) when LZ4 would not make
 * it smaller. Chunks are compressed one at a time as the request body is read, so a batch costs one
 * chunk buffer, not a compressed copy of itself.
 *
 * <p>Written here rather than left to client-v2: its request compression (0.11.0) compresses
 * 64 KiB chunks into a buffer of the chunk's own size, so any chunk that LZ4 or ZSTD cannot shrink
 * — a Native column of random UUIDs or hashes, a large binary value — fails the whole insert.
 */
final class CompressedBlocks extends InputStream {

    /** ClickHouse's own default block size for compression ({@code max_compress_block_size}). */
    static final int CHUNK = 1 << 20;
    private static final int HEADER = 16 + 9;
    private static final byte METHOD_NONE = 0x02;
    private static final byte METHOD_LZ4 = (byte) 0x82;

    private final LZ4Compressor compressor;
    private final byte[] data;
    private final int end;
    private int next;
    private final byte[] block;
    private int blockPosition;
    private int blockLength;

    /** The compressed blocks of {@code data[offset, offset + length)}. */
    CompressedBlocks(LZ4Compressor compressor, byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        this.compressor = compressor;
        this.data = data;
        this.next = offset;
        this.end = offset + length;
        this.block = new byte[HEADER + compressor.maxCompressedLength(Math.min(CHUNK, Math.max(length, 1)))];
    }

    /** The LZ4 compressor these blocks use: lz4-java's fastest available, which the server reads as method 0x82. */
    static LZ4Compressor lz4() {
        return LZ4Factory.fastestInstance().fastCompressor();
    }

    @Override
    public int read() {
        if (!fill()) {
            return -1;
        }
        return block[blockPosition++] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, blockLength - blockPosition);
        System.arraycopy(block, blockPosition, into, offset, n);
        blockPosition += n;
        return n;
    }

    @Override
    public int available() {
        return blockLength - blockPosition;
    }

    /** Makes the next block ready if the current one is used up; false at the end of the range. */
    private boolean fill() {
        if (blockPosition < blockLength) {
            return true;
        }
        if (next >= end) {
            return false;
        }
        int raw = Math.min(CHUNK, end - next);
        int packed = compressor.compress(data, next, raw, block, HEADER, block.length - HEADER);
        byte method = METHOD_LZ4;
        if (packed >= raw) {
            System.arraycopy(data, next, block, HEADER, raw); // incompressible: sent as it is
            packed = raw;
            method = METHOD_NONE;
        }
        next += raw;
        block[16] = method;
        putIntLE(block, 17, packed + 9);
        putIntLE(block, 21, raw);
        long[] checksum = ClickHouseCityHash.cityHash128(block, 16, packed + 9);
        putLongLE(block, 0, checksum[0]);
        putLongLE(block, 8, checksum[1]);
        blockPosition = 0;
        blockLength = HEADER + packed;
        return true;
    }

    private static void putIntLE(byte[] b, int at, int value) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }

    private static void putLongLE(byte[] b, int at, long value) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (value >>> (8 * i));
        }
    }
}
