package dev.tributary.avro;

import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ValueConversionException;

import java.nio.charset.StandardCharsets;

/**
 * Readers that wrap others: null unions, Nullable columns, arrays, maps and enums. Records are
 * {@link TupleReader}s.
 */
final class CompositeReaders {

    private CompositeReaders() {
    }

    /** A value into a Nullable column from a schema that is never null: the "not null" byte, then the value. */
    static ValueReader notNull(ValueReader value) {
        return (in, out) -> {
            out.writeByte(0);
            value.read(in, out);
        };
    }

    /** {@code [null, T]} into a Nullable column: NULL, or the "not null" byte and the value. */
    static ValueReader nullableUnion(int nullBranch, ValueReader value) {
        return (in, out) -> {
            if (in.readIndex(2, "a union branch") == nullBranch) {
                out.writeByte(1);
            } else {
                out.writeByte(0);
                value.read(in, out);
            }
        };
    }

    /**
     * {@code [null, T]} into a column that is not Nullable: a null is the type's zero value — an
     * empty Array or Map, a Tuple of zeros — as the managed service writes it.
     */
    static ValueReader zeroOnNull(int nullBranch, ValueReader value, ColumnEncoder zero) {
        return (in, out) -> {
            if (in.readIndex(2, "a union branch") == nullBranch) {
                zero.encodeZero(out);
            } else {
                value.read(in, out);
            }
        };
    }

    /**
     * An Avro enum: the bytes of each symbol were worked out when the plan was compiled, and so was
     * the error of a symbol the column cannot take (raised only when that symbol comes).
     */
    static ValueReader enumSymbols(byte[][] encoded, ValueConversionException[] failures) {
        int symbols = encoded.length;
        return (in, out) -> {
            int index = in.readIndex(symbols, "an enum symbol");
            byte[] bytes = encoded[index];
            if (bytes == null) {
                throw failures[index].within("");
            }
            out.writeBytes(bytes);
        };
    }

    /** Reads {@code count} items or entries of one block, the first being number {@code first} of the value. */
    @FunctionalInterface
    private interface Block {
        void read(AvroInput in, RowBinaryOutput out, int count, long first) throws ValueConversionException;
    }

    /** An Avro array into {@code Array(T)}. */
    static ValueReader array(ValueReader item, boolean zeroWidthItems) {
        return blocks((in, out, count, first) -> readItems(item, in, out, count, first), zeroWidthItems);
    }

    /** How a map key (Avro: always a string) is written: directly for String keys, else through the key's encoder. */
    static ValueReader mapKey(ColumnEncoder keyEncoder) {
        return keyEncoder == null ? ScalarReaders.BYTES_TO_STRING : ScalarReaders.converting(ScalarReaders.STRING, keyEncoder);
    }

    /** An Avro map into {@code Map(K, V)}. */
    static ValueReader map(ValueReader key, ValueReader value) {
        return blocks((in, out, count, first) -> readEntries(key, value, in, out, count), false);
    }

    /**
     * RowBinary puts the element count first; Avro writes blocks, almost always one, whose count
     * comes first: a single block is written as it is read, several are gathered before the total
     * count is written.
     */
    private static ValueReader blocks(Block block, boolean zeroWidthItems) {
        return (in, out) -> {
            int count = in.readBlockCount(zeroWidthItems);
            int countAt = out.size();
            out.writeVarUInt(count);
            if (count == 0) {
                return;
            }
            int itemsAt = out.size();
            block.read(in, out, count, 0);
            int more = in.readBlockCount(zeroWidthItems);
            if (more == 0) {
                return;
            }
            RowBinaryOutput items = new RowBinaryOutput(Math.max(64, 2 * (out.size() - itemsAt)));
            items.writeBytes(out.array(), itemsAt, out.size() - itemsAt);
            out.truncate(countAt);
            long total = count;
            while (more != 0) {
                block.read(in, items, more, total);
                total += more;
                more = in.readBlockCount(zeroWidthItems);
            }
            out.writeVarUInt(total);
            out.writeBytes(items.array(), 0, items.size());
        };
    }

    private static void readItems(ValueReader item, AvroInput in, RowBinaryOutput out, int count, long first)
            throws ValueConversionException {
        for (int i = 0; i < count; i++) {
            try {
                item.read(in, out);
            } catch (ValueConversionException e) {
                throw e.within("[" + (first + i) + "]");
            }
        }
    }

    private static void readEntries(ValueReader key, ValueReader value, AvroInput in, RowBinaryOutput out, int count)
            throws ValueConversionException {
        for (int i = 0; i < count; i++) {
            int keyAt = in.position();
            try {
                key.read(in, out);
            } catch (ValueConversionException e) {
                throw e.within("[key \"" + keyText(in, keyAt) + "\"]");
            }
            try {
                value.read(in, out);
            } catch (ValueConversionException e) {
                throw e.within("[\"" + keyText(in, keyAt) + "\"]");
            }
        }
    }

    /** The text of the key at {@code at}, for an error's path (read again; the reader has moved on). */
    private static String keyText(AvroInput in, int at) {
        int now = in.position();
        in.position(at);
        int length = in.readLength();
        String text = new String(in.array(), in.position(), Math.min(length, 100), StandardCharsets.UTF_8);
        in.position(now);
        return text;
    }
}
