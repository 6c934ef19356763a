package dev.tributary.core;

import dev.tributary.core.rowbinary.RowBinaryOutput;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Records of a batch kept as bytes rather than objects: a {@link RecordCodec} writes each record
 * here, back to back, and reads it back on the rare paths that need it (a row the server refused,
 * rows encoded again after a table change). Values many records share (a topic, a shard) are
 * interned once per slab and written as an index. Buffers are recycled with their batch, so that a
 * record costs no object for as long as its batch waits to be durable.
 *
 * <p>Written by one thread (the pipeline's); read after it was handed over, by one thread at a time.
 */
public final class RecordSlab {

    private RowBinaryOutput out;
    private final int growthLimit;
    private final Map<Object, Integer> internIds = new HashMap<>();
    private final List<Object> interned = new ArrayList<>();

    /** An empty slab that starts at {@code initialCapacity} bytes and grows as needed. */
    public RecordSlab(int initialCapacity) {
        this(initialCapacity, Integer.MAX_VALUE - 16);
    }

    /**
     * An empty slab that starts at {@code initialCapacity} bytes and doubles as needed, but not beyond
     * {@code growthLimit} bytes unless one record needs it: a batch bounded to that many bytes seals
     * before its slab holds much more, and a doubling past it would be memory never used.
     */
    public RecordSlab(int initialCapacity, int growthLimit) {
        this.out = new RowBinaryOutput(initialCapacity);
        this.growthLimit = growthLimit;
    }

    /** Makes room for {@code bytes} more bytes, doubling the capacity up to the growth limit. */
    private void reserve(long bytes) {
        int capacity = out.array().length;
        long needed = out.size() + bytes;
        if (needed > capacity) {
            long grown = Math.max(needed, Math.min(2L * capacity, growthLimit));
            if (grown > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("a record slab cannot grow beyond 2 GiB (needs " + needed + " bytes)");
            }
            RowBinaryOutput bigger = new RowBinaryOutput((int) grown);
            bigger.writeBytes(out.array(), 0, out.size());
            out = bigger;
        }
    }

    /** Empties the slab for the next batch, keeping its capacity. */
    public void reset() {
        out.reset();
        internIds.clear();
        interned.clear();
    }

    /** The bytes written. */
    public int size() {
        return out.size();
    }

    /** The bytes the slab can hold before it grows. */
    int capacity() {
        return out.array().length;
    }

    /** Drops what was written after the first {@code size} bytes (a record half-written when its codec failed). */
    public void truncate(int size) {
        out.truncate(size);
    }

    public void writeByte(int value) {
        reserve(1);
        out.writeByte(value);
    }

    public void writeInt(int value) {
        reserve(4);
        out.writeIntLE(value);
    }

    public void writeLong(long value) {
        reserve(8);
        out.writeLongLE(value);
    }

    /** Writes {@code bytes}, which may be null (read back as null). */
    public void writeBytes(byte[] bytes) {
        reserve(bytes == null ? 1 : 10L + bytes.length);
        if (bytes == null) {
            out.writeVarUInt(0);
        } else {
            out.writeVarUInt(bytes.length + 1L);
            out.writeBytes(bytes);
        }
    }

    /** Writes {@code text} (not null) as UTF-8, with no intermediate array. */
    public void writeString(String text) {
        reserve(10L + 3L * text.length()); // at most three UTF-8 bytes a char
        out.writeString(text);
    }

    /**
     * Writes {@code value} (immutable, with {@code equals}: a topic, a shard id) as its index among the
     * values interned in this slab; the value itself is kept once.
     */
    public void writeInterned(Object value) {
        Integer id = internIds.get(value);
        if (id == null) {
            id = interned.size();
            internIds.put(value, id);
            interned.add(value);
        }
        reserve(5);
        out.writeVarUInt(id);
    }

    /** A reader of the bytes {@code from..to}, one record as its codec wrote it. */
    public Reader reader(int from, int to) {
        if (from < 0 || from > to || to > out.size()) {
            throw new IndexOutOfBoundsException("bytes " + from + ".." + to + " of a slab of " + out.size());
        }
        return new Reader(from, to);
    }

    /** Reads one record back, in the order its codec wrote it. */
    public final class Reader {
        private final byte[] bytes = out.array();
        private int position;
        private final int end;

        private Reader(int from, int to) {
            this.position = from;
            this.end = to;
        }

        public int readByte() {
            check(1);
            return bytes[position++];
        }

        public int readInt() {
            check(4);
            int value = 0;
            for (int i = 3; i >= 0; i--) {
                value = value << 8 | (bytes[position + i] & 0xFF);
            }
            position += 4;
            return value;
        }

        public long readLong() {
            check(8);
            long value = 0;
            for (int i = 7; i >= 0; i--) {
                value = value << 8 | (bytes[position + i] & 0xFF);
            }
            position += 8;
            return value;
        }

        /** What {@link #writeBytes} wrote: a new array, or null. */
        public byte[] readBytes() {
            long length = readVarUInt();
            if (length == 0) {
                return null;
            }
            int n = checkedLength(length - 1);
            byte[] value = java.util.Arrays.copyOfRange(bytes, position, position + n);
            position += n;
            return value;
        }

        public String readString() {
            int n = checkedLength(readVarUInt());
            String value = new String(bytes, position, n, StandardCharsets.UTF_8);
            position += n;
            return value;
        }

        /** What {@link #writeInterned} wrote. */
        public <T> T readInterned(Class<T> type) {
            long index = readVarUInt();
            if (index >= interned.size()) {
                throw new IllegalStateException("a record in its slab is corrupt: value " + index + " of "
                        + interned.size() + " interned");
            }
            return type.cast(interned.get((int) index));
        }

        /** Whether every byte of the record was read. */
        public boolean atEnd() {
            return position == end;
        }

        private long readVarUInt() {
            long value = 0;
            for (int shift = 0; ; shift += 7) {
                int b = readByte();
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }

        private int checkedLength(long length) {
            if (length < 0 || length > end - position) {
                throw new IllegalStateException("a record in its slab is corrupt: " + length + " bytes at " + position
                        + ", " + (end - position) + " left");
            }
            return (int) length;
        }

        private void check(int n) {
            if (end - position < n) {
                throw new IllegalStateException("a record in its slab is corrupt: " + n + " bytes wanted at " + position
                        + ", " + (end - position) + " left");
            }
        }
    }
}
