package dev.tributary.core.clickhouse;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * A target table as the sink found it: its insertable columns in table order, the server's version
 * and time zone, and whether rows are sent as RowBinaryWithDefaults (each value preceded by a byte
 * that says "use the column's DEFAULT") or plain RowBinary.
 */
public record TableSchema(String database, String table, List<TableColumn> columns, ServerVersion serverVersion,
                          ZoneId serverTimeZone, boolean withDefaults) {

    public TableSchema {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(table, "table");
        columns = List.copyOf(columns);
        Objects.requireNonNull(serverVersion, "serverVersion");
        Objects.requireNonNull(serverTimeZone, "serverTimeZone");
    }

    /** {@code database.table}, unquoted, for messages. */
    public String qualifiedName() {
        return database + "." + table;
    }

    /**
     * Whether rows encoded for this schema can still be inserted into a table that now has
     * {@code now}: every column they name is still there with the same type and default kind (columns
     * added since are left to the server to fill: rows keep their own insert format).
     */
    public boolean canInsertInto(TableSchema now) {
        java.util.Map<String, TableColumn> present = new java.util.HashMap<>();
        now.columns.forEach(column -> present.put(column.name(), column));
        for (TableColumn column : columns) {
            TableColumn current = present.get(column.name());
            if (current == null || !current.type().equals(column.type()) || current.defaultKind() != column.defaultKind()) {
                return false;
            }
        }
        return true;
    }

    /** The RowBinary format name for inserts. */
    public String insertFormat() {
        return withDefaults ? "RowBinaryWithDefaults" : "RowBinary";
    }
}
