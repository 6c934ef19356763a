package dev.tributary.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 validation (RFC 3629): Jackson's parser accepts overlong forms such as
 * {@code C0 AF} for '/', and code points beyond U+10FFFF, which would land in ClickHouse as text
 * that no longer matches the bytes that were sent. ASCII, the common case, costs one comparison
 * per byte.
 */
public final class Utf8 {

    /** Eight bytes of a byte[] as a long, for word-at-a-time scans. */
    static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private Utf8() {
    }

    /**
     * Whether the bytes look like UTF-16 or UTF-32 JSON, which Jackson detects (a byte-order mark
     * FE FF / FF FE, or a zero byte among the first four, as in RFC 4627's detection) and decodes
     * with its own checks; strict UTF-8 validation does not apply to them.
     */
    public static boolean isUtf16Or32(byte[] bytes) {
        if (bytes.length >= 2 && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
                || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
            return true;
        }
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            if (bytes[i] == 0) {
                return bytes.length >= 4;
            }
        }
        return false;
    }

    /** The index of the first byte that is not part of well-formed UTF-8, or -1 if all are. */
    public static int firstInvalidByte(byte[] bytes) {
        return firstInvalidByte(bytes, 0, bytes.length);
    }

    /**
     * The index of the first byte of {@code bytes[from, to)} that is not part of well-formed UTF-8
     * (RFC 3629: no overlong forms, surrogates or code points beyond U+10FFFF), or -1 if all are.
     * For any decoder whose format promises UTF-8 text (JSON, Protobuf {@code string}).
     */
    public static int firstInvalidByte(byte[] bytes, int from, int to) {
        java.util.Objects.checkFromToIndex(from, to, bytes.length);
        int i = from;
        int n = to;
        while (i < n) {
            // ASCII eight bytes at a time
            if (i + 8 <= n && ((long) WORDS.get(bytes, i) & 0x8080808080808080L) == 0) {
                i += 8;
                continue;
            }
            if (bytes[i] >= 0) {
                i++;
                continue;
            }
            int end = sequenceEnd(bytes, i, n);
            if (end < 0) {
                return -end - 1;
            }
            i = end;
        }
        return -1;
    }

    /**
     * Past the well-formed multi-byte sequence whose lead byte (>= 0x80) is at {@code i}, within
     * {@code bytes[.., n)}; else {@code -bad - 1} for the index {@code bad} of the first wrong byte.
     */
    static int sequenceEnd(byte[] bytes, int i, int n) {
        int lead = bytes[i] & 0xff;
        int length;
        int min2;
        int max2;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
            min2 = 0x80;
            max2 = 0xBF;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            min2 = lead == 0xE0 ? 0xA0 : 0x80;   // no overlong three-byte forms
            max2 = lead == 0xED ? 0x9F : 0xBF;   // no UTF-16 surrogates
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            min2 = lead == 0xF0 ? 0x90 : 0x80;   // no overlong four-byte forms
            max2 = lead == 0xF4 ? 0x8F : 0xBF;   // nothing beyond U+10FFFF
        } else {
            return -i - 1; // a stray continuation byte, C0/C1 (overlong) or F5-FF
        }
        if (i + length > n) {
            return -i - 1;
        }
        int second = bytes[i + 1] & 0xff;
        if (second < min2 || second > max2) {
            return -(i + 1) - 1;
        }
        for (int k = 2; k < length; k++) {
            int next = bytes[i + k] & 0xff;
            if (next < 0x80 || next > 0xBF) {
                return -(i + k) - 1;
            }
        }
        return i + length;
    }
}
