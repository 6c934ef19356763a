package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.PendingRange;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.internal.nativeformat.NativeBlockWriter;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes one sealed batch durable: its rows in the target table (retrying while ClickHouse is
 * unreachable, narrowing a refused batch down to the refused rows) and its failed records, plus
 * the refused rows, in the error table. Rows that no longer fit a table that changed are encoded
 * again for it ({@link TableChanges}). Runs on the sink's insert threads.
 *
 * <p>Exactly-once ({@link ExactlyOnce}): a batch holds one split's range; every insert, of rows and of
 * error rows, carries {@code insert_deduplicate=1} and, on 22.2+, a token made of the positions of its
 * first and last rows ({@link Deduplication#token}), so that writing the range again, narrowed the same
 * way, is dropped by the server insert by insert. Narrowing and splitting for the data or the spread of
 * rows are what the server's answers make them, the same on a replay; a memory or time limit (241, 159)
 * depends on the server's load, so in this mode it is retried, never split on.
 */
final class BatchWriter {

    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);

    private final ClickHouseTransport transport;
    private final TableSchema schema;
    private final ClickHouseSink.Config config;
    private final String pipeline;
    private final MetricsRecorder metrics;
    private final String quotedTable;
    private final String quotedErrorTable;
    private final Backoff backoff;
    private final TableChanges tableChanges;
    private final String queryIdPrefix;
    private final ErrorRateWindow errorRate;
    private final AtomicLong queryCounter = new AtomicLong();
    /** Native block writers with their block buffers, one per batch being written, recycled. */
    private final ConcurrentLinkedQueue<NativeBlocks> nativeBlocks = new ConcurrentLinkedQueue<>();
    /** Set once a Native block was refused where the same rows as RowBinary landed: RowBinary from then on. */
    private volatile boolean nativeRefused;
    private volatile boolean closed;
    /** Exactly-once delivery's settings; null for at-least-once. */
    private final ExactlyOnce exactlyOnce;

    /**
     * How inserts are deduplicated in exactly-once mode.
     *
     * @param tokens       whether the server takes {@code insert_deduplication_token} (22.2+)
     * @param asyncInsert  whether the server has {@code async_insert} (then it is sent off)
     */
    record ExactlyOnce(boolean tokens, boolean asyncInsert) {
    }

    BatchWriter(ClickHouseTransport transport, TableSchema schema, ClickHouseSink.Config config, String pipeline,
                MetricsRecorder metrics, TableChanges tableChanges) {
        this(transport, schema, config, pipeline, metrics, tableChanges, null);
    }

    BatchWriter(ClickHouseTransport transport, TableSchema schema, ClickHouseSink.Config config, String pipeline,
                MetricsRecorder metrics, TableChanges tableChanges, ExactlyOnce exactlyOnce) {
        this.transport = transport;
        this.schema = schema;
        this.config = config;
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.quotedTable = Identifiers.qualified(schema.database(), schema.table());
        this.quotedErrorTable = Identifiers.qualified(schema.database(), config.errorTable);
        this.backoff = new Backoff(config.retryInitial, config.retryMax);
        this.tableChanges = tableChanges;
        this.errorRate = config.errorToleranceWindow > 0
                ? new ErrorRateWindow(config.errorToleranceShare, config.errorToleranceWindow) : null;
        // Query ids are unique per sink instance, batch, row range and attempt.
        this.queryIdPrefix = "tributary-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        this.exactlyOnce = exactlyOnce;
    }

    /** Writes the batch; throws if its records cannot all be made durable. */
    void write(Batch batch) {
        write(batch, null);
    }

    /**
     * Writes the batch of one split's {@code range} (exactly-once mode; null otherwise: then the error
     * rows carry the time their errors were seen); throws if its records cannot all be made durable.
     */
    void write(Batch batch, PendingRange range) {
        RetryBudget budget = new RetryBudget(config.retryBudget);
        List<ErrorRecord> refused = new ArrayList<>();
        List<ErrorRecord> failed = new ArrayList<>(batch.errors);
        NativeBlocks blocks = nativeBlocks.poll();
        Attempt attempt = new Attempt(batch, blocks != null ? blocks : new NativeBlocks());
        try {
            while (true) {
                try {
                    insertRows(attempt, 0, batch.rows(), refused, budget);
                    break;
                } catch (TableChanged change) {
                    // What landed or was refused stays so; the other rows are encoded again for the table now.
                    Batch again = tableChanges.reencode(attempt.batch, attempt.unsettledRecords(), change.schema, () -> closed);
                    failed.addAll(again.errors);
                    attempt = new Attempt(again, attempt.blocks);
                }
            }
        } finally {
            attempt.blocks.forget();
            nativeBlocks.add(attempt.blocks);
        }
        checkErrorRate(batch, failed.size() + refused.size(), refused);
        failed.addAll(refused);
        if (!failed.isEmpty()) {
            writeErrors(batch, failed, budget, range);
        }
    }

    /** A batch being inserted, and which of its rows are settled: in the table, or refused alone. */
    private static final class Attempt {
        final Batch batch;
        final BitSet settled = new BitSet();
        final NativeBlocks blocks;

        Attempt(Batch batch, NativeBlocks blocks) {
            this.batch = batch;
            this.blocks = blocks;
        }

        List<dev.tributary.core.SourceRecord> unsettledRecords() {
            return batch.originsExcept(settled);
        }
    }

    /** Stops retrying: batches still failing fail now instead of waiting for ClickHouse. */
    void close() {
        closed = true;
    }

    /**
     * Inserts rows {@code from..to} until they land: retries what says "later" (within the budget),
     * splits what is refused for its size, and narrows what is refused for its data down to the
     * refused rows, which are collected in {@code refused}.
     */
    private void insertRows(Attempt attempt, int from, int to, List<ErrorRecord> refused, RetryBudget budget) {
        if (from >= to) {
            return;
        }
        Batch batch = attempt.batch;
        int sizeLimitFailures = 0; // consecutive refusals that a smaller insert may pass
        for (int tries = 0; ; tries++) {
            InsertFailure failure = tryInsert(attempt, from, to, tries);
            if (failure == null) {
                return;
            }
            if (failure.kind() != InsertFailure.Kind.RETRYABLE
                    && (from == 0 && to == batch.rows() || TableChanges.mayMeanTableChanged(failure.code()))) {
                checkTableAfterRefusal(batch);
            }
            if (failure.kind() == InsertFailure.Kind.BAD_DATA) {
                if (to - from == 1) {
                    refuse(attempt, from, failure, refused);
                    return;
                }
                failure = narrow(attempt, from, to, refused, budget);
                if (failure == null) {
                    return;
                }
                // Both halves failed for the same reason, and not for their data: the refusal was not
                // about the rows after all. Nothing of the range landed; it is retried whole.
                LOG.warn("pipeline {}: batch {} rows {}..{}: both halves failed with {}; not narrowing further",
                        pipeline, batch.sequence, from, to, failure.describe());
            }
            switch (failure.kind()) {
                case TOO_LARGE -> {
                    if (to - from == 1) {
                        refuse(attempt, from, failure, refused); // one row too large for the server on its own
                    } else {
                        split(attempt, from, to, refused, budget, failure);
                    }
                    return;
                }
                case RETRYABLE -> {
                    // Not in exactly-once mode: whether the limit repeats depends on the load, so a replay
                    // could cut the range elsewhere, under other tokens.
                    if (exactlyOnce == null && failure.smallerInsertMayPass() && ++sizeLimitFailures >= 2 && to - from > 1) {
                        split(attempt, from, to, refused, budget, failure); // the same limit again: deterministic
                        return;
                    }
                    if (!failure.smallerInsertMayPass()) {
                        sizeLimitFailures = 0;
                    }
                    awaitRetry(batch, schema.qualifiedName(), "rows " + from + ".." + to + " of batch " + batch.sequence + " into "
                            + schema.qualifiedName(), failure, tries, budget);
                }
                case FATAL -> throw new IllegalStateException("pipeline " + pipeline + ": cannot insert into "
                        + schema.qualifiedName() + " (code " + failure.code() + "): " + failure.message(), failure.cause());
                default -> throw new AssertionError(failure.kind());
            }
        }
    }

    /** The user's insert settings and what the rows' encoding sent as {@code format} needs (which wins: the rows are already written). */
    private Map<String, String> insertSettings(TableSchema schema, String insertFormat) {
        Map<String, String> format = schema.formatSettings(insertFormat);
        if (format.isEmpty()) {
            return config.insertSettings;
        }
        Map<String, String> all = new LinkedHashMap<>(config.insertSettings);
        all.putAll(format);
        return all;
    }

    /** The settings of the insert of rows {@code from..to}: with their deduplication token in exactly-once mode. */
    private Map<String, String> settings(Batch batch, int from, int to, String format) {
        Map<String, String> settings = insertSettings(batch.schema, format);
        if (exactlyOnce == null) {
            return settings;
        }
        String token = exactlyOnce.tokens() ? Deduplication.token(schema.database(), schema.table(),
                batch.origin(from).position(), batch.origin(to - 1).position()) : null;
        return Deduplication.insertSettings(settings, exactlyOnce.asyncInsert(), token);
    }

    /**
     * One insert of rows {@code from..to}, naming the columns they were encoded for; null when it
     * landed, else why not. Before a whole batch goes, the table is checked: rows of a layout the
     * table no longer has must not reach it ({@link TableChanged}). Sent as a Native block where the
     * schema allows ({@link #nativeBlock}); a block refused with a fatal code (or 368, 49) is tried again
     * as RowBinary at once.
     */
    private InsertFailure tryInsert(Attempt attempt, int from, int to, int tries) {
        Batch batch = attempt.batch;
        long start = System.nanoTime();
        int sent;
        try {
            if (from == 0 && to == batch.rows()) {
                checkTable(batch);
            }
            sent = insert(attempt, from, to, nativeBlock(attempt, from, to));
        } catch (TableChanged change) {
            throw change;
        } catch (NativeRefused refusal) {
            // A block names each column's type: its refusal can mean a column was retyped since the
            // check (then the rows are encoded again, TableChanged). Else the rows are judged as the
            // server reads them as RowBinary: a refusal of the block alone must not send rows to the
            // error table, nor fail the batch.
            checkTableAfterRefusal(batch);
            try {
                sent = insert(attempt, from, to, false);
            } catch (Exception e) {
                return InsertFailure.classify(e);
            }
            if (!nativeRefused) {
                nativeRefused = true;
                LOG.warn("pipeline {}: ClickHouse refused a Native block of rows {}..{} of batch {} ({}) but took the same"
                        + " rows as {}; this sink sends {} from now on", pipeline, from, to, batch.sequence,
                        refusal.failure.describe(), batch.schema.insertFormat(), batch.schema.insertFormat());
            }
        } catch (Exception e) {
            return InsertFailure.classify(e);
        }
        attempt.settled.set(from, to);
        metrics.batchInserted(schema.qualifiedName(), to - from, sent, System.nanoTime() - start);
        if (tries > 0) {
            LOG.info("pipeline {}: batch {} rows {}..{} inserted into {} after {} retries", pipeline,
                    batch.sequence, from, to, schema.qualifiedName(), tries);
        }
        return null;
    }

    /**
     * Whether rows {@code from..to} go as a Native block (then built in {@code attempt.blocks}, or
     * kept from the previous try of the same range). Single rows go as RowBinary: narrowing ends on
     * one row, which goes to the error table only if the server refuses it as the format it was
     * encoded in, so that nothing about the block alone can ever refuse a row.
     */
    private boolean nativeBlock(Attempt attempt, int from, int to) {
        Batch batch = attempt.batch;
        if (to - from < 2 || nativeRefused || !ClickHouseSink.sendsNative(config, batch.schema)) {
            return false;
        }
        return attempt.blocks.build(batch, from, to, pipeline);
    }

    /** Inserts rows {@code from..to} as a Native block ({@code asNative}, built) or as they are encoded; returns the bytes sent. */
    private int insert(Attempt attempt, int from, int to, boolean asNative) throws Exception {
        Batch batch = attempt.batch;
        byte[] bytes;
        int offset;
        int length;
        String format;
        if (asNative) {
            bytes = attempt.blocks.block.array();
            offset = 0;
            length = attempt.blocks.block.size();
            format = TableSchema.NATIVE;
        } else {
            bytes = batch.data.array();
            offset = batch.rowStart(from);
            length = batch.rowEnd(to - 1) - offset;
            format = ClickHouseSink.format(batch.schema);
        }
        try {
            transport.insert(quotedTable, insertColumns(batch.schema), bytes, offset, length, format,
                    queryId(batch, from, to), settings(batch, from, to, format));
        } catch (Exception e) {
            InsertFailure failure = asNative ? InsertFailure.classify(e) : null;
            // Refusals for the rows' data are narrowed as usual (single rows go as RowBinary). One that would fail
            // the batch, or that would be retried although it cannot pass (368 BAD_CAST: how 18.x refuses a block
            // column typed unlike the table's; 49 LOGICAL_ERROR), is first checked against the same rows as RowBinary.
            if (failure != null && (failure.kind() == InsertFailure.Kind.FATAL || failure.code() == 368 || failure.code() == 49)) {
                throw new NativeRefused(failure);
            }
            throw e;
        }
        return length;
    }

    /** A Native block refused for a reason that would fail the batch or retry it for ever: the same rows are tried as RowBinary. */
    private static final class NativeRefused extends Exception {
        final InsertFailure failure;

        NativeRefused(InsertFailure failure) {
            super(failure.describe(), null, false, false);
            this.failure = failure;
        }
    }

    /**
     * A Native block writer for one table layout and its block buffer, lent to one batch at a time.
     * It keeps the last block it built (batch, range), so that retries of that range send it again.
     */
    private static final class NativeBlocks {
        final RowBinaryOutput block = new RowBinaryOutput(1 << 16);
        private TableSchema schema;
        private NativeBlockWriter writer;
        private Batch builtFor;
        private int builtFrom;
        private int builtTo;
        private boolean built;

        /** Builds the block of rows {@code from..to} (unless it holds it); false when those rows must go as RowBinary. */
        boolean build(Batch batch, int from, int to, String pipeline) {
            if (builtFor == batch && builtFrom == from && builtTo == to) {
                return built;
            }
            if (!batch.schema.equals(schema)) {
                writer = NativeBlockWriter.forSchema(batch.schema);
                schema = batch.schema;
            }
            block.reset();
            int offset = batch.rowStart(from);
            try {
                built = writer.write(batch.data.array(), offset, batch.rowEnd(to - 1) - offset, to - from, block);
            } catch (IllegalArgumentException e) {
                // Cannot happen with rows of the encoders; if it does, the rows still go, as RowBinary.
                LOG.warn("pipeline {}: could not make a Native block of rows {}..{} of batch {}; sending them as {}: {}",
                        pipeline, from, to, batch.sequence, batch.schema.insertFormat(), e.toString());
                built = false;
            }
            builtFor = batch;
            builtFrom = from;
            builtTo = to;
            return built;
        }

        /** Drops the reference to the batch (its buffer is recycled), keeping the writer and buffers. */
        void forget() {
            builtFor = null;
        }
    }

    /**
     * Narrows down a range the server refused as bad data: each half is tried once and narrowed in
     * turn. Returns null when every row of the range landed or was refused alone; returns the failure
     * when both halves failed for the same reason that is not about their data (then nothing of the
     * range landed). A half that failed for another such reason alone is inserted on its own.
     */
    private InsertFailure narrow(Attempt attempt, int from, int to, List<ErrorRecord> refused, RetryBudget budget) {
        int middle = (from + to) >>> 1;
        LOG.debug("pipeline {}: batch {} rows {}..{} refused for their data, narrowing", pipeline, attempt.batch.sequence,
                from, to);
        InsertFailure left = tryOrNarrow(attempt, from, middle, refused, budget);
        InsertFailure right = tryOrNarrow(attempt, middle, to, refused, budget);
        if (left != null && right != null && left.sameReasonAs(right)) {
            return right;
        }
        if (left != null) {
            insertRows(attempt, from, middle, refused, budget);
        }
        if (right != null) {
            insertRows(attempt, middle, to, refused, budget);
        }
        return null;
    }

    private InsertFailure tryOrNarrow(Attempt attempt, int from, int to, List<ErrorRecord> refused, RetryBudget budget) {
        InsertFailure failure = tryInsert(attempt, from, to, 0);
        if (failure == null || failure.kind() != InsertFailure.Kind.BAD_DATA) {
            return failure;
        }
        if (TableChanges.mayMeanTableChanged(failure.code())) {
            checkTableAfterRefusal(attempt.batch);
        }
        if (to - from == 1) {
            refuse(attempt, from, failure, refused);
            return null;
        }
        return narrow(attempt, from, to, refused, budget);
    }

    /** Inserts the two halves of a range the server refused as too large for one insert. */
    private void split(Attempt attempt, int from, int to, List<ErrorRecord> refused, RetryBudget budget, InsertFailure failure) {
        int middle = (from + to) >>> 1;
        LOG.info("pipeline {}: batch {} rows {}..{} refused as one insert ({}); inserting it in two halves",
                pipeline, attempt.batch.sequence, from, to, failure.describe());
        insertRows(attempt, from, middle, refused, budget);
        insertRows(attempt, middle, to, refused, budget);
    }

    private void refuse(Attempt attempt, int row, InsertFailure failure, List<ErrorRecord> refused) {
        attempt.settled.set(row);
        refused.add(new ErrorRecord(System.currentTimeMillis(), attempt.batch.origin(row), ErrorKind.INSERT,
                "ClickHouse refused the row (code " + failure.code() + "): " + failure.message()));
    }

    /** Throws {@link TableChanged} if the rows of {@code batch} no longer fit the table. */
    private void checkTable(Batch batch) throws Exception {
        TableSchema now = tableChanges.changedSince(batch.schema);
        if (now != null) {
            throw new TableChanged(now);
        }
    }

    /**
     * After a refusal that can mean the table changed: throws {@link TableChanged} if it did. If it
     * did not, or the table cannot be read now, the refusal is taken for what its code says.
     */
    private void checkTableAfterRefusal(Batch batch) {
        try {
            checkTable(batch);
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

    /** Unique per sink instance, batch, encoding of it, row range and request. */
    private String queryId(Batch batch, int from, int to) {
        String generation = batch.generation == 0 ? "" : "." + batch.generation;
        return queryIdPrefix + batch.sequence + generation + "-" + from + "-" + to + "-" + queryCounter.incrementAndGet();
    }

    /** The table changed: the rows not yet settled must be encoded again for {@code schema}, the table now. */
    private static final class TableChanged extends RuntimeException {
        final TableSchema schema;

        TableChanged(TableSchema schema) {
            super("table changed", null, false, false);
            this.schema = schema;
        }
    }

    /**
     * Waits before the next attempt at writing {@code what}, which failed for a reason that may
     * pass; throws when the batch's retry budget is used up or the sink is closing.
     */
    private void awaitRetry(Batch batch, String table, String what, InsertFailure failure, int attempt, RetryBudget budget) {
        budget.retrying();
        if (budget.exhausted()) {
            throw new IllegalStateException("pipeline " + pipeline + ": batch " + batch.sequence + " could not be made"
                    + " durable for " + budget.elapsed().withNanos(0) + " (retryBudget " + budget.budget() + "); last error"
                    + " writing " + what + ": " + failure.describe(), failure.cause());
        }
        metrics.insertRetried(table, attempt + 1, failure.cause() != null ? failure.cause()
                : new IllegalStateException(failure.describe()));
        LOG.warn("pipeline {}: writing {} failed, retrying (attempt {}, failing for {} of the retryBudget {}): {}",
                pipeline, what, attempt + 1, budget.elapsed().withNanos(0), budget.budget(), failure.describe());
        if (!backoff.pause(attempt, () -> closed, budget.deadlineNanos())) {
            throw new IllegalStateException("pipeline " + pipeline + ": sink closed while batch " + batch.sequence
                    + " was not yet durable; last error writing " + what + ": " + failure.describe(), failure.cause());
        }
    }

    /**
     * Applies the error-rate bound, if one is set, before anything of the batch goes to the error
     * table: a batch that trips it fails, so that nothing of it is committed.
     */
    private void checkErrorRate(Batch batch, int failed, List<ErrorRecord> refused) {
        if (errorRate == null) {
            return;
        }
        String breach = errorRate.add(batch.rows() + batch.errors.size(), failed);
        if (breach != null) {
            ErrorRecord last = !refused.isEmpty() ? refused.get(refused.size() - 1)
                    : !batch.errors.isEmpty() ? batch.errors.get(batch.errors.size() - 1) : null;
            throw new IllegalStateException("pipeline " + pipeline + ": " + breach + "; stopping without committing"
                    + " batch " + batch.sequence + (last == null ? "" : "; last reason (" + last.kind() + " at "
                    + last.origin().position() + "): " + last.message()));
        }
    }

    /** Reports the error records written, one report per kind. */
    private void countByKind(List<ErrorRecord> errors) {
        long[] counts = new long[ErrorKind.values().length];
        for (ErrorRecord error : errors) {
            counts[error.kind().ordinal()]++;
        }
        for (ErrorKind kind : ErrorKind.values()) {
            if (counts[kind.ordinal()] > 0) {
                metrics.errorsRecorded(kind, counts[kind.ordinal()]);
            }
        }
    }

    private void writeErrors(Batch batch, List<ErrorRecord> errors, RetryBudget budget, PendingRange range) {
        RowBinaryOutput out = new RowBinaryOutput(errors.size() * 256);
        for (ErrorRecord error : errors) {
            ErrorTable.encode(error, pipeline, range != null ? range.sealedAtMillis() : error.timeMillis(), out);
        }
        Map<String, String> settings = Map.of();
        if (exactlyOnce != null) {
            String token = exactlyOnce.tokens() ? Deduplication.token(schema.database(), config.errorTable,
                    errors.get(0).origin().position(), errors.get(errors.size() - 1).origin().position()) : null;
            settings = Deduplication.insertSettings(settings, exactlyOnce.asyncInsert(), token);
        }
        String what = errors.size() + " records of batch " + batch.sequence + " into the error table "
                + schema.database() + "." + config.errorTable;
        for (int attempt = 0; ; attempt++) {
            try {
                transport.insert(quotedErrorTable, ErrorTable.QUOTED_COLUMNS, out.array(), 0, out.size(), "RowBinary",
                        queryIdPrefix + batch.sequence + "-errors-" + queryCounter.incrementAndGet(), settings);
                countByKind(errors);
                return;
            } catch (Exception e) {
                InsertFailure failure = InsertFailure.classify(e);
                if (failure.kind() != InsertFailure.Kind.RETRYABLE) {
                    throw new IllegalStateException("pipeline " + pipeline + ": cannot write " + errors.size()
                            + " records to the error table " + schema.database() + "." + config.errorTable
                            + "; stopping without committing them: " + failure.describe(), e);
                }
                awaitRetry(batch, schema.database() + "." + config.errorTable, what, failure, attempt, budget);
            }
        }
    }
}
