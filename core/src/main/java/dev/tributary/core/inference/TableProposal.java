package dev.tributary.core.inference;

import dev.tributary.core.clickhouse.ClickHouseTables;
import dev.tributary.core.clickhouse.ClickHouseTarget;
import dev.tributary.core.clickhouse.ClickHouseTransport;
import dev.tributary.core.table.ServerVersion;

import java.util.List;
import java.util.Locale;

/**
 * A table proposed from a sample ({@link TableInference}): the columns with their types and
 * reasons, the fields left out, the sorting key, the {@code CREATE TABLE IF NOT EXISTS} text a user
 * can edit, and what the sample held (records, malformed ones). Immutable.
 */
public final class TableProposal {

    private final String sql;
    private final List<ProposedColumn> columns;
    private final List<SkippedField> skipped;
    private final List<String> suggestedOrderBy;
    private final String orderByReason;
    private final int sampled;
    private final int malformed;
    private final List<String> malformedExamples;
    private final ServerVersion serverVersion;
    private final String table;
    private final String database;

    TableProposal(String sql, List<ProposedColumn> columns, List<SkippedField> skipped, List<String> suggestedOrderBy,
                  String orderByReason, int sampled, int malformed, List<String> malformedExamples,
                  ServerVersion serverVersion, String table, String database) {
        this.sql = sql;
        this.columns = List.copyOf(columns);
        this.skipped = List.copyOf(skipped);
        this.suggestedOrderBy = suggestedOrderBy == null ? null : List.copyOf(suggestedOrderBy);
        this.orderByReason = orderByReason;
        this.sampled = sampled;
        this.malformed = malformed;
        this.malformedExamples = List.copyOf(malformedExamples);
        this.serverVersion = serverVersion;
        this.table = table;
        this.database = database;
    }

    /** {@code CREATE TABLE IF NOT EXISTS ...}: the proposal as DDL. */
    public String sql() {
        return sql;
    }

    /** The columns, in table order: the sample's fields (in the order first seen), then the extra and virtual columns. */
    public List<ProposedColumn> columns() {
        return columns;
    }

    /** The fields that got no column, with the reason. */
    public List<SkippedField> skipped() {
        return skipped;
    }

    /** The suggested sorting key's columns (empty: {@code tuple()}), or null when {@code orderBy(...)} was given. */
    public List<String> suggestedOrderBy() {
        return suggestedOrderBy;
    }

    /** Why the sorting key is what it is. */
    public String orderByReason() {
        return orderByReason;
    }

    /** Records in the sample. */
    public int sampled() {
        return sampled;
    }

    /** Records of the sample that are not JSON objects (malformed, tombstones), left out of the inference. */
    public int malformed() {
        return malformed;
    }

    /** The first few malformed records' positions and reasons. */
    public List<String> malformedExamples() {
        return malformedExamples;
    }

    /** The server the types are for. */
    public ServerVersion serverVersion() {
        return serverVersion;
    }

    /**
     * Creates the table on {@code target} unless a table of that name exists there (an existing
     * table is left as it is, whatever its columns). Refuses a server older than the one the types
     * are for, which may lack them.
     *
     * @return true when the table was created, false when it existed
     */
    public boolean createIfMissing(ClickHouseTarget target) throws Exception {
        try (ClickHouseTransport transport = target.open()) {
            ServerVersion actual = ClickHouseTables.serverVersion(transport);
            if (!actual.atLeast(serverVersion.major(), serverVersion.minor())) {
                throw new IllegalStateException("TableInference: the proposal for " + table + " is typed for ClickHouse "
                        + serverVersion + ", but " + target.describe() + " is " + actual + ", which may lack its types;"
                        + " infer it again with serverVersion(\"" + actual.text() + "\")");
            }
            if (ClickHouseTables.exists(transport, database == null ? target.database() : database, table)) {
                return false;
            }
            transport.execute(sql);
            return true;
        }
    }

    /** The proposal for people: what was sampled, each column with its type and reason, the fields left out, the DDL. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "sampled %d record%s%s; types for ClickHouse %s%n", sampled, sampled == 1 ? "" : "s",
                malformed == 0 ? "" : ", " + malformed + " malformed (left out)", serverVersion));
        for (String example : malformedExamples) {
            out.append("  malformed: ").append(example).append('\n');
        }
        int width = columns.stream().mapToInt(column -> column.name().length()).max().orElse(0);
        // Long types (a Tuple of many keys) are not padded to: they would push every reason off the screen.
        int typeWidth = columns.stream().mapToInt(column -> column.type().toString().length()).filter(n -> n <= 50).max().orElse(1);
        out.append("columns:\n");
        for (ProposedColumn column : columns) {
            out.append(String.format(Locale.ROOT, "  %-" + Math.max(width, 1) + "s  %-" + Math.max(typeWidth, 1) + "s  %s%n",
                    column.name(), column.type(), column.reason()));
        }
        for (SkippedField field : skipped) {
            out.append("  left out: ").append(field.name()).append(" (").append(field.reason()).append(")\n");
        }
        out.append("ORDER BY: ").append(orderByReason).append('\n');
        return out.append(sql).append('\n').toString();
    }

    @Override
    public String toString() {
        return sql;
    }
}
