package dev.tributary.avro;

/**
 * Reads Avro binary (the encoding of the Avro specification) from a range of a byte array. Every
 * read is bounds-checked and fails with a {@link MalformedAvroException} that says what was wrong
 * and at which byte of the message, so a broken message never reads past its own bytes.
 *
 * <p>Strings and bytes are not copied: {@link #readLength} gives their length and
 * {@link #position()} their start in {@link #array()}. Reusable: {@link #reset} starts a new
 * message. Not thread-safe.
 */
final class AvroInput {

    /** Records nested deeper than this are refused: reading them recurses, and a recursive schema has no end. */
    static final int MAX_DEPTH = 100;
    /** Items that take no bytes (nulls, empty records) one message may hold in all, read or skipped. */
    static final long MAX_ZERO_WIDTH_ITEMS = 1_000_000;

    private byte[] buffer = new byte[0];
    private int start;
    private int position;
    private int limit;
    private int depth;
    private long zeroWidthItems;

    /** Starts reading {@code length} bytes of {@code bytes} from {@code offset}. */
    AvroInput reset(byte[] bytes, int offset, int length) {
        this.buffer = bytes;
        this.start = offset;
        this.position = offset;
        this.limit = offset + length;
        this.depth = 0;
        this.zeroWidthItems = 0;
        return this;
    }

    /** Enters a record value; a MalformedAvroException beyond {@link #MAX_DEPTH} levels. */
    void enterRecord() {
        if (++depth > MAX_DEPTH) {
            throw malformed("records nested deeper than " + MAX_DEPTH + " levels (a recursive schema?)");
        }
    }

    /** Leaves the record value {@link #enterRecord} entered. */
    void exitRecord() {
        depth--;
    }

    byte[] array() {
        return buffer;
    }

    /** The index in {@link #array()} of the next byte to read. */
    int position() {
        return position;
    }

    /** Moves back (or on) to {@code newPosition}, a value {@link #position()} returned for this message. */
    void position(int newPosition) {
        position = newPosition;
    }

    int remaining() {
        return limit - position;
    }

    boolean atEnd() {
        return position == limit;
    }

    boolean readBoolean() {
        require(1, "a boolean");
        byte b = buffer[position];
        if (b != 0 && b != 1) {
            throw malformed("a boolean is byte " + (b & 0xFF) + ", not 0 or 1");
        }
        position++;
        return b == 1;
    }

    int readInt() {
        int p = position;
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (p >= limit) {
                throw truncated("an int");
            }
            int b = buffer[p++] & 0xFF;
            if (shift == 28 && b > 0x0F) {
                throw malformed("an int does not fit in 32 bits");
            }
            value |= (b & 0x7F) << shift;
            if (b < 0x80) {
                position = p;
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw malformed("an int is longer than 5 bytes");
    }

    long readLong() {
        int p = position;
        long value = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (p >= limit) {
                throw truncated("a long");
            }
            long b = buffer[p++] & 0xFF;
            if (shift == 63 && b > 0x01) {
                throw malformed("a long does not fit in 64 bits");
            }
            value |= (b & 0x7F) << shift;
            if (b < 0x80) {
                position = p;
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw malformed("a long is longer than 10 bytes");
    }

    float readFloat() {
        return Float.intBitsToFloat(readFixedInt("a float"));
    }

    double readDouble() {
        require(8, "a double");
        long low = littleEndianInt(position) & 0xFFFFFFFFL;
        long high = littleEndianInt(position + 4) & 0xFFFFFFFFL;
        position += 8;
        return Double.longBitsToDouble(high << 32 | low);
    }

    /** The length of a string or bytes value; its bytes follow at {@link #position()}. */
    int readLength() {
        long length = readLong();
        if (length < 0) {
            throw malformed("a length is negative (" + length + ")");
        }
        if (length > remaining()) {
            throw malformed("a length of " + length + " bytes exceeds the " + remaining() + " bytes left");
        }
        return (int) length;
    }

    /** A union branch index, checked against the number of branches. */
    int readIndex(int branches, String what) {
        int index = readInt();
        if (index < 0 || index >= branches) {
            throw malformed(what + " index " + index + " is out of range (0.." + (branches - 1) + ")");
        }
        return index;
    }

    /**
     * The item count of the next array or map block (0 ends the value). A negative count is followed
     * by the block's size in bytes, which is read and dropped. A count can exceed the bytes left only
     * when items may take no bytes at all ({@code zeroWidthItems}), and then up to a million.
     */
    int readBlockCount(boolean zeroWidthItems) {
        long count = readLong();
        if (count < 0) {
            count = -count;
            readBlockSize();
        }
        checkBlockCount(count, zeroWidthItems);
        return (int) count;
    }

    /** The byte size that follows a negative block count. */
    int readBlockSize() {
        long size = readLong();
        if (size < 0 || size > remaining()) {
            throw malformed("a block size of " + size + " bytes does not fit the " + remaining() + " bytes left");
        }
        return (int) size;
    }

    void checkBlockCount(long count, boolean zeroWidthItems) {
        if (!zeroWidthItems) {
            if (count < 0 || count > remaining()) {
                throw malformed("a block of " + count + " items cannot fit the " + remaining() + " bytes left");
            }
            return;
        }
        // Such items cost no bytes but a loop turn each (and a byte or more of the row): bounded per message.
        if (count < 0 || count > MAX_ZERO_WIDTH_ITEMS - this.zeroWidthItems) {
            throw malformed("more than " + MAX_ZERO_WIDTH_ITEMS + " items that take no bytes in one message (a block of "
                    + count + " after " + this.zeroWidthItems + ")");
        }
        this.zeroWidthItems += count;
    }

    /** Skips {@code count} bytes (a string's or fixed value's content). */
    void skip(int count) {
        if (count > limit - position) {
            throw truncated(count + " bytes");
        }
        position += count;
    }

    private int readFixedInt(String what) {
        require(4, what);
        int value = littleEndianInt(position);
        position += 4;
        return value;
    }

    private int littleEndianInt(int at) {
        byte[] b = buffer;
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }

    private void require(int count, String what) {
        if (count > limit - position) {
            throw truncated(what);
        }
    }

    private MalformedAvroException truncated(String what) {
        return new MalformedAvroException("truncated: the Avro body ends after " + (limit - start)
                + " bytes, in the middle of " + what);
    }

    /** A failure at the current position, which the message gives as a byte of the message. */
    MalformedAvroException malformed(String problem) {
        return new MalformedAvroException(problem + " at byte " + (position - start) + " of the Avro body");
    }
}
