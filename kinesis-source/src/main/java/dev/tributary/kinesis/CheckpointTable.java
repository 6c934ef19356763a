package dev.tributary.kinesis;

import dev.tributary.core.clickhouse.Identifiers;

import java.util.HashMap;
import java.util.Map;

/**
 * The SQL of {@link ClickHouseCheckpointStore}'s table, in the dialect every server version
 * speaks (18.16 to today): {@code ReplacingMergeTree(version)}, {@code argMax}, {@code VALUES},
 * the output format named in the statement.
 */
final class CheckpointTable {

    private CheckpointTable() {
    }

    static String create(String qualifiedTable) {
        return "CREATE TABLE IF NOT EXISTS " + qualifiedTable
                + " (application String, stream String, shard_id String, sequence_number String,"
                + " version UInt64, updated_at DateTime)"
                + " ENGINE = ReplacingMergeTree(version) ORDER BY (application, stream, shard_id)";
    }

    /** The newest checkpoint of each shard, whether or not the rows were merged yet; read with {@link #parse}. */
    static String select(String qualifiedTable, String application, String stream) {
        return "SELECT shard_id, argMax(sequence_number, version) FROM " + qualifiedTable
                + " WHERE application = " + Identifiers.literal(application) + " AND stream = " + Identifiers.literal(stream)
                + " GROUP BY shard_id FORMAT TabSeparated";
    }

    static String insert(String qualifiedTable, String application, String stream, Map<String, Checkpoint> checkpoints,
                         long version) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(qualifiedTable)
                .append(" (application, stream, shard_id, sequence_number, version, updated_at) VALUES");
        String separator = " ";
        for (Map.Entry<String, Checkpoint> entry : checkpoints.entrySet()) {
            sql.append(separator).append('(').append(Identifiers.literal(application)).append(", ")
                    .append(Identifiers.literal(stream)).append(", ").append(Identifiers.literal(entry.getKey()))
                    .append(", ").append(Identifiers.literal(entry.getValue().sequenceNumber())).append(", ")
                    .append(version).append(", now())");
            separator = ", ";
        }
        return sql.toString();
    }

    /** The output of {@link #select}: shard id → checkpoint. */
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
            checkpoints.put(fields[0], new Checkpoint(fields[1]));
        }
        return checkpoints;
    }
}
