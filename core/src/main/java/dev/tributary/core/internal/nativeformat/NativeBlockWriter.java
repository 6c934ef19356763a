package dev.tributary.core.internal.nativeformat;

import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NestedType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.TupleType;
import dev.tributary.core.types.VariantType;

import java.util.List;
import java.util.Objects;

/**
 * Turns rows encoded as RowBinary (or RowBinaryWithDefaults) for a table's columns into one block
 * of ClickHouse's Native format: the number of columns and of rows (varints), then per column its
 * name, its type's text and its values in the type's Native serialization. Compiled once per
 * table layout ({@link #forColumns}); values are copied, never decoded. Not thread-safe: it keeps
 * its buffers from block to block.
 *
 * <p>Native has no "use the DEFAULT" byte. With {@code defaultsAsNull}, a column where some row of
 * the block uses its DEFAULT is sent as {@code Nullable(T)} (or {@code LowCardinality(Nullable(T))})
 * with NULL in those rows, which a server with {@code input_format_null_as_default = 1} replaces by
 * the DEFAULT expression; a block that needs a DEFAULT it cannot carry so is not written
 * ({@link #write} returns false) and goes as RowBinaryWithDefaults.
 */
public final class NativeBlockWriter {

    private final String[] names;
    private final ClickHouseType[] types;
    /** Per column, the type text when some row uses its DEFAULT; null where NULL cannot stand for it. */
    private final String[] typesWithDefaults;
    private final NativeColumn[] columns;
    private final RowBinaryOutput[] defaultMaps;
    private final boolean[] usesDefault;
    private final boolean defaultFlags;
    private final boolean defaultsAsNull;

    private NativeBlockWriter(List<String> names, List<ClickHouseType> types, boolean defaultFlags, boolean defaultsAsNull) {
        if (names.size() != types.size() || names.isEmpty()) {
            throw new IllegalArgumentException(names.size() + " names for " + types.size() + " types");
        }
        int count = names.size();
        this.names = names.toArray(new String[0]);
        this.types = types.toArray(new ClickHouseType[0]);
        this.typesWithDefaults = new String[count];
        this.columns = new NativeColumn[count];
        this.defaultMaps = new RowBinaryOutput[count];
        this.usesDefault = new boolean[count];
        this.defaultFlags = defaultFlags;
        this.defaultsAsNull = defaultsAsNull;
        for (int i = 0; i < count; i++) {
            ClickHouseType type = Objects.requireNonNull(this.types[i], "type");
            if (!supports(type)) {
                throw new IllegalArgumentException("column " + names.get(i) + ": " + type + " is not written as Native");
            }
            columns[i] = NativeColumn.forType(type);
            typesWithDefaults[i] = nullableText(type);
            defaultMaps[i] = defaultFlags ? new RowBinaryOutput(256) : null;
        }
    }

    /** A writer for rows encoded for {@code schema} (not thread-safe: one per insert thread). */
    public static NativeBlockWriter forSchema(TableSchema schema) {
        return forColumns(schema.columns().stream().map(TableColumn::name).toList(),
                schema.columns().stream().map(TableColumn::type).toList(), schema.withDefaults(), schema.nativeDefaultsAsNull());
    }

    /**
     * A writer for rows of these columns (names unquoted, in the rows' order). {@code defaultFlags}:
     * the rows are RowBinaryWithDefaults (a byte before each value, 1 = use the DEFAULT, then no value);
     * {@code defaultsAsNull}: the server takes NULL for the DEFAULT in a Native block.
     *
     * @throws IllegalArgumentException for a type not written as Native ({@link #supports})
     */
    public static NativeBlockWriter forColumns(List<String> names, List<ClickHouseType> types, boolean defaultFlags,
                                               boolean defaultsAsNull) {
        return new NativeBlockWriter(List.copyOf(names), List.copyOf(types), defaultFlags, defaultsAsNull);
    }

