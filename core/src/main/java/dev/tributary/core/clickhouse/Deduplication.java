package dev.tributary.core.clickhouse;

import dev.tributary.core.SourcePosition;
import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.table.ServerVersion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Exactly-once delivery on the ClickHouse side: whether a table drops an insert it already has (checked
 * when the sink opens, from {@code system.tables} and {@code system.merge_tree_settings}, which 18.16
 * has too), and the settings and tokens that each insert of a range carries.
 *
 * <p>On 22.2+ every insert names its data by a token made of the table and the positions of its first and
 * last rows ({@code insert_deduplication_token}); a *MergeTree table keeps the tokens of its last
 * {@code non_replicated_deduplication_window} inserts (Replicated/Shared tables: {@code
 * replicated_deduplication_window}). Before 22.2 there are no tokens: only Replicated tables drop an insert,
 * by the hash of its content.
 */
final class Deduplication {

    /** What the sink's error table is created with in exactly-once mode on 22.2+ (the window of the sink's inserts). */
    static final int ERROR_TABLE_WINDOW = 1000;
    /** Appended to the target's ZooKeeper path for the error table it shares a keeper with (servers before 22.2). */
    static final String ERROR_TABLE_ZOOKEEPER_SUFFIX = "_tributary_errors";

    static final String NON_REPLICATED_WINDOW = "non_replicated_deduplication_window";
    static final String REPLICATED_WINDOW = "replicated_deduplication_window";

    /** One {@code name = value} of a SETTINGS clause, right after the previous one. */
    private static final Pattern SETTING =
            Pattern.compile("\\G\\s*,?\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|[^,\\s]+)");

    private Deduplication() {
    }

    /**
     * What the check needs to know of one table.
     *
     * @param engine         {@code system.tables.engine}, e.g. {@code MergeTree}, {@code ReplicatedMergeTree}
     * @param settings       the SETTINGS clause of its {@code CREATE TABLE}, name → value as written
     * @param serverDefaults {@code system.merge_tree_settings}, name → value, for the windows the table does not set
     */
    record TableFacts(String qualifiedName, String engine, Map<String, String> settings, Map<String, String> serverDefaults) {
    }

    /** The insert's token: {@code <db>.<table>/<first position>..<last position>}. */
    static String token(String database, String table, SourcePosition first, SourcePosition last) {
        return database + "." + table + "/" + first + ".." + last;
    }

    /**
     * The settings every insert of a range carries besides the user's: deduplication on, and off
     * {@code async_insert} where the server has it (chDB's default is on: an async insert is deduplicated
     * only with {@code async_insert_deduplicate}, and acknowledged on terms of its own); the token where the
     * server has tokens ({@code token} null otherwise).
     */
    static Map<String, String> insertSettings(Map<String, String> base, boolean serverHasAsyncInsert, String token) {
        Map<String, String> all = new LinkedHashMap<>(base);
        all.put("insert_deduplicate", "1");
        if (serverHasAsyncInsert) {
            all.put("async_insert", "0");
        }
        if (token != null) {
            all.put("insert_deduplication_token", token);
        }
        return all;
    }

    /** Whether the engine keeps its deduplication log in a keeper (and so dedups by content on any version). */
    static boolean replicated(String engine) {
        return engine.startsWith("Replicated") || engine.startsWith("Shared");
    }

    /**
     * Why {@code table} cannot take exactly-once inserts on {@code version}, naming what to change, or null
     * when it can: a *MergeTree engine that deduplicates, with a window of at least {@code requiredWindow}
     * inserts. {@code role} names the table in the message ("target table", "error table").
     */
    static String refusal(TableFacts table, ServerVersion version, int requiredWindow, String role) {
        String engine = table.engine();
        String name = table.qualifiedName();
        if (engine == null || !engine.endsWith("MergeTree")) {
            return "exactly-once delivery needs the " + role + " " + name + " to be of the MergeTree family, which"
                    + " deduplicates inserts, but its engine is " + engine + " (Distributed, Buffer, Memory, Null, views"
                    + " and logs do not); write to the MergeTree table itself, or use deliveryGuarantee(AT_LEAST_ONCE)";
        }
        boolean replicated = replicated(engine);
        if (!replicated && !version.supportsInsertDeduplicationToken()) {
            return "exactly-once delivery on ClickHouse " + version + " (before 22.2) needs the " + role + " " + name
                    + " to be Replicated (ReplicatedMergeTree family): only those deduplicate inserts there, by their"
                    + " content; its engine is " + engine + ". Recreate it as Replicated" + engine + "('/clickhouse/tables/"
                    + "{shard}/" + name + "', '{replica}'), upgrade the server to 22.2+, or use deliveryGuarantee(AT_LEAST_ONCE)";
        }
        String setting = replicated ? REPLICATED_WINDOW : NON_REPLICATED_WINDOW;
        long window = window(table, setting);
        if (window < requiredWindow) {
            String alter = "ALTER TABLE " + name + " MODIFY SETTING " + setting + " = " + Math.max(ERROR_TABLE_WINDOW, requiredWindow);
            if (window <= 0) {
                return "exactly-once delivery needs the " + role + " " + name + " to deduplicate inserts, but its "
                        + setting + " is " + window + (table.settings().containsKey(setting) ? "" : " (the server's default)")
                        + ", which keeps none; run " + alter + " (or create it with SETTINGS " + setting + " = "
                        + Math.max(ERROR_TABLE_WINDOW, requiredWindow) + "), or use deliveryGuarantee(AT_LEAST_ONCE)";
            }
            return "exactly-once delivery needs the " + role + " " + name + " to remember at least " + requiredWindow
                    + " inserts (2 x (maxInFlightBatches + 1)), but its " + setting + " is " + window + "; run " + alter
                    + ", or lower maxInFlightBatches";
        }
        return null;
    }

