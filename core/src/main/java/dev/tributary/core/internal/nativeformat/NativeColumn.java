package dev.tributary.core.internal.nativeformat;

import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DecimalType;
import dev.tributary.core.types.EnumType;
import dev.tributary.core.types.FixedStringType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NestedType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.TupleType;
import dev.tributary.core.types.VariantType;

import java.util.Arrays;
import java.util.List;

/**
 * One column of a Native block being built: reads values of its type as RowBinary and appends them
 * to its own buffers, then writes the column in its Native serialization. A tree per table column,
 * compiled once per table layout ({@link #forType}); buffers are kept across blocks (emptied by
 * {@link #reset}), so they end up sized by the largest block written.
 */
abstract class NativeColumn {

    /** Reads one RowBinary value of this column's type at {@code pos} of {@code in}, appends it; returns the position after it. */
    abstract int read(byte[] in, int pos);

    /** Reads {@code count} values in a row (an array's elements); returns the position after them. */
    int readMany(byte[] in, int pos, long count) {
        for (long i = 0; i < count; i++) {
            pos = read(in, pos);
        }
        return pos;
    }

    /** Appends the value the server's column holds under a NULL (the type's default). */
    abstract void appendDefault();

    /** The serialization prefixes of this type and its elements (LowCardinality's key version, Variant's mode). */
    void writePrefix(RowBinaryOutput out) {
    }

    /** Writes the values appended since {@link #reset}, in the Native serialization. */
    abstract void writeData(RowBinaryOutput out);

    /** Forgets the values, keeping the buffers. */
    abstract void reset();

    /** The number of values appended since {@link #reset}. */
    abstract int size();

    static NativeColumn forType(ClickHouseType type) {
        return switch (type.kind()) {
            case INT8, UINT8, BOOL -> new Fixed(1);
            case INT16, UINT16, DATE -> new Fixed(2);
            case INT32, UINT32, FLOAT32, DATE32, DATETIME, IPV4 -> new Fixed(4);
            case INT64, UINT64, FLOAT64, DATETIME64 -> new Fixed(8);
            case INT128, UINT128, UUID, IPV6 -> new Fixed(16);
            case INT256, UINT256 -> new Fixed(32);
            case DECIMAL -> new Fixed(((DecimalType) type).storageBits() / 8);
            case FIXED_STRING -> new Fixed(((FixedStringType) type).length());
            case ENUM8, ENUM16 -> new Fixed(enumDefault((EnumType) type));
            case STRING -> new Str();
            case NULLABLE -> new Nullable(forType(((NullableType) type).element()));
            case LOW_CARDINALITY -> lowCardinality((LowCardinalityType) type);
            case ARRAY -> new Array(forType(((ArrayType) type).element()));
            case NESTED -> forType(((NestedType) type).asArrayOfTuples());
            case MAP -> new MapColumn(forType(((MapType) type).key()), forType(((MapType) type).value()));
            case TUPLE -> new Tuple(((TupleType) type).types().stream().map(NativeColumn::forType).toList());
            case VARIANT -> new Variant(((VariantType) type).types().stream().map(NativeColumn::forType).toList());
            case JSON -> throw new IllegalArgumentException("JSON columns are not written as Native (see docs/native.md)");
        };
    }

    /** The enum's default (its first value), which the server keeps under a NULL. */
    private static byte[] enumDefault(EnumType type) {
        int number = type.defaultNumber();
        return type.bits() == 8 ? new byte[] {(byte) number} : new byte[] {(byte) number, (byte) (number >> 8)};
    }

    private static NativeColumn lowCardinality(LowCardinalityType type) {
        ClickHouseType inner = type.element();
        boolean nullable = inner.kind() == ClickHouseType.Kind.NULLABLE;
        ClickHouseType keyType = nullable ? ((NullableType) inner).element() : inner;
        if (keyType.kind() == ClickHouseType.Kind.STRING) {
            return new LowCardinality(-1, new byte[1], nullable); // the default key: the empty string, length 0
        }
        if (!(forType(keyType) instanceof Fixed fixed)) {
            throw new IllegalArgumentException("LowCardinality of " + keyType + " is not supported");
        }
        return new LowCardinality(fixed.zero.length, fixed.zero, nullable);
    }