    /**
     * Whether values of {@code type} can be written as Native. Not JSON (anywhere inside): its
     * Native serialization is the engine's typed paths, while the encoders write JSON as text.
     */
    public static boolean supports(ClickHouseType type) {
        return switch (type.kind()) {
            case JSON -> false;
            case NULLABLE -> supports(((NullableType) type).element());
            case LOW_CARDINALITY -> supports(((LowCardinalityType) type).element());
            case ARRAY -> supports(((ArrayType) type).element());
            case MAP -> supports(((MapType) type).key()) && supports(((MapType) type).value());
            case TUPLE -> ((TupleType) type).types().stream().allMatch(NativeBlockWriter::supports);
            case NESTED -> ((NestedType) type).types().stream().allMatch(NativeBlockWriter::supports);
            case VARIANT -> ((VariantType) type).types().stream().allMatch(NativeBlockWriter::supports);
            default -> true;
        };
    }

    /** {@code Nullable(T)} or {@code LowCardinality(Nullable(T))} as text, or null where the type cannot hold a NULL for a DEFAULT. */
    private static String nullableText(ClickHouseType type) {
        try {
            return switch (type.kind()) {
                case NULLABLE, ARRAY, MAP, TUPLE, NESTED, VARIANT, JSON -> null;
                case LOW_CARDINALITY -> type.isNullable() ? null
                        : new LowCardinalityType(new NullableType(((LowCardinalityType) type).element())).toString();
                default -> new NullableType(type).toString();
            };
        } catch (IllegalArgumentException e) {
            return null; // a type Nullable cannot wrap
        }
    }

    /**
     * Appends to {@code out} one Native block of the {@code rowCount} rows at {@code rows[offset..offset+length)}.
     * Returns false, with {@code out} as it was, when a row uses a DEFAULT that the block cannot carry
     * (see the class comment): such rows go as RowBinaryWithDefaults.
     *
     * @throws IllegalArgumentException if the bytes are not {@code rowCount} rows of these columns
     */
    public boolean write(byte[] rows, int offset, int length, int rowCount, RowBinaryOutput out) {
        int count = columns.length;
        for (int i = 0; i < count; i++) {
            columns[i].reset();
            usesDefault[i] = false;
            if (defaultFlags) {
                defaultMaps[i].reset();
            }
        }
        int end = offset + length;
        int pos = offset;
        try {
            for (int row = 0; row < rowCount; row++) {
                for (int i = 0; i < count; i++) {
                    if (defaultFlags) {
                        if (rows[pos++] != 0) {
                            if (!defaultsAsNull || typesWithDefaults[i] == null) {
                                return false;
                            }
                            usesDefault[i] = true;
                            defaultMaps[i].writeByte(1);
                            columns[i].appendDefault();
                            continue;
                        }
                        defaultMaps[i].writeByte(0);
                    }
                    pos = columns[i].read(rows, pos);
                }
            }
        } catch (IndexOutOfBoundsException | ArithmeticException e) {
            throw new IllegalArgumentException("not " + rowCount + " rows of RowBinary: the bytes end inside a value", e);
        }
        if (pos != end) {
            throw new IllegalArgumentException("not " + rowCount + " rows of RowBinary: they end at " + (pos - offset)
                    + " of " + length + " bytes");
        }
        out.writeVarUInt(count);
        out.writeVarUInt(rowCount);
        for (int i = 0; i < count; i++) {
            out.writeString(names[i]);
            boolean wrapped = usesDefault[i];
            out.writeString(wrapped ? typesWithDefaults[i] : types[i].toString());
            if (rowCount == 0) {
                continue; // the server writes no data for an empty block
            }
            columns[i].writePrefix(out);
            if (wrapped && !(columns[i] instanceof NativeColumn.LowCardinality)) {
                out.writeBytes(defaultMaps[i].array(), 0, defaultMaps[i].size()); // the null map; LowCardinality has the NULL slot
            }
            columns[i].writeData(out);
        }
        return true;
    }
}