    /** The table's own value of {@code setting}, else the server's default, else 0. */
    static long window(TableFacts table, String setting) {
        String value = table.settings().get(setting);
        if (value == null) {
            value = table.serverDefaults().get(setting);
        }
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(unquote(value).trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The least window a table needs for a sink with {@code maxInFlightBatches}. */
    static int requiredWindow(int maxInFlightBatches) {
        return 2 * (maxInFlightBatches + 1);
    }

    /** The settings of a {@code CREATE TABLE}'s SETTINGS clause (the last one: columns come before it), name → value. */
    static Map<String, String> settingsOf(String createTableQuery) {
        Map<String, String> settings = new LinkedHashMap<>();
        int at = createTableQuery == null ? -1 : createTableQuery.lastIndexOf(" SETTINGS ");
        if (at < 0) {
            return settings;
        }
        Matcher matcher = SETTING.matcher(createTableQuery.substring(at + " SETTINGS ".length()));
        while (matcher.find()) { // up to what is not a setting (a COMMENT)
            settings.put(matcher.group(1), matcher.group(2));
        }
        return settings;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("'") && value.endsWith("'") ? value.substring(1, value.length() - 1) : value;
    }

    /** Reads what {@link #refusal} needs of {@code database.table}; engine null when the table does not exist. */
    static TableFacts read(ClickHouseTransport transport, String database, String table) throws Exception {
        List<Map<String, String>> rows = SchemaDiscovery.rows(transport, "SELECT engine, create_table_query FROM system.tables"
                + " WHERE database = " + Identifiers.literal(database) + " AND name = " + Identifiers.literal(table));
        String engine = rows.isEmpty() ? null : rows.get(0).get("engine");
        Map<String, String> settings = rows.isEmpty() ? Map.of() : settingsOf(rows.get(0).get("create_table_query"));
        Map<String, String> defaults = new LinkedHashMap<>();
        for (Map<String, String> row : SchemaDiscovery.rows(transport, "SELECT name, value FROM system.merge_tree_settings"
                + " WHERE name IN (" + Identifiers.literal(NON_REPLICATED_WINDOW) + ", " + Identifiers.literal(REPLICATED_WINDOW) + ")")) {
            defaults.put(row.get("name"), row.get("value"));
        }
        return new TableFacts(Identifiers.qualified(database, table), engine, settings, defaults);
    }

    /** Where a Replicated table keeps its log: ZooKeeper path and replica name, from {@code system.replicas}; null if it is not one. */
    static String[] replicaOf(ClickHouseTransport transport, String database, String table) throws Exception {
        List<Map<String, String>> rows = SchemaDiscovery.rows(transport, "SELECT zookeeper_path, replica_name FROM system.replicas"
                + " WHERE database = " + Identifiers.literal(database) + " AND table = " + Identifiers.literal(table));
        return rows.isEmpty() ? null : new String[] {rows.get(0).get("zookeeper_path"), rows.get(0).get("replica_name")};
    }

    /** The value of a server setting for this session ({@code system.settings}), or null when the server has no such setting. */
    static String serverSetting(ClickHouseTransport transport, String name) throws Exception {
        List<Map<String, String>> rows = SchemaDiscovery.rows(transport, "SELECT value FROM system.settings WHERE name = "
                + Identifiers.literal(name));
        return rows.isEmpty() ? null : rows.get(0).get("value");
    }
}