    /** Reads an unsigned LEB128 number at {@code pos}; {@code result[0]} gets the value, the return is the position after it. */
    static int readVarUInt(byte[] in, int pos, long[] result) {
        long value = 0;
        int shift = 0;
        while (true) {
            byte b = in[pos++];
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                result[0] = value;
                return pos;
            }
            shift += 7;
            if (shift > 63) {
                throw new IllegalArgumentException("malformed varint in RowBinary at " + (pos - 1));
            }
        }
    }

    /** A value of a fixed width, the same bytes in RowBinary and Native (numbers, dates, UUID, IPs, FixedString, enums). */
    static final class Fixed extends NativeColumn {
        final byte[] zero;
        private final RowBinaryOutput data = new RowBinaryOutput(1024);

        Fixed(int width) {
            this(new byte[width]);
        }

        Fixed(byte[] zero) {
            this.zero = zero;
        }

        @Override
        int read(byte[] in, int pos) {
            data.writeBytes(in, pos, zero.length);
            return pos + zero.length;
        }

        @Override
        int readMany(byte[] in, int pos, long count) {
            int length = Math.toIntExact(Math.multiplyExact(count, (long) zero.length));
            data.writeBytes(in, pos, length); // fixed-width values are the same bytes back to back: one copy
            return Math.addExact(pos, length);
        }

        @Override
        void appendDefault() {
            data.writeBytes(zero);
        }

        @Override
        void writeData(RowBinaryOutput out) {
            out.writeBytes(data.array(), 0, data.size());
        }

        @Override
        void reset() {
            data.reset();
        }

        @Override
        int size() {
            return data.size() / Math.max(1, zero.length);
        }
    }

    /** String: the length (varint) and the bytes, the same in both formats. */
    static final class Str extends NativeColumn {
        private final RowBinaryOutput data = new RowBinaryOutput(4096);
        private final long[] length = new long[1];
        private int count;

        @Override
        int read(byte[] in, int pos) {
            int start = pos;
            pos = readVarUInt(in, pos, length);
            int end = Math.addExact(pos, Math.toIntExact(length[0]));
            data.writeBytes(in, start, end - start);
            count++;
            return end;
        }

        @Override
        void appendDefault() {
            data.writeByte(0);
            count++;
        }

        @Override
        void writeData(RowBinaryOutput out) {
            out.writeBytes(data.array(), 0, data.size());
        }

        @Override
        void reset() {
            data.reset();
            count = 0;
        }

        @Override
        int size() {
            return count;
        }
    }

    /** Nullable: the null map (1 = NULL) of every row, then the values (the type's default under a NULL). */
    static final class Nullable extends NativeColumn {
        final NativeColumn values;
        private final RowBinaryOutput nullMap = new RowBinaryOutput(1024);

        Nullable(NativeColumn values) {
            this.values = values;
        }

        @Override
        int read(byte[] in, int pos) {
            if (in[pos] != 0) {
                appendDefault();
                return pos + 1;
            }
            nullMap.writeByte(0);
            return values.read(in, pos + 1);
        }

        @Override
        void appendDefault() {
            nullMap.writeByte(1);
            values.appendDefault();
        }

        @Override
        void writePrefix(RowBinaryOutput out) {
            values.writePrefix(out);
        }

        @Override
        void writeData(RowBinaryOutput out) {
            out.writeBytes(nullMap.array(), 0, nullMap.size());
            values.writeData(out);
        }

        @Override
        void reset() {
            nullMap.reset();
            values.reset();
        }

        @Override
        int size() {
            return nullMap.size();
        }
    }

    /** Array: the end offset (UInt64) of every row's elements, then all the elements as one column. */
    static final class Array extends NativeColumn {
        final NativeColumn elements;
        private final RowBinaryOutput offsets = new RowBinaryOutput(1024);
        private final long[] count = new long[1];
        private long end;

        Array(NativeColumn elements) {
            this.elements = elements;
        }

        @Override
        int read(byte[] in, int pos) {
            pos = elements.readMany(in, readVarUInt(in, pos, count), count[0]);
            end += count[0];
            offsets.writeLongLE(end);
            return pos;
        }

        @Override
        void appendDefault() {
            offsets.writeLongLE(end);
        }

        @Override
        void writePrefix(RowBinaryOutput out) {
            elements.writePrefix(out);
        }

        @Override
        void writeData(RowBinaryOutput out) {
            out.writeBytes(offsets.array(), 0, offsets.size());
            elements.writeData(out);
        }

        @Override
        void reset() {
            offsets.reset();
            elements.reset();
            end = 0;
        }

        @Override
        int size() {
            return offsets.size() / 8;
        }
    }

    /** Map: as Array(Tuple(key, value)): offsets, then all keys, then all values. */
    static final class MapColumn extends NativeColumn {
        private final NativeColumn keys;
        private final NativeColumn values;
        private final RowBinaryOutput offsets = new RowBinaryOutput(1024);
        private final long[] count = new long[1];
        private long end;

        MapColumn(NativeColumn keys, NativeColumn values) {
            this.keys = keys;
            this.values = values;
        }

        @Override
        int read(byte[] in, int pos) {
            pos = readVarUInt(in, pos, count);
            for (long i = 0; i < count[0]; i++) {
                pos = keys.read(in, pos);
                pos = values.read(in, pos);
            }
            end += count[0];
            offsets.writeLongLE(end);
            return pos;
        }

        @Override
        void appendDefault() {
            offsets.writeLongLE(end);
        }

        @Override
        void writePrefix(RowBinaryOutput out) {
            keys.writePrefix(out);
            values.writePrefix(out);
        }

        @Override
        void writeData(RowBinaryOutput out) {
            out.writeBytes(offsets.array(), 0, offsets.size());
            keys.writeData(out);
            values.writeData(out);
        }

        @Override
        void reset() {
            offsets.reset();
            keys.reset();
            values.reset();
            end = 0;
        }

        @Override
        int size() {
            return offsets.size() / 8;
        }
    }

    /** Tuple: each element as a column of its own, one after the other. */
    static final class Tuple extends NativeColumn {
        private final NativeColumn[] elements;
        private int count;

        Tuple(List<NativeColumn> elements) {
            this.elements = elements.toArray(new NativeColumn[0]);
        }

        @Override
        int read(byte[] in, int pos) {
            for (NativeColumn element : elements) {
                pos = element.read(in, pos);
            }
            count++;
            return pos;
        }

        @Override
        void appendDefault() {
            for (NativeColumn element : elements) {
                element.appendDefault();
            }
            count++;
        }

        @Override
        void writePrefix(RowBinaryOutput out) {
            for (NativeColumn element : elements) {
                element.writePrefix(out);
            }
        }

        @Override
        void writeData(RowBinaryOutput out) {
            for (NativeColumn element : elements) {
                element.writeData(out);
            }
        }

        @Override
        void reset() {
            for (NativeColumn element : elements) {
                element.reset();
            }
            count = 0;
        }

        @Override
        int size() {
            return count;
        }
    }

    /**
     * Variant: the discriminators mode (UInt64 0, basic) in the prefix; then the discriminator of
     * every row (the variant's index among the sorted variants, 255 for NULL), then each variant's
     * values as a column of their own, in discriminator order.
     */
    static final class Variant extends NativeColumn {
        private final NativeColumn[] variants;
        private final RowBinaryOutput discriminators = new RowBinaryOutput(1024);

        Variant(List<NativeColumn> variants) {
            this.variants = variants.toArray(new NativeColumn[0]);
        }

        @Override
        int read(byte[] in, int pos) {
            int discriminator = in[pos] & 0xFF;
            discriminators.writeByte(discriminator);
            if (discriminator == VariantType.NULL_DISCRIMINATOR) {
                return pos + 1;
            }
            if (discriminator >= variants.length) {
                throw new IllegalArgumentException("Variant discriminator " + discriminator + " of " + variants.length + " variants");
            }
            return variants[discriminator].read(in, pos + 1);
        }

        @Override
        void appendDefault() {
            discriminators.writeByte(VariantType.NULL_DISCRIMINATOR);
        }

        @Override
        void writePrefix(RowBinaryOutput out) {
            out.writeLongLE(0); // discriminators in the basic mode: one byte per row
            for (NativeColumn variant : variants) {
                variant.writePrefix(out);
            }
        }

        @Override
        void writeData(RowBinaryOutput out) {
            out.writeBytes(discriminators.array(), 0, discriminators.size());
            for (NativeColumn variant : variants) {
                variant.writeData(out);
            }
        }

        @Override
        void reset() {
            discriminators.reset();
            for (NativeColumn variant : variants) {
                variant.reset();
            }
        }

        @Override
        int size() {
            return discriminators.size();
        }
    }

    /**
     * LowCardinality: a dictionary built per block, as the server writes one: the keys version
     * (UInt64 1, shared dictionaries with additional keys) in the prefix; then the index type
     * (UInt64: the index width, with the "additional keys" and "update dictionary" bits), the number
     * of keys and the keys (the type's default first; for a Nullable one, a slot for NULL before it),
     * then the number of rows and each row's index. Keys are in the order of first appearance; the
     * index width is UInt8 up to 255 keys, UInt16 up to 65535, else UInt32
     * (the server's choice: one value short of what the width could address). Nothing at all for a column of no rows.
     */
    static final class LowCardinality extends NativeColumn {
        private static final long KEYS_VERSION = 1;
        private static final long ADDITIONAL_KEYS_AND_UPDATE_DICTIONARY = (1L << 9) | (1L << 10);

        /** The width of a key, or -1 for a String (length-prefixed). */
        private final int keyWidth;
        private final byte[] zero;
        private final boolean nullable;
        /** The distinct keys, as RowBinary values (the same bytes as Native ones), back to back; the default first. */
        private final RowBinaryOutput keys = new RowBinaryOutput(1024);
        private int[] keyStarts = new int[64];
        private int keyCount;
        /** Open addressing: key id + 1, 0 for an empty slot. */
        private int[] table = new int[128];
        /** Per row the key id; -1 for NULL (or a DEFAULT wrapped as NULL). */
        private int[] rows = new int[1024];
        private int rowCount;
        private boolean holdsNull;

        private final long[] length = new long[1];

        LowCardinality(int keyWidth, byte[] zero, boolean nullable) {
            this.keyWidth = keyWidth;
            this.zero = zero;
            this.nullable = nullable;
            reset();
        }

        /** Whether a NULL was appended (a Nullable dictionary is then written). */
        boolean holdsNull() {
            return holdsNull;
        }

        @Override
        int read(byte[] in, int pos) {
            if (nullable) {
                if (in[pos] != 0) {
                    appendDefault();
                    return pos + 1;
                }
                pos++;
            }
            int end = keyWidth >= 0 ? pos + keyWidth : Math.addExact(readVarUInt(in, pos, length), Math.toIntExact(length[0]));
            appendRow(find(in, pos, end - pos));
            return end;
        }

        /** The id of the key {@code in[from..from+length)}, added if new. */
        private int find(byte[] in, int from, int length) {
            int hash = hash(in, from, length);
            int mask = table.length - 1;
            for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
                int entry = table[slot];
                if (entry == 0) {
                    int id = addKey(in, from, length);
                    table[slot] = id + 1;
                    if (keyCount * 2 > table.length) {
                        rehash();
                    }
                    return id;
                }
                int id = entry - 1;
                int start = keyStarts[id];
                int keyLength = keyStarts[id + 1] - start;
                if (keyLength == length && Arrays.equals(keys.array(), start, start + length, in, from, from + length)) {
                    return id;
                }
            }
        }

        private int addKey(byte[] in, int from, int length) {
            int id = keyCount++;
            if (keyCount + 1 >= keyStarts.length) {
                keyStarts = Arrays.copyOf(keyStarts, keyStarts.length * 2);
            }
            keys.writeBytes(in, from, length);
            keyStarts[id + 1] = keys.size();
            return id;
        }

        private void rehash() {
            int[] bigger = new int[table.length * 2];
            int mask = bigger.length - 1;
            for (int id = 0; id < keyCount; id++) {
                int start = keyStarts[id];
                int slot = hash(keys.array(), start, keyStarts[id + 1] - start) & mask;
                while (bigger[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                bigger[slot] = id + 1;
            }
            table = bigger;
        }

        private static int hash(byte[] bytes, int from, int length) {
            int h = 0x9E3779B9;
            for (int i = from; i < from + length; i++) {
                h = (h ^ bytes[i]) * 0x01000193;
            }
            return h ^ (h >>> 16);
        }

        private void appendRow(int id) {
            if (rowCount == rows.length) {
                rows = Arrays.copyOf(rows, rowCount * 2);
            }
            rows[rowCount++] = id;
        }

        @Override
        void appendDefault() {
            holdsNull = true;
            appendRow(-1);
        }

        @Override
        void writePrefix(RowBinaryOutput out) {
            out.writeLongLE(KEYS_VERSION);
        }

        @Override
        void writeData(RowBinaryOutput out) {
            if (rowCount == 0) {
                return;
            }
            boolean withNullSlot = nullable || holdsNull;
            long keysWritten = keyCount + (withNullSlot ? 1 : 0);
            int width = keysWritten <= 0xFF ? 0 : keysWritten <= 0xFFFF ? 1 : 2; // as the server sizes it
            out.writeLongLE(ADDITIONAL_KEYS_AND_UPDATE_DICTIONARY | width);
            out.writeLongLE(keysWritten);
            if (withNullSlot) {
                out.writeBytes(zero);
            }
            out.writeBytes(keys.array(), 0, keys.size());
            out.writeLongLE(rowCount);
            int shift = withNullSlot ? 1 : 0;
            for (int i = 0; i < rowCount; i++) {
                int index = rows[i] + shift; // NULL (-1) is slot 0
                switch (width) {
                    case 0 -> out.writeByte(index);
                    case 1 -> out.writeShortLE(index);
                    default -> out.writeIntLE(index);
                }
            }
        }

        @Override
        void reset() {
            keys.reset();
            Arrays.fill(table, 0);
            keyCount = 0;
            rowCount = 0;
            holdsNull = false;
            keyStarts[0] = 0;
            // The type's default is always key 0, as in the server's dictionaries.
            int id = find(zero, 0, zero.length);
            assert id == 0;
        }

        @Override
        int size() {
            return rowCount;
        }
    }
}
