package dev.tributary.kinesis;

import dev.tributary.core.internal.Identifiers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The SQL of {@link ClickHouseCheckpointStore}'s table, in the dialect every server version
 * speaks (18.16 to today): {@code ReplacingMergeTree(version)}, {@code argMax}, {@code VALUES},
 * {@code ALTER TABLE ... ADD COLUMN ... AFTER} (no {@code IF NOT EXISTS}: 18.16 lacks it), the output
 * format named in the statement.
 */
final class CheckpointTable {

    /** The column of the pending ranges (exactly-once delivery), added to tables made before it. */
    static final String PENDING_COLUMN = "pending_ranges";

    private CheckpointTable() {
    }

    static String create(String qualifiedTable) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedTable
                + " (application String, stream String, shard_id String, sequence_number String, " + PENDING_COLUMN
                + " String, version UInt64, updated_at DateTime)"
                + " ENGINE = ReplacingMergeTree(version) ORDER BY (application, stream, shard_id)";
    }

    /** The names of the table's columns, one per line (none if it does not exist); read with {@link #parseColumns}. */
    static String columns(String database, String table) {
        return "SELECT name FROM system.columns WHERE database = " + Identifiers.literal(database) + " AND table = "
                + Identifiers.literal(table) + " FORMAT TabSeparated";
    }

    static Set<String> parseColumns(String tabSeparated) {
        Set<String> names = new HashSet<>();
        for (String line : tabSeparated.split("\n")) {
            if (!line.isEmpty()) {
                names.add(line);
            }
        }
        return names;
    }

    /** Adds the pending-ranges column to a table made before it (old rows read as ""). */
    static String addPendingColumn(String qualifiedTable) {
        return "ALTER TABLE " + qualifiedTable + " ADD COLUMN " + PENDING_COLUMN + " String AFTER sequence_number";
    }

    /**
     * The newest checkpoint of each shard, whether or not the rows were merged yet; read with {@link #parse}.
     * The checkpoint and its pending ranges come from the same row: one {@code argMax} over both, joined by
     * {@code |} (a checkpoint never has one). Without the column (an old table left as it is) none are pending.
     */
    static String select(String qualifiedTable, String application, String stream, boolean withPending) {
        return "SELECT shard_id, argMax(" + (withPending ? "concat(sequence_number, '|', " + PENDING_COLUMN + ")"
                : "sequence_number") + ", version) FROM " + qualifiedTable
                + " WHERE application = " + Identifiers.literal(application) + " AND stream = " + Identifiers.literal(stream)
                + " GROUP BY shard_id FORMAT TabSeparated";
    }

    /** One row per shard, in one statement: a shard's checkpoint and its pending ranges are written together. */
    static String insert(String qualifiedTable, String application, String stream, Map<String, Checkpoint> checkpoints,
                         long version, boolean withPending) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(qualifiedTable)
                .append(" (application, stream, shard_id, sequence_number, ")
                .append(withPending ? PENDING_COLUMN + ", " : "").append("version, updated_at) VALUES");
        String separator = " ";
        for (Map.Entry<String, Checkpoint> entry : checkpoints.entrySet()) {
            sql.append(separator).append('(').append(Identifiers.literal(application)).append(", ")
                    .append(Identifiers.literal(stream)).append(", ").append(Identifiers.literal(entry.getKey()))
                    .append(", ").append(Identifiers.literal(entry.getValue().sequenceNumber())).append(", ");
            if (withPending) {
                sql.append(Identifiers.literal(entry.getValue().pendingRanges())).append(", ");
            }
            sql.append(version).append(", now())");
            separator = ", ";
        }
        return sql.toString();
    }

    /** The output of {@link #select}: shard id → checkpoint (with its pending ranges). */
    static Map<String, Checkpoint> parse(String tabSeparated, String qualifiedTable) {
        Map<String, Checkpoint> checkpoints = new HashMap<>();
        for (String line : tabSeparated.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != 2) {
                throw new IllegalStateException("unexpected row in checkpoint table " + qualifiedTable + ": " + line);
            }
            int bar = fields[1].indexOf('|');
            try {
                checkpoints.put(fields[0], bar < 0 ? new Checkpoint(fields[1])
                        : new Checkpoint(fields[1].substring(0, bar), fields[1].substring(bar + 1)));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("unreadable row in checkpoint table " + qualifiedTable + ": " + line + " ("
                        + e.getMessage() + ")", e);
            }
        }
        return checkpoints;
    }
}
