package dev.tributary.core.rowbinary;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable buffer of RowBinary data: little-endian numbers, LEB128 lengths, UTF-8 strings.
 * Writes allocate nothing unless the buffer has to grow. Not thread-safe.
 */
public final class RowBinaryOutput {

    private static final int DEFAULT_CAPACITY = 8192;
    /** Arrays slightly below Integer.MAX_VALUE are the largest that every JVM allocates. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;

    private byte[] buffer;
    private int size;

    /** A buffer that starts at 8 KiB. */
    public RowBinaryOutput() {
        this(DEFAULT_CAPACITY);
    }

    /** A buffer that starts at {@code initialCapacity} bytes. */
    public RowBinaryOutput(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity " + initialCapacity);
        }
        buffer = new byte[Math.max(initialCapacity, 16)];
    }

    public void writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
    }

    public void writeShortLE(int value) {
        ensure(2);
        byte[] b = buffer;
        int p = size;
        b[p] = (byte) value;
        b[p + 1] = (byte) (value >>> 8);
        size = p + 2;
    }

    public void writeIntLE(int value) {
        ensure(4);
        byte[] b = buffer;
        int p = size;
        b[p] = (byte) value;
        b[p + 1] = (byte) (value >>> 8);
        b[p + 2] = (byte) (value >>> 16);
        b[p + 3] = (byte) (value >>> 24);
        size = p + 4;
    }

    public void writeLongLE(long value) {
        ensure(8);
        byte[] b = buffer;
        int p = size;
        for (int i = 0; i < 8; i++) {
            b[p + i] = (byte) (value >>> (i << 3));
        }
        size = p + 8;
    }

    /** Writes {@code count} copies of {@code value}, e.g. the sign extension of a wide integer. */
    public void writeRepeated(int value, int count) {
        ensure(count);
        Arrays.fill(buffer, size, size + count, (byte) value);
        size += count;
    }

    public void writeBytes(byte[] bytes) {
        writeBytes(bytes, 0, bytes.length);
    }

    public void writeBytes(byte[] bytes, int offset, int length) {
        ensure(length);
        System.arraycopy(bytes, offset, buffer, size, length);
        size += length;
    }

    /** Writes the remaining bytes of {@code bytes}, leaving its position where it was. */
    public void writeBytes(ByteBuffer bytes) {
        int length = bytes.remaining();
        if (bytes.hasArray()) {
            writeBytes(bytes.array(), bytes.arrayOffset() + bytes.position(), length);
        } else {
            ensure(length);
            bytes.duplicate().get(buffer, size, length);
            size += length;
        }
    }

    /** Writes {@code value} as an unsigned LEB128 number, the length prefix of strings and arrays. */
    public void writeVarUInt(long value) {
        ensure(10);
        byte[] b = buffer;
        int p = size;
        long v = value;
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        size = p;
    }

    /** Writes {@code text} as UTF-8 after its length in bytes (varint); see {@link #writeString(CharSequence)}. */
    public void writeString(String text) {
        writeString((CharSequence) text);
    }

    /**
     * Writes {@code text} as UTF-8 after its length in bytes (varint). ASCII text is copied char by
     * char with no intermediate array; a lone surrogate becomes {@code ?}, as {@code String.getBytes} does.
     */
    public void writeString(CharSequence text) {
        int length = text.length();
        int utf8Length = utf8Length(text, length);
        writeVarUInt(utf8Length);
        writeUtf8(text, length, utf8Length);
    }

    /** Writes the UTF-8 bytes of {@code text}, whose {@link #utf8Length} is {@code utf8Length}, with no length prefix. */
    void writeUtf8(CharSequence text, int length, int utf8Length) {
        ensure(utf8Length);
        byte[] b = buffer;
        int p = size;
        int i = 0;
        // ASCII runs are copied char by char; the general loop takes over at the first other char.
        for (char c; i < length && (c = text.charAt(i)) < 0x80; i++) {
            b[p++] = (byte) c;
        }
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                int codePoint = surrogatePair(text, i, length);
                if (codePoint < 0) {
                    b[p++] = '?';
                } else {
                    b[p++] = (byte) (0xF0 | (codePoint >> 18));
                    b[p++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                    b[p++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (codePoint & 0x3F));
                    i++;
                }
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        size = p;
    }

    /** The UTF-8 length of {@code text}, a lone surrogate counting as the one byte of {@code ?}. */
    static int utf8Length(CharSequence text, int length) {
        long bytes = length;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                if (c < 0x800) {
                    bytes += 1;
                } else if (Character.isSurrogate(c)) {
                    if (surrogatePair(text, i, length) >= 0) {
                        bytes += 2; // two chars, four bytes
                        i++;
                    }
                } else {
                    bytes += 2;
                }
            }
        }
        if (bytes > MAX_CAPACITY) {
            throw new IllegalStateException("a string of " + bytes + " UTF-8 bytes does not fit in a buffer");
        }
        return (int) bytes;
    }

    /** The code point of the surrogate pair at {@code i}, or -1 for a lone surrogate. */
    private static int surrogatePair(CharSequence text, int i, int length) {
        char high = text.charAt(i);
        if (Character.isHighSurrogate(high) && i + 1 < length) {
            char low = text.charAt(i + 1);
            if (Character.isLowSurrogate(low)) {
                return Character.toCodePoint(high, low);
            }
        }
        return -1;
    }

    /** The number of bytes written. */
    public int size() {
        return size;
    }

    /** Drops what was written after the first {@code newSize} bytes, e.g. a half-written row. */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("cannot truncate " + size + " bytes to " + newSize);
        }
        size = newSize;
    }

    /** Empties the buffer, keeping its capacity. */
    public void reset() {
        size = 0;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    /** The backing array, valid up to {@link #size()}; replaced when the buffer grows. */
    public byte[] array() {
        return buffer;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(buffer, 0, size);
    }

    /** A stream over the current content, without a copy: it is valid until the next write, truncate or reset. */
    public InputStream asInputStream() {
        return new ByteArrayInputStream(buffer, 0, size);
    }

    private void ensure(int extra) {
        if (extra > buffer.length - size) {
            grow(extra);
        }
    }

    private void grow(int extra) {
        long needed = (long) size + extra;
        if (needed > MAX_CAPACITY) {
            throw new IllegalStateException("RowBinary buffer cannot grow beyond " + MAX_CAPACITY + " bytes (needs " + needed + ")");
        }
        long doubled = Math.max((long) buffer.length * 2, needed);
        buffer = Arrays.copyOf(buffer, (int) Math.min(doubled, MAX_CAPACITY));
    }
}
