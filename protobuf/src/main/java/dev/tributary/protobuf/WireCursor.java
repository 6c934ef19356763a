package dev.tributary.protobuf;

/**
 * Reads the Protobuf wire format from a byte range, bounds-checked, without allocating: varints,
 * fixed 32/64-bit values, length-delimited ranges, tags and skipping. The fast path's reader.
 * Not thread-safe; reset per range.
 */
final class WireCursor {

    static final int VARINT = 0;
    static final int I64 = 1;
    static final int LEN = 2;
    static final int SGROUP = 3;
    static final int EGROUP = 4;
    static final int I32 = 5;

    private byte[] bytes;
    private int position;
    private int limit;

    void reset(byte[] bytes, int position, int limit) {
        this.bytes = bytes;
        this.position = position;
        this.limit = limit;
    }

    byte[] array() {
        return bytes;
    }

    int position() {
        return position;
    }

    int limit() {
        return limit;
    }

    boolean atEnd() {
        return position >= limit;
    }

    long varint() throws MalformedProtobufException {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (position >= limit) {
                throw new MalformedProtobufException("the body ends inside a varint (truncated?)");
            }
            byte b = bytes[position++];
            value |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new MalformedProtobufException("a varint is longer than 10 bytes");
    }

    int fixed32() throws MalformedProtobufException {
        need(4);
        int p = position;
        position += 4;
        return (bytes[p] & 0xFF) | (bytes[p + 1] & 0xFF) << 8 | (bytes[p + 2] & 0xFF) << 16 | (bytes[p + 3] & 0xFF) << 24;
    }

    long fixed64() throws MalformedProtobufException {
        need(8);
        int p = position;
        position += 8;
        long value = 0;
        for (int i = 7; i >= 0; i--) {
            value = value << 8 | (bytes[p + i] & 0xFF);
        }
        return value;
    }

    /** A length prefix, checked against what is left; the position stays at the payload's start. */
    int length() throws MalformedProtobufException {
        long length = varint();
        if (length < 0 || length > limit - position) {
            throw new MalformedProtobufException("a length of " + length + " bytes runs past the end of the body ("
                    + (limit - position) + " left; truncated?)");
        }
        return (int) length;
    }

    void skip(int count) throws MalformedProtobufException {
        need(count);
        position += count;
    }

    /** A tag: field number and wire type; refuses field number 0 and the wire types 6 and 7. */
    long tag() throws MalformedProtobufException {
        long tag = varint();
        int wireType = (int) (tag & 7);
        long number = tag >>> 3;
        if (number == 0 || number > 536_870_911L || wireType > 5) {
            throw new MalformedProtobufException("invalid tag " + tag + " (field " + number + ", wire type " + wireType + ")");
        }
        return tag;
    }

    /** Skips the value of a field of {@code wireType} (groups with their nested fields, at most {@code depth} deep). */
    void skipValue(int wireType, int fieldNumber, int depth) throws MalformedProtobufException {
        switch (wireType) {
            case VARINT -> varint();
            case I64 -> skip(8);
            case LEN -> skip(length());
            case I32 -> skip(4);
            case SGROUP -> {
                if (depth <= 0) {
                    throw new MalformedProtobufException("groups nest more than " + ProtobufValues.MAX_DEPTH + " deep");
                }
                while (true) {
                    long tag = tag();
                    int type = (int) (tag & 7);
                    if (type == EGROUP) {
                        if ((tag >>> 3) != fieldNumber) {
                            throw new MalformedProtobufException("a group of field " + fieldNumber + " ends with the end of field "
                                    + (tag >>> 3));
                        }
                        return;
                    }
                    skipValue(type, (int) (tag >>> 3), depth - 1);
                }
            }
            default -> throw new MalformedProtobufException("an end-group tag of field " + fieldNumber + " without its start");
        }
    }

    private void need(int count) throws MalformedProtobufException {
        if (count < 0 || count > limit - position) {
            throw new MalformedProtobufException("the body ends " + (count - (limit - position)) + " bytes early (truncated?)");
        }
    }
}
