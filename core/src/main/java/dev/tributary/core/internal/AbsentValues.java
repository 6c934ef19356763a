package dev.tributary.core.internal;

import dev.tributary.core.MappingException;
import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;

/**
 * What a column gets when its value is missing from the record, or null for a column that is not
 * Nullable — the rule of {@link DefaultSchemaMapper}, for mappers that read values straight from
 * the bytes (Avro's, Protobuf's): the column's DEFAULT under RowBinaryWithDefaults where it has one,
 * else NULL for a Nullable column, else the type's zero value (or, in strict mode, an error).
 */
public final class AbsentValues {

    private AbsentValues() {
    }

    /**
     * Appends {@code column}'s value for an absent one ({@code missing}, or null).
     *
     * @param withDefaults     whether rows are RowBinaryWithDefaults (each value after a "use DEFAULT" byte)
     * @param useServerDefault whether the column has a DEFAULT the server fills in under that format
     */
    public static void write(TableColumn column, ColumnEncoder encoder, boolean missing, boolean withDefaults,
                             boolean useServerDefault, boolean strict, RowBinaryOutput out) throws MappingException {
        boolean nullable = column.type().isNullable();
        if (missing || !nullable) {
            if (useServerDefault) {
                out.writeByte(1); // RowBinaryWithDefaults: "use the column's DEFAULT"
                return;
            }
            if (strict && !nullable) {
                throw new MappingException(column.name(), (missing ? "missing" : "null") + " value for " + column.type()
                        + " column without a DEFAULT (strict mode)");
            }
        }
        if (withDefaults) {
            out.writeByte(0);
        }
        encoder.encodeZero(out); // NULL for a Nullable column
    }
}
