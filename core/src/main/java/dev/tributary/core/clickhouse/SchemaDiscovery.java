package dev.tributary.core.clickhouse;

import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tributary.core.types.ClickHouseType;

import java.io.IOException;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a table's columns from {@code system.columns} (which every server version has) and the
 * server's version and time zone, and decides the insert format from them.
 */
final class SchemaDiscovery {

    private static final JsonFactory JSON = new JsonFactory();

    private SchemaDiscovery() {
    }

    /**
     * Runs a query and returns its rows as column name → value text ({@code null} for NULL). The
     * rows travel as JSONEachRow, which every server version writes the same way (old servers quote
     * 64-bit numbers, which is why values are read as text).
     */
    static List<Map<String, String>> rows(ClickHouseTransport transport, String sqlWithoutFormat)
            throws ClickHouseException, IOException {
        byte[] output = transport.query(sqlWithoutFormat + " FORMAT JSONEachRow");
        List<Map<String, String>> rows = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(output)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token != JsonToken.START_OBJECT) {
                    throw new IOException("unexpected " + token + " in JSONEachRow output");
                }
                Map<String, String> row = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (value.isStructStart()) {
                        parser.skipChildren();
                        row.put(name, null);
                    } else {
                        row.put(name, value == JsonToken.VALUE_NULL ? null : parser.getText());
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static ServerVersion serverVersion(ClickHouseTransport transport) throws Exception {
        return ServerVersion.parse(rows(transport, "SELECT version() AS version").get(0).get("version"));
    }

    static ZoneId serverTimeZone(ClickHouseTransport transport) throws Exception {
        String zone = rows(transport, "SELECT timezone() AS zone").get(0).get("zone");
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalStateException("the server's time zone '" + zone + "' is unknown to this JVM", e);
        }
    }

    /** All columns of the table, in table order, including the ones an INSERT does not write. */
    static List<TableColumn> columns(ClickHouseTransport transport, String database, String table) throws Exception {
        List<Map<String, String>> rows = rows(transport, 
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
    static TableSchema discover(ClickHouseTransport transport, String database, String table) throws Exception {
        return schemaOf(database, table, serverVersion(transport), serverTimeZone(transport), columns(transport, database, table));
    }

    /** The table's schema now, on the server {@code previous} was read from (version and zone are kept). */
    static TableSchema refresh(ClickHouseTransport transport, TableSchema previous) throws Exception {
        return schemaOf(previous.database(), previous.table(), previous.serverVersion(), previous.serverTimeZone(),
                columns(transport, previous.database(), previous.table()));
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
        if (!version.supportsJsonAsString()) {
            for (TableColumn column : insertable) {
                if (TableSchema.holdsJson(column.type())) {
                    throw new IllegalStateException("column " + column.name() + " of " + database + "." + table + " is "
                            + column.type() + ", but ClickHouse " + version + " cannot read JSON as text in RowBinary"
                            + " (" + TableSchema.JSON_AS_STRING + ", ClickHouse 24.10); upgrade the server or use a String column");
                }
            }
        }
        boolean withDefaults = version.supportsRowBinaryWithDefaults()
                && insertable.stream().anyMatch(TableColumn::hasDefaultExpression);
        return new TableSchema(database, table, insertable, version, zone, withDefaults);
    }
}
