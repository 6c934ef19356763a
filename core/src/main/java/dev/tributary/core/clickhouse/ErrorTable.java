package dev.tributary.core.clickhouse;

import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.types.ClickHouseType;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table where records that could not be ingested land, with everything needed to understand
 * and replay them: when, which pipeline, where in the source, why, and the raw key and value bytes.
 */
final class ErrorTable {

    /** The columns the library writes, in this order, with the types it creates them with. */
    private static final Map<String, String> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("time", "DateTime");
        TYPES.put("pipeline", "String");
        TYPES.put("split", "String");
        TYPES.put("position", "String");
        TYPES.put("error_kind", "String");
        TYPES.put("message", "String");
        TYPES.put("raw_key", "Nullable(String)");
        TYPES.put("raw_value", "Nullable(String)");
    }

    /** The columns the library writes, in this order. */
    static final List<String> COLUMNS = List.copyOf(TYPES.keySet());
    /** {@link #COLUMNS} backquoted, as an insert names them. */
    static final List<String> QUOTED_COLUMNS = COLUMNS.stream().map(Identifiers::quote).toList();

    private ErrorTable() {
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS}, with a TTL on {@code time} when {@code ttl} is positive and
     * the server has table TTLs (19.6+); works on every server version.
     */
    static String createStatement(String database, String table, Duration ttl, ServerVersion version) {
        return create(database, table, "MergeTree", ttl, version, "");
    }

    /**
     * {@code CREATE TABLE IF NOT EXISTS} of an error table that deduplicates inserts, for exactly-once
     * delivery: on 22.2+ a MergeTree that keeps the tokens of its last {@link Deduplication#ERROR_TABLE_WINDOW}
     * inserts; before, a ReplicatedMergeTree beside the target's ({@code targetReplica}: its ZooKeeper path
     * and replica name, from {@code system.replicas}), at the target's path + {@code _tributary_errors}.
     */
    static String createDeduplicatingStatement(String database, String table, Duration ttl, ServerVersion version,
                                               String[] targetReplica) {
        if (version.supportsInsertDeduplicationToken()) {
            return create(database, table, "MergeTree", ttl, version, " SETTINGS " + Deduplication.NON_REPLICATED_WINDOW
                    + " = " + Deduplication.ERROR_TABLE_WINDOW);
        }
        if (targetReplica == null) {
            throw new IllegalArgumentException("an error table that deduplicates on ClickHouse " + version
                    + " is Replicated, beside a Replicated target table");
        }
        return create(database, table, "ReplicatedMergeTree(" + Identifiers.literal(targetReplica[0]
                + Deduplication.ERROR_TABLE_ZOOKEEPER_SUFFIX) + ", " + Identifiers.literal(targetReplica[1]) + ")", ttl, version, "");
    }

    private static String create(String database, String table, String engine, Duration ttl, ServerVersion version,
                                 String settings) {
        StringBuilder ddl = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(Identifiers.qualified(database, table))
                .append(" (");
        TYPES.forEach((column, type) -> ddl.append(column).append(' ').append(type).append(", "));
        ddl.setLength(ddl.length() - 2);
        ddl.append(") ENGINE = ").append(engine).append(" ORDER BY (pipeline, time)");
        if (hasTtl(ttl) && version.supportsTableTtl()) {
            ddl.append(" TTL time + INTERVAL ").append(ttl.toSeconds()).append(" SECOND");
        }
        return ddl.append(settings).toString();
    }

    static boolean hasTtl(Duration ttl) {
        return ttl != null && !ttl.isZero();
    }

    /**
     * Checks that an existing error table has every column the library writes, each of a type that
     * takes the bytes it writes (a time zone on {@code time} and {@code LowCardinality} strings are fine).
     *
     * @throws IllegalStateException naming the column, its type, the expected type and the fix
     */
    static void checkColumns(List<TableColumn> present, String database, String table) {
        String qualified = database + "." + table;
        String fix = "; drop the table to let Tributary create it, or name another one with errorTable(...)";
        List<String> names = present.stream().map(TableColumn::name).toList();
        List<String> missing = COLUMNS.stream().filter(column -> !names.contains(column)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("error table " + qualified + " exists but lacks the columns " + missing + fix);
        }
        for (TableColumn column : present) {
            String expected = TYPES.get(column.name());
            if (expected != null && !accepts(expected, column.type())) {
                throw new IllegalStateException("error table " + qualified + ": column " + column.name() + " has type "
                        + column.type() + ", expected " + expected + " (the bytes Tributary writes there would be misread)."
                        + " Fix it with ALTER TABLE " + Identifiers.qualified(database, table) + " MODIFY COLUMN "
                        + Identifiers.quote(column.name()) + " " + expected + fix);
            }
        }
    }

    private static boolean accepts(String expected, ClickHouseType actual) {
        String type = actual.toString();
        if (type.startsWith("LowCardinality(")) {
            type = type.substring("LowCardinality(".length(), type.length() - 1); // same bytes in RowBinary
        }
        if (expected.equals("DateTime")) {
            return actual.kind() == ClickHouseType.Kind.DATETIME; // with or without a time zone: UInt32 seconds
        }
        return type.equals(expected);
    }

    /** Appends one error row in RowBinary, in the order of {@link #COLUMNS}. */
    static void encode(ErrorRecord error, String pipeline, RowBinaryOutput out) {
        encode(error, pipeline, error.timeMillis(), out);
    }

    /**
     * Appends one error row with {@code time} = {@code timeMillis} rather than when the error was seen:
     * exactly-once delivery writes its range's sealing time, so that a replay writes the same row.
     */
    static void encode(ErrorRecord error, String pipeline, long timeMillis, RowBinaryOutput out) {
        out.writeIntLE((int) (timeMillis / 1000)); // DateTime: UInt32 seconds
        out.writeString(pipeline);
        out.writeString(error.origin().position().split());
        out.writeString(error.origin().position().toString());
        out.writeString(error.kind().name());
        out.writeString(error.message()); // already cut to ErrorRecord.MAX_MESSAGE_CHARS
        writeNullableBytes(error.origin().key(), out);
        writeNullableBytes(error.origin().value(), out);
    }

    private static void writeNullableBytes(byte[] bytes, RowBinaryOutput out) {
        if (bytes == null) {
            out.writeByte(1);
        } else {
            out.writeByte(0);
            out.writeVarUInt(bytes.length);
            out.writeBytes(bytes);
        }
    }
}
