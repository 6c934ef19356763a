package dev.tributary.core.clickhouse;

import dev.tributary.core.types.ClickHouseType;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a table's columns from {@code system.columns} (which every server version has) and the
 * server's version and time zone, and decides the insert format from them.
 */
final class SchemaDiscovery {

    private SchemaDiscovery() {
    }

    static ServerVersion serverVersion(ClickHouseGateway gateway) throws Exception {
        return ServerVersion.parse(gateway.queryRows("SELECT version() AS version").get(0).get("version"));
    }

    static ZoneId serverTimeZone(ClickHouseGateway gateway) throws Exception {
        String zone = gateway.queryRows("SELECT timezone() AS zone").get(0).get("zone");
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalStateException("the server's time zone '" + zone + "' is unknown to this JVM", e);
        }
    }

    /** All columns of the table, in table order, including the ones an INSERT does not write. */
    static List<TableColumn> columns(ClickHouseGateway gateway, String database, String table) throws Exception {
        List<Map<String, String>> rows = gateway.queryRows(
                "SELECT name, type, default_kind, default_expression FROM system.columns WHERE database = "
                        + Identifiers.literal(database) + " AND table = " + Identifiers.literal(table));
        List<TableColumn> columns = new ArrayList<>(rows.size());
        for (Map<String, String> row : rows) {
            String name = row.get("name");
            ClickHouseType type;
            try {
                type = ClickHouseType.parse(row.get("type"));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("column " + name + " of " + database + "." + table + " has type "
                        + row.get("type") + ", which Tributary cannot write: " + e.getMessage(), e);
            }
            columns.add(new TableColumn(name, type, TableColumn.DefaultKind.parse(row.get("default_kind")),
                    row.get("default_expression")));
        }
        return columns;
    }

    /**
     * The schema the sink inserts with: the insertable columns, and RowBinaryWithDefaults when the
     * server has it and a column has a DEFAULT expression worth asking for.
     */
    static TableSchema discover(ClickHouseGateway gateway, String database, String table) throws Exception {
        return schemaOf(database, table, serverVersion(gateway), serverTimeZone(gateway), columns(gateway, database, table));
    }

    /** The table's schema now, on the server {@code previous} was read from (version and zone are kept). */
    static TableSchema refresh(ClickHouseGateway gateway, TableSchema previous) throws Exception {
        return schemaOf(previous.database(), previous.table(), previous.serverVersion(), previous.serverTimeZone(),
                columns(gateway, previous.database(), previous.table()));
    }

    private static TableSchema schemaOf(String database, String table, ServerVersion version, ZoneId zone,
                                        List<TableColumn> all) {
        if (all.isEmpty()) {
            throw new IllegalStateException("table " + database + "." + table + " does not exist (or the user"
                    + " cannot see it); create it first, or give the sink a CREATE TABLE statement with createTableIfMissing(...)");
        }
        List<TableColumn> insertable = all.stream().filter(TableColumn::isInsertable).toList();
        if (insertable.isEmpty()) {
            throw new IllegalStateException("table " + database + "." + table + " has no column an INSERT can write");
        }
        boolean withDefaults = version.supportsRowBinaryWithDefaults()
                && insertable.stream().anyMatch(TableColumn::hasDefaultExpression);
        return new TableSchema(database, table, insertable, version, zone, withDefaults);
    }
}
