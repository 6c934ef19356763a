package dev.tributary.core.clickhouse;

import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.table.ServerVersion;

import java.util.Objects;

/**
 * Questions about a ClickHouse target asked before a table is written to: the server's version (to
 * type a table for it) and whether a table exists (to make DDL only for a missing one). The same
 * queries the sink asks at open, and they work on 18.16 and on modern servers.
 */
public final class ClickHouseTables {

    private ClickHouseTables() {
    }

    /** {@code SELECT version()} of the target's server. */
    public static ServerVersion serverVersion(ClickHouseTarget target) throws Exception {
        try (ClickHouseTransport transport = target.open()) {
            return serverVersion(transport);
        }
    }

    /** {@code SELECT version()} through an open transport. */
    public static ServerVersion serverVersion(ClickHouseTransport transport) throws Exception {
        return SchemaDiscovery.serverVersion(transport);
    }

    /** Whether {@code database.table} exists ({@code database} null: the target's database). */
    public static boolean exists(ClickHouseTarget target, String database, String table) throws Exception {
        Objects.requireNonNull(table, "table");
        try (ClickHouseTransport transport = target.open()) {
            return exists(transport, database == null ? target.database() : database, table);
        }
    }

    /** Whether {@code database.table} exists, through an open transport. */
    public static boolean exists(ClickHouseTransport transport, String database, String table) throws Exception {
        return !SchemaDiscovery.rows(transport, "SELECT name FROM system.tables WHERE database = "
                + Identifiers.literal(database) + " AND name = " + Identifiers.literal(table)).isEmpty();
    }
}
