package dev.tributary.core.clickhouse;

import dev.tributary.core.SchemaEvolution.NewColumn;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;

/**
 * Schema evolution, the sink's part: {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS} for each new
 * column (a plain {@code ADD COLUMN} on servers without {@code IF NOT EXISTS}, its "already exists"
 * refusal taken as the column being there), then the table read again from {@code system.columns}: the
 * layout rows are encoded for from then on is what the server really has — another instance may have
 * added the same column first, with another type. A refusal about the column (its name comes from a
 * payload) leaves it out with a WARN; one that says the user may not alter the table stops the pipeline.
 */
final class ColumnAdder {

    private static final Logger LOG = LoggerFactory.getLogger(ColumnAdder.class);

    /** Refusals of a plain ADD COLUMN that mean "a column of that name exists" (DUPLICATE_COLUMN, ILLEGAL_COLUMN). */
    private static final Set<Integer> ALREADY_EXISTS = Set.of(15, 44);
    /** Refusals that mean the user may not alter the table at all (READONLY, ACCESS_DENIED). */
    private static final Set<Integer> NOT_ALLOWED = Set.of(164, 497);

    private ColumnAdder() {
    }

    /** The statement adding {@code column} to {@code table} on {@code version}. */
    static String statement(TableSchema table, NewColumn column) {
        return "ALTER TABLE " + Identifiers.qualified(table.database(), table.table()) + " ADD COLUMN "
                + (table.serverVersion().supportsAddColumnIfNotExists() ? "IF NOT EXISTS " : "")
                + Identifiers.quote(column.name()) + " " + column.type();
    }

    /**
     * Adds {@code columns} to the table {@code current} describes and returns the table read again. A
     * transient failure is retried for about a minute (ClickHouse unreachable); any other is an
     * {@link IllegalStateException} naming the table, the column and the server's answer.
     */
    static TableSchema add(ClickHouseTransport transport, TableSchema current, List<NewColumn> columns, Backoff backoff,
                           String pipeline) {
        for (NewColumn column : columns) {
            String sql = statement(current, column);
            InsertFailure.retryWhileUnreachable(backoff, "add column " + column.name() + " to " + current.qualifiedName(), () -> {
                try {
                    transport.execute(sql);
                    LOG.info("pipeline {}: schema evolution: {}", pipeline, sql);
                } catch (ClickHouseException e) {
                    if (!ALREADY_EXISTS.contains(e.code())) {
                        if (InsertFailure.classify(e).isKnownTransient()) {
                            throw e;
                        }
                        if (NOT_ALLOWED.contains(e.code())) {
                            throw new IllegalStateException("pipeline " + pipeline + ": schema evolution could not add column "
                                    + column + " to " + current.qualifiedName() + " (" + sql + "): " + e.getMessage()
                                    + "; the user needs the ALTER ADD COLUMN grant on the table, or add the column by hand"
                                    + " and leave schemaEvolution unset", e);
                        }
                        // About this column (a name or type the server refuses): the field is left out, not the pipeline stopped.
                        LOG.warn("pipeline {}: schema evolution: {} refused ({}); no column {} is added and its values are"
                                + " ignored", pipeline, sql, e.getMessage(), column.name());
                        return null;
                    }
                    LOG.info("pipeline {}: schema evolution: column {} of {} already exists (another writer added it)",
                            pipeline, column.name(), current.qualifiedName());
                }
                return null;
            });
        }
        TableSchema now = InsertFailure.retryWhileUnreachable(backoff, "read the columns of " + current.qualifiedName(),
                () -> SchemaDiscovery.refresh(transport, current));
        for (NewColumn column : columns) {
            TableColumn found = now.columns().stream().filter(c -> c.name().equals(column.name())).findFirst().orElse(null);
            if (found != null && !found.type().equals(column.type())) {
                LOG.warn("pipeline {}: schema evolution: column {} of {} is {}, not {} (another writer added it first);"
                        + " values are converted to {} (or go to the error table when they do not fit)", pipeline,
                        column.name(), current.qualifiedName(), found.type(), column.type(), found.type());
            }
        }
        return now;
    }
}
