package dev.tributary.core.rowbinary;

/**
 * Parses IPv4 and IPv6 address literals by hand: {@code InetAddress.getByName} would look up any
 * text that is not a literal in DNS.
 */
final class IpLiterals {

    /** The first 12 bytes of an IPv4-mapped IPv6 address, {@code ::ffff:a.b.c.d}. */
    private static final byte[] MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF};

    private IpLiterals() {
    }

    /** The address of dotted-quad text ({@code 0..255} four times, no leading zeros), or -1. */
    static long parseIpv4(CharSequence text, int from, int to) {
        long address = 0;
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || text.charAt(i) != '.') {
                    return -1;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3 && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + text.charAt(i++) - '0';
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || digits > 1 && text.charAt(start) == '0') {
                return -1;
            }
            address = address << 8 | value;
        }
        return i == to ? address : -1;
    }

    /**
     * The 16 bytes of IPv6 text ({@code ::} compression, a dotted IPv4 tail, any case; no zone), or
     * of plain IPv4 text as {@code ::ffff:a.b.c.d}, as ClickHouse reads it; null when it is neither.
     */
    static byte[] parseIpv6(CharSequence text) {
        int length = text.length();
        if (length > 0 && indexOf(text, ':') < 0) {
            long ipv4 = parseIpv4(text, 0, length);
            return ipv4 < 0 ? null : mapped((int) ipv4);
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1;
        int i = 0;
        if (length >= 2 && text.charAt(0) == ':' && text.charAt(1) == ':') {
            gap = 0;
            i = 2;
        } else if (length == 0 || text.charAt(0) == ':') {
            return null;
        }
        while (i < length) {
            if (count == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < length && Bytes.hexDigit(text.charAt(i)) >= 0 && i - start < 5) {
                value = value << 4 | Bytes.hexDigit(text.charAt(i++));
            }
            if (i < length && text.charAt(i) == '.') {
                long ipv4 = count <= 6 ? parseIpv4(text, start, length) : -1;
                if (ipv4 < 0) {
                    return null;
                }
                groups[count++] = (int) (ipv4 >>> 16);
                groups[count++] = (int) (ipv4 & 0xFFFF);
                break;
            }
            if (i == start || i - start > 4) {
                return null;
            }
            groups[count++] = value;
            if (i == length) {
                break;
            }
            if (text.charAt(i++) != ':' || i == length) {
                return null;
            }
            if (text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] address = new byte[16];
        int tail = gap < 0 ? 0 : count - gap;
        for (int g = 0; g < count; g++) {
            int slot = gap >= 0 && g >= gap ? 8 - tail + (g - gap) : g;
            address[slot * 2] = (byte) (groups[g] >> 8);
            address[slot * 2 + 1] = (byte) groups[g];
        }
        return address;
    }

    /** The IPv6 address {@code ::ffff:a.b.c.d} of an IPv4 address. */
    static byte[] mapped(int ipv4) {
        byte[] address = new byte[16];
        System.arraycopy(MAPPED_PREFIX, 0, address, 0, MAPPED_PREFIX.length);
        address[12] = (byte) (ipv4 >>> 24);
        address[13] = (byte) (ipv4 >>> 16);
        address[14] = (byte) (ipv4 >>> 8);
        address[15] = (byte) ipv4;
        return address;
    }

    private static int indexOf(CharSequence text, char c) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
