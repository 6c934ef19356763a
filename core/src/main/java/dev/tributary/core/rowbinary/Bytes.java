package dev.tributary.core.rowbinary;

import java.nio.ByteBuffer;

/** Byte-level helpers the UUID and IP encoders share. */
final class Bytes {

    private Bytes() {
    }

    /** A byte[] or ByteBuffer value as a buffer over its (remaining) bytes. */
    static ByteBuffer asBuffer(Object bytesOrBuffer) {
        return bytesOrBuffer instanceof byte[] array ? ByteBuffer.wrap(array) : (ByteBuffer) bytesOrBuffer;
    }

    /** An ASCII hex digit's value, or -1 (Character.digit would also take other scripts' digits). */
    static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    /** Eight bytes at {@code index} as a big-endian long, whatever the buffer's byte order. */
    static long bigEndianLong(ByteBuffer bytes, int index) {
        long result = 0;
        for (int i = 0; i < 8; i++) {
            result = result << 8 | (bytes.get(index + i) & 0xFF);
        }
        return result;
    }

    /** Four bytes at {@code index} as a big-endian int. */
    static int bigEndianInt(ByteBuffer bytes, int index) {
        int result = 0;
        for (int i = 0; i < 4; i++) {
            result = result << 8 | (bytes.get(index + i) & 0xFF);
        }
        return result;
    }

}
