package dev.tributary.core.clickhouse;

import com.clickhouse.data.ClickHouseFormat;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.metrics.PipelineMetrics;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Makes one sealed batch durable: its rows in the target table (retrying while ClickHouse is
 * unreachable, narrowing a refused batch down to the refused rows) and its failed records, plus
 * the refused rows, in the error table. Runs on the sink's insert threads.
 */
final class BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final ClickHouseGateway gateway;
    private final TableSchema schema;
    private final ClickHouseSink.Config config;
    private final String pipeline;
    private final PipelineMetrics metrics;
    private final String quotedTable;
    private final String quotedErrorTable;
    private final Backoff backoff;
    private final TableChanges tableChanges;
    private final String queryIdPrefix;
    private volatile boolean closed;

    BatchWriter(ClickHouseGateway gateway, TableSchema schema, ClickHouseSink.Config config, String pipeline,
                PipelineMetrics metrics, TableChanges tableChanges) {
        this.gateway = gateway;
        this.schema = schema;
        this.config = config;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.quotedTable = Identifiers.qualified(schema.database(), schema.table());
        this.quotedErrorTable = Identifiers.qualified(schema.database(), config.errorTable);
        this.backoff = new Backoff(config.retryInitial, config.retryMax);
        this.tableChanges = tableChanges;
        // Query ids are unique per sink instance, batch, row range and attempt.
        this.queryIdPrefix = "tributary-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    /** Writes the batch; throws if its records cannot all be made durable. */
    void write(Batch batch) {
        List<ErrorRecord> refused = new ArrayList<>();
        List<ErrorRecord> all = new ArrayList<>(batch.errors);
        Batch pending = batch;
        while (true) {
            try {
                insertRows(pending, 0, pending.rows(), refused);
                break;
            } catch (TableChanged change) {
                // Rows before firstPending are in the table (or refused); the rest are encoded again.
                pending = tableChanges.reencode(pending, change.firstPending, change.schema, () -> closed);
                all.addAll(pending.errors);
            }
        }
        all.addAll(refused);
        if (!all.isEmpty()) {
            writeErrors(batch, all);
        }
    }

    /** Stops retrying: batches still failing fail now instead of waiting for ClickHouse. */
    void close() {
        closed = true;
    }

    private void insertRows(Batch batch, int from, int to, List<ErrorRecord> refused) {
        if (from >= to) {
            return;
        }
        int offset = batch.rowStart(from);
        int length = batch.rowEnd(to - 1) - offset;
        boolean whole = from == 0 && to == batch.rows();
        for (int attempt = 0; ; attempt++) {
            long start = System.nanoTime();
            try {
                if (whole) {
                    checkTable(batch, from); // a changed column must not be sent rows of its old layout
                }
                gateway.insert(quotedTable, insertColumns(batch.schema), batch.data.array(), offset, length,
                        ClickHouseSink.format(batch.schema), queryId(batch, from, to, attempt), config.insertSettings);
                metrics.batchInserted(to - from, length, System.nanoTime() - start);
                if (attempt > 0) {
                    LOG.info("pipeline {}: batch {} rows {}..{} inserted into {} after {} retries", pipeline,
                            batch.sequence, from, to, schema.qualifiedName(), attempt);
                }
                return;
            } catch (TableChanged change) {
                throw change;
            } catch (Exception e) {
                InsertFailure failure = InsertFailure.classify(e);
                if (failure.kind() != InsertFailure.Kind.RETRYABLE
                        && (whole || TableChanges.mayMeanTableChanged(failure.code()))) {
                    checkTableAfterRefusal(batch, from);
                }
                switch (failure.kind()) {
                    case RETRYABLE -> {
                        metrics.insertRetried();
                        LOG.warn("pipeline {}: insert of batch {} ({} rows) into {} failed, retrying (attempt {}): {}",
                                pipeline, batch.sequence, to - from, schema.qualifiedName(), attempt + 1, failure.message());
                        if (!backoff.pause(attempt, () -> closed)) {
                            throw new IllegalStateException("pipeline " + pipeline + ": sink closed while batch "
                                    + batch.sequence + " could not be inserted into " + schema.qualifiedName()
                                    + ": " + failure.message(), e);
                        }
                    }
                    case BAD_DATA -> {
                        if (to - from == 1) {
                            refused.add(new ErrorRecord(System.currentTimeMillis(), batch.origins.get(from), ErrorKind.INSERT,
                                    "ClickHouse refused the row (code " + failure.code() + "): " + failure.message()));
                        } else {
                            int middle = (from + to) >>> 1;
                            LOG.debug("pipeline {}: batch {} rows {}..{} refused, narrowing: {}", pipeline, batch.sequence,
                                    from, to, failure.message());
                            insertRows(batch, from, middle, refused);
                            insertRows(batch, middle, to, refused);
                        }
                        return;
                    }
                    case FATAL -> throw new IllegalStateException("pipeline " + pipeline + ": cannot insert into "
                            + schema.qualifiedName() + " (code " + failure.code() + "): " + failure.message(), e);
                    default -> throw new AssertionError(failure.kind());
                }
            }
        }
    }

    /** Throws {@link TableChanged} if rows {@code from}.. of {@code batch} no longer fit the table. */
    private void checkTable(Batch batch, int from) throws Exception {
        TableSchema now = tableChanges.changedSince(batch.schema);
        if (now != null) {
            throw new TableChanged(from, now);
        }
    }

    /**
     * After a refusal that can mean the table changed: throws {@link TableChanged} if it did. If it
     * did not, or the table cannot be read now, the refusal is taken for what its code says.
     */
    private void checkTableAfterRefusal(Batch batch, int from) {
        try {
            checkTable(batch, from);
        } catch (TableChanged change) {
            throw change;
        } catch (Exception e) {
            LOG.debug("pipeline {}: could not read {} after a refusal: {}", pipeline, schema.qualifiedName(), e.toString());
        }
    }

    /** The quoted column names an insert of rows encoded for {@code schema} names, in order. */
    private static List<String> insertColumns(TableSchema schema) {
        List<String> names = new ArrayList<>(schema.columns().size());
        for (TableColumn column : schema.columns()) {
            names.add(Identifiers.quote(column.name()));
        }
        return names;
    }

    private String queryId(Batch batch, int from, int to, int attempt) {
        String generation = batch.generation == 0 ? "" : "." + batch.generation;
        return queryIdPrefix + batch.sequence + generation + "-" + from + "-" + to + "-" + attempt;
    }

    /** Rows from {@code firstPending} on must be encoded again for {@code schema}, the table as it is now. */
    private static final class TableChanged extends RuntimeException {
        final int firstPending;
        final TableSchema schema;

        TableChanged(int firstPending, TableSchema schema) {
            super("table changed", null, false, false);
            this.firstPending = firstPending;
            this.schema = schema;
        }
    }

    private void writeErrors(Batch batch, List<ErrorRecord> errors) {
        RowBinaryOutput out = new RowBinaryOutput(errors.size() * 256);
        for (ErrorRecord error : errors) {
            ErrorTable.encode(error, pipeline, out);
        }
        for (int attempt = 0; ; attempt++) {
            try {
                gateway.insert(quotedErrorTable, ErrorTable.COLUMNS, out.array(), 0, out.size(), ClickHouseFormat.RowBinary,
                        queryIdPrefix + batch.sequence + "-errors-" + attempt, java.util.Map.of());
                for (ErrorRecord error : errors) {
                    metrics.errorRecorded(error.kind());
                }
                return;
            } catch (Exception e) {
                InsertFailure failure = InsertFailure.classify(e);
                if (failure.kind() != InsertFailure.Kind.RETRYABLE) {
                    throw new IllegalStateException("pipeline " + pipeline + ": cannot write " + errors.size()
                            + " records to the error table " + schema.database() + "." + config.errorTable
                            + "; stopping without committing them: " + failure.message(), e);
                }
                metrics.insertRetried();
                LOG.warn("pipeline {}: writing {} records to the error table failed, retrying (attempt {}): {}",
                        pipeline, errors.size(), attempt + 1, failure.message());
                if (!backoff.pause(attempt, () -> closed)) {
                    throw new IllegalStateException("pipeline " + pipeline + ": sink closed while the error table "
                            + "could not be written: " + failure.message(), e);
                }
            }
        }
    }
}
