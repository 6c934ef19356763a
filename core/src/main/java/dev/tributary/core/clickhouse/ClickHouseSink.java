package dev.tributary.core.clickhouse;

import dev.tributary.core.BatchingSink;
import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.PendingRange;
import dev.tributary.core.RecordCodec;
import dev.tributary.core.RecordSlab;
import dev.tributary.core.RowWriter;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.SinkContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.internal.Checks;
import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Writes rows into one ClickHouse table in batches, through the official Java client.
 *
 * <p>One batch is open at a time; it is sealed when it reaches {@code maxRows}, {@code maxBytes} or
 * {@code maxAge}, whichever comes first, and inserted on the sink's own threads, with at most
 * {@code maxInFlightBatches} batches not yet completed in order. An insert that fails for a reason
 * not known to be about the rows (network, timeout, too many parts, an unknown code, ...) is
 * retried with backoff until it succeeds, the sink is closed or the batch's {@code retryBudget}
 * runs out; one refused as too large for one insert is split; one the server refuses for its data
 * is split in halves until the refused rows are found, and those go to the error table while the
 * rest land (see {@link InsertFailure}). Records that failed to decode or map go to the error table
 * with the batch, unless the optional {@code errorTolerance} bound trips. If the error table cannot
 * be written, the batch fails and the pipeline stops without committing.
 *
 * <p>Memory: {@code maxBytes} bounds everything a batch holds — the encoded rows, the records they
 * came from (kept for the error table, as bytes when the source has a {@link RecordCodec}) and the
 * error records — so the sink holds at most
 * {@code maxInFlightBatches + 1} batches of about {@code maxBytes} each, plus a buffer of
 * {@code maxBytes} per batch for the encoded rows. Disk: the error table is created with a TTL
 * ({@code errorTableTtl}, default 7 days) on servers that have table TTLs (19.6+).
 *
 * <p>Exactly-once ({@link DeliveryGuarantee#EXACTLY_ONCE}, read from the {@link SinkContext} at open): one
 * batch is open per split, made lazily with small buffers that grow; the bounds apply to their sum (the
 * age to the oldest). {@link #flush(Map)} seals those of the splits it names as one flush: one future,
 * one in-flight slot, their batches written one after another on one insert thread, each as its split's
 * range (the others stay open: a split in the middle of a replayed range), with inserts
 * the server deduplicates ({@link Deduplication}). At open the target and the error table are checked to
 * deduplicate, and the error table, when the sink creates it, is made to.
 */
public final class ClickHouseSink implements BatchingSink {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);

    /** How long {@link #close()} waits for inserts under way before abandoning them. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(1);

    private final Config config;
    private ClickHouseTransport transport;
    private BatchWriter writer;
    private ExecutorService executor;
    private MetricsRecorder metrics;
    private String pipelineName;
    private TableSchema schema;
    private TableChanges tableChanges;
    private Batch open;
    private long batchSequence;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final java.util.ArrayDeque<RowBinaryOutput> freeBuffers = new java.util.ArrayDeque<>();
    /** The source's codec of records (kept as bytes in batches), or null: batches keep the records. */
    private RecordCodec recordCodec;
    private final java.util.ArrayDeque<RecordSlab> freeSlabs = new java.util.ArrayDeque<>();
    private CompletableFuture<Void> lastFlush = CompletableFuture.completedFuture(null);
    /** Exactly-once mode: the open batch of each split (the order in which they were opened); null otherwise. */
    private Map<String, Batch> splitBatches;
    /** Exactly-once mode: what the open split batches hold together, and when the oldest was made. */
    private long splitRows;
    private long splitBytes;
    private long splitErrors;
    private long oldestNanos;
    /** Exactly-once mode: the layout the split batches opened since the last flush are encoded for. */
    private TableSchema splitSchema;

    /** The clock of batch ages, {@link System#nanoTime()} but in tests. */
    private LongSupplier clock = System::nanoTime;

    private ClickHouseSink(Config config) {
        this.config = config;
    }

    /** For tests: the clock batch ages are read from (nanoseconds, as {@link System#nanoTime()}). */
    void clock(LongSupplier clock) {
        this.clock = clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public TableSchema open(SinkContext context) {
        if (transport != null) {
            throw new IllegalStateException("sink for " + config.database + "." + config.table + " is already open");
        }
        this.pipelineName = context.pipelineName();
        this.metrics = context.metrics();
        this.recordCodec = context.recordCodec();
        boolean exactlyOnce = context.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE;
        if (exactlyOnce) {
            refuseSettingsAgainstExactlyOnce();
        }
        this.transport = config.target.open();
        BatchWriter.ExactlyOnce[] dedup = new BatchWriter.ExactlyOnce[1];
        Backoff backoff = new Backoff(config.retryInitial, config.retryMax);
        try {
            this.schema = InsertFailure.retryWhileUnreachable(backoff, "connect to ClickHouse at " + transport.describe(), () -> {
                if (config.createTableDdl != null) {
                    transport.execute(config.createTableDdl);
                }
                ServerVersion version = SchemaDiscovery.serverVersion(transport);
                if (exactlyOnce) {
                    dedup[0] = openDeduplicated(version);
                } else {
                    transport.execute(ErrorTable.createStatement(config.database, config.errorTable, config.errorTableTtl, version));
                }
                ErrorTable.checkColumns(SchemaDiscovery.columns(transport, config.database, config.errorTable),
                        config.database, config.errorTable);
                if (exactlyOnce) {
                    checkDeduplicates(config.errorTable, "error table", version);
                }
                return SchemaDiscovery.discover(transport, config.database, config.table);
            });
            if (ErrorTable.hasTtl(config.errorTableTtl) && !schema.serverVersion().supportsTableTtl()) {
                LOG.warn("pipeline {}: ClickHouse {} has no table TTL (it came in 19.6), so Tributary cannot set a TTL on the"
                        + " error table {}.{}; if it creates it, old error rows stay until deleted, e.g. ALTER TABLE {} DELETE"
                        + " WHERE time < now() - {}", context.pipelineName(), schema.serverVersion(), config.database,
                        config.errorTable, Identifiers.qualified(config.database, config.errorTable),
                        config.errorTableTtl.toSeconds());
            }
        } catch (RuntimeException e) {
            transport.close();
            transport = null;
            throw e;
        }
        this.executor = Executors.newFixedThreadPool(config.maxInFlightBatches, runnable -> {
            Thread thread = new Thread(runnable, "tributary-insert-" + pipelineName);
            thread.setDaemon(true);
            return thread;
        });
        Backoff retries = new Backoff(config.retryInitial, config.retryMax);
        this.tableChanges = new TableChanges(transport, context, schema, retries);
        this.writer = new BatchWriter(transport, schema, config, pipelineName, metrics, tableChanges, dedup[0]);
        if (exactlyOnce) {
            this.splitBatches = new LinkedHashMap<>();
            this.splitSchema = tableChanges.latest();
        } else {
            this.open = newBatch();
        }
        LOG.info("pipeline {}: writing to {} (ClickHouse {}, {} columns, format {}), errors to {}.{}{}", pipelineName,
                schema.qualifiedName(), schema.serverVersion(), schema.columns().size(),
                sendsNative(config, schema) ? TableSchema.NATIVE + " (rows encoded as " + schema.insertFormat() + ")"
                        : schema.insertFormat(),
                config.database, config.errorTable, exactlyOnce ? ", exactly once (inserts deduplicated "
                        + (dedup[0].tokens() ? "by token)" : "by content: Replicated tables)") : "");
        return schema;
    }

    /**
     * Exactly-once mode, at open: settings under which the server would not deduplicate, or would acknowledge
     * what is not yet written, are refused (the sink learns the mode only now).
     */
    private void refuseSettingsAgainstExactlyOnce() {
        if (config.asyncInsert != null && Builder.isTrue(config.asyncInsert)) {
            throw new IllegalStateException("ClickHouseSink: exactly-once delivery cannot use async_insert="
                    + config.asyncInsert + ": the server deduplicates buffered inserts on terms of its own"
                    + " (async_insert_deduplicate) and may merge several into one; remove the async_insert setting (the"
                    + " sink already sends large batches) or use deliveryGuarantee(AT_LEAST_ONCE)");
        }
        if (config.insertDeduplicate != null && !Builder.isTrue(config.insertDeduplicate)) {
            throw new IllegalStateException("ClickHouseSink: exactly-once delivery needs insert_deduplicate=1, but the sink"
                    + " is given insert_deduplicate=" + config.insertDeduplicate + "; remove that setting");
        }
    }

    /**
     * Exactly-once mode, at open: checks that the target deduplicates, creates the error table (if missing)
     * as one that does; returns how inserts are deduplicated on this server.
     */
    private BatchWriter.ExactlyOnce openDeduplicated(ServerVersion version) throws Exception {
        checkDeduplicates(config.table, "target table", version);
        String[] replica = version.supportsInsertDeduplicationToken() ? null
                : Deduplication.replicaOf(transport, config.database, config.table);
        transport.execute(ErrorTable.createDeduplicatingStatement(config.database, config.errorTable, config.errorTableTtl,
                version, replica));
        if (!version.supportsInsertDeduplicationToken()) {
            LOG.warn("pipeline {}: ClickHouse {} has no insert_deduplication_token (22.2): exactly-once rests on the"
                    + " Replicated table's deduplication by content, so two inserts with identical rows are one to it"
                    + " (the second is dropped, within its replicated_deduplication_window); keep rows unique, e.g. with"
                    + " a column filled from the source's position (_offset, _sequence_number)", pipelineName, version);
        }
        return new BatchWriter.ExactlyOnce(version.supportsInsertDeduplicationToken(),
                Deduplication.serverSetting(transport, "async_insert") != null);
    }

    /** Throws, naming the setting or DDL to change, unless {@code table} deduplicates inserts as exactly-once needs. */
    private void checkDeduplicates(String table, String role, ServerVersion version) throws Exception {
        Deduplication.TableFacts facts = Deduplication.read(transport, config.database, table);
        if (facts.engine() == null) {
            throw new IllegalStateException("pipeline " + pipelineName + ": " + role + " " + facts.qualifiedName()
                    + " does not exist (or the user cannot see it); create it first"
                    + (role.equals("target table") ? ", or give the sink a CREATE TABLE statement with createTableIfMissing(...)" : ""));
        }
        String refusal = Deduplication.refusal(facts, version, Deduplication.requiredWindow(config.maxInFlightBatches), role);
        if (refusal != null) {
            throw new IllegalStateException("pipeline " + pipelineName + ": " + refusal);
        }
    }

    private Batch newBatch() {
        RowBinaryOutput buffer;
        synchronized (freeBuffers) {
            buffer = freeBuffers.poll();
        }
        if (buffer == null) {
            // Grows (by doubling) to what a batch's rows take, then is recycled at that size, so that
            // copies happen only in the first batches of each pooled buffer. Not sized for maxBytes at
            // once: maxBytes also counts the records kept for the error table, and encoded rows are
            // often a small part of it (a quarter for the GitHub events of the benchmark).
            buffer = new RowBinaryOutput((int) Math.min(1 << 20, config.maxBytes + (1 << 16)));
        }
        RecordSlab slab = null;
        if (recordCodec != null) {
            synchronized (freeBuffers) {
                slab = freeSlabs.poll();
            }
            if (slab == null) {
                // Grows to what a batch's records take (never much past maxBytes), then recycled at that size.
                slab = new RecordSlab(1 << 16, (int) Math.min(config.maxBytes + (1 << 16), Integer.MAX_VALUE - 16));
            }
        }
        return new Batch(++batchSequence, 0, tableChanges.latest(), buffer, config.maxErrorRawBytes, recordCodec, slab);
    }

    /** Gives a written batch's buffers back for the next batch. */
    private void recycle(Batch batch) {
        synchronized (freeBuffers) {
            if (freeBuffers.size() <= config.maxInFlightBatches) {
                freeBuffers.push(batch.data);
            }
            if (batch.slab != null && freeSlabs.size() <= config.maxInFlightBatches) {
                freeSlabs.push(batch.slab);
            }
        }
    }

    @Override
    public void append(SourceRecord origin, RowWriter rowWriter) throws MappingException {
        if (splitBatches == null) {
            stampFirstRecord();
            open.append(origin, rowWriter);
            return;
        }
        Batch batch = splitBatch(origin);
        long bytes = batch.bytes();
        int rows = batch.rows();
        try {
            batch.append(origin, rowWriter);
        } finally {
            splitRows += batch.rows() - rows;
            splitBytes += batch.bytes() - bytes;
        }
    }

    @Override
    public void appendError(SourceRecord origin, ErrorKind kind, String message) {
        if (splitBatches == null) {
            stampFirstRecord();
            open.appendError(origin, kind, message);
            return;
        }
        Batch batch = splitBatch(origin);
        long bytes = batch.bytes();
        batch.appendError(origin, kind, message);
        splitErrors++;
        splitBytes += batch.bytes() - bytes;
    }

    /** Starts the open batch's age at its first record (the open batch was made at the last flush, maybe long ago). */
    private void stampFirstRecord() {
        if (open.isEmpty()) {
            open.firstRecordNanos = clock.getAsLong();
        }
    }

    /** Exactly-once mode: the open batch of the record's split, made now if it has none. */
    private Batch splitBatch(SourceRecord origin) {
        String split = origin.position().split();
        Batch batch = splitBatches.get(split);
        if (batch == null) {
            // Small buffers that grow: a flush may hold many splits, most of them with a few rows.
            RecordSlab slab = recordCodec == null ? null
                    : new RecordSlab(1 << 12, (int) Math.min(config.maxBytes + (1 << 16), Integer.MAX_VALUE - 16));
            batch = new Batch(++batchSequence, 0, splitSchema, new RowBinaryOutput(1 << 12), config.maxErrorRawBytes,
                    recordCodec, slab);
            batch.firstRecordNanos = clock.getAsLong(); // made for its first record
            if (splitBatches.isEmpty()) {
                oldestNanos = batch.firstRecordNanos;
            }
            splitBatches.put(split, batch);
        }
        return batch;
    }

    @Override
    public TableSchema encodingSchema() {
        return splitBatches == null ? open.schema : splitSchema;
    }

    @Override
    public boolean isFlushDue() {
        if (splitBatches != null) {
            return splitRows >= config.maxRows
                    || splitBytes >= config.maxBytes
                    || splitErrors >= config.maxRows
                    || (!splitBatches.isEmpty() && clock.getAsLong() - oldestNanos >= config.maxAge.toNanos());
        }
        return open.rows() >= config.maxRows
                || open.bytes() >= config.maxBytes
                || open.errors.size() >= config.maxRows
                || (!open.isEmpty() && clock.getAsLong() - open.firstRecordNanos >= config.maxAge.toNanos());
    }

    @Override
    public boolean isEmpty() {
        return splitBatches == null ? open.isEmpty() : splitBatches.isEmpty();
    }

    @Override
    public boolean supportsExactlyOnce() {
        return true;
    }

    @Override
    public boolean supportsAddingColumns() {
        return true;
    }

    /**
     * Schema evolution: adds the columns ({@link ColumnAdder}) and makes the table read back the layout of
     * the batches opened from now on (at-least-once mode only: a pipeline refuses evolution with
     * exactly-once delivery).
     */
    @Override
    public TableSchema addColumns(List<SchemaEvolution.NewColumn> columns) {
        if (splitBatches != null) {
            throw new IllegalStateException("pipeline " + pipelineName + ": schema evolution is not available with"
                    + " exactly-once delivery");
        }
        TableSchema now = ColumnAdder.add(transport, tableChanges.latest(), columns,
                new Backoff(config.retryInitial, config.retryMax), pipelineName);
        tableChanges.adopt(now);
        return now;
    }

    /** Whether a batch can be sealed now: fewer than {@code maxInFlightBatches} sealed batches not yet completed in order. */
    @Override
    public boolean canFlush() {
        return inFlight.get() < config.maxInFlightBatches;
    }

    @Override
    public CompletableFuture<Void> flush() {
        if (splitBatches != null) {
            if (!splitBatches.isEmpty()) {
                throw new IllegalStateException("pipeline " + pipelineName + ": the sink writes exactly once; its batches"
                        + " of " + splitBatches.keySet() + " are sealed by flush(ranges), naming each split's range");
            }
            return lastFlush;
        }
        Batch sealed = open;
        open = newBatch();
        if (sealed.isEmpty()) {
            recycle(sealed);
            return lastFlush;
        }
        inFlight.incrementAndGet();
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> writer.write(sealed), executor)
                .whenComplete((ignored, error) -> recycle(sealed));
        // Batches complete in the order they were sealed, so that commits never skip a failed batch.
        // A batch holds its in-flight slot until it has completed in that order: while the oldest
        // batch is retrying, later ones that landed keep theirs, so that no more than
        // maxInFlightBatches get ahead of it into ClickHouse.
        lastFlush = written.thenCombine(lastFlush, (a, b) -> (Void) null)
                .whenComplete((ignored, error) -> inFlight.decrementAndGet());
        return lastFlush;
    }

    /**
     * Exactly-once mode: seals the open batches of the splits named in {@code ranges}, each as its split's
     * range, and writes them as one flush (one after another, on one insert thread); the open batches of
     * other splits stay open. A range of a split without an open batch (its records all skipped) has
     * nothing to write. The layout new batches are encoded for ({@link #encodingSchema()}) follows a table
     * change only once no batch is left open, so that the rows of each batch have one layout.
     *
     * @throws IllegalStateException if the sink is not in exactly-once mode
     */
    @Override
    public CompletableFuture<Void> flush(Map<String, PendingRange> ranges) {
        requireExactlyOnce("flush(ranges)");
        List<Batch> batches = new ArrayList<>(ranges.size());
        List<PendingRange> batchRanges = new ArrayList<>(ranges.size());
        for (Map.Entry<String, PendingRange> range : ranges.entrySet()) {
            Batch batch = splitBatches.remove(range.getKey());
            if (batch != null) {
                batches.add(batch);
                batchRanges.add(range.getValue());
            }
        }
        recount();
        if (splitBatches.isEmpty()) {
            splitSchema = tableChanges.latest();
        }
        if (batches.isEmpty()) {
            return lastFlush;
        }
        inFlight.incrementAndGet();
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < batches.size(); i++) {
                writer.write(batches.get(i), batchRanges.get(i));
            }
        }, executor);
        // In order with earlier flushes, holding its slot until then: as flush().
        lastFlush = written.thenCombine(lastFlush, (a, b) -> (Void) null)
                .whenComplete((ignored, error) -> inFlight.decrementAndGet());
        return lastFlush;
    }

    /** Exactly-once mode: drops the open rows and error records of {@code splits}, unwritten. */
    @Override
    public void discard(Collection<String> splits) {
        requireExactlyOnce("discard(splits)");
        if (splitBatches.keySet().removeAll(splits)) {
            recount();
        }
    }

    /** Exactly-once mode: the sums over the open split batches, after some were sealed or dropped. */
    private void recount() {
        splitRows = 0;
        splitBytes = 0;
        splitErrors = 0;
        oldestNanos = Long.MAX_VALUE;
        for (Batch batch : splitBatches.values()) {
            splitRows += batch.rows();
            splitBytes += batch.bytes();
            splitErrors += batch.errors.size();
            oldestNanos = Math.min(oldestNanos, batch.firstRecordNanos);
        }
    }

    private void requireExactlyOnce(String call) {
        if (splitBatches == null) {
            throw new IllegalStateException("pipeline " + pipelineName + ": " + call + " is for exactly-once delivery, but"
                    + " the sink was opened " + (transport == null ? "not yet" : "for at-least-once delivery"));
        }
    }

    /** The settings (for tests in this package). */
    Config config() {
        return config;
    }

    /** The table as discovered at {@link #open} (see {@link #encodingSchema()} for its layout now). */
    public TableSchema schema() {
        return schema;
    }

    /**
     * Stops retrying (a batch still failing fails now), gives inserts under way {@link #CLOSE_GRACE}
     * to end, then abandons them and closes the connections: bounded even while ClickHouse is down
     * or stalled. An abandoned batch was not committed, so its records are read again.
     */
    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("pipeline {}: {} insert(s) into {}.{} still under way at close; abandoned, not committed",
                            pipelineName, inFlight.get(), config.database, config.table);
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (transport != null) {
            transport.close(); // also ends a request blocked on a stalled server
        }
    }

    @Override
    public String toString() {
        return "ClickHouseSink" + config;
    }

    /** Immutable settings of a sink; see {@link Builder}. */
    static final class Config {
        final ClickHouseTarget target;
        final String database;
        final String table;
        final String errorTable;
        final String createTableDdl;
        final int maxRows;
        final long maxBytes;
        final Duration maxAge;
        final int maxInFlightBatches;
        final Map<String, String> insertSettings;
        final Duration retryInitial;
        final Duration retryMax;
        final Duration retryBudget;
        final double errorToleranceShare;
        final int errorToleranceWindow;
        final Duration errorTableTtl;
        final int maxErrorRawBytes;
        final boolean nativeInserts;
        /** The async_insert and insert_deduplicate the user gives (insertSetting or client option), or null. */
        final String asyncInsert;
        final String insertDeduplicate;

        private Config(Builder b, ClickHouseTarget target, String asyncInsert, String insertDeduplicate) {
            this.target = target;
            this.database = b.databaseOf(target);
            this.table = b.table;
            this.errorTable = b.errorTable != null ? b.errorTable : b.table + "_errors";
            this.createTableDdl = b.createTableDdl;
            this.maxRows = b.maxRows;
            this.maxBytes = b.maxBytes;
            this.maxAge = b.maxAge;
            this.maxInFlightBatches = b.maxInFlightBatches;
            this.insertSettings = Map.copyOf(b.insertSettings);
            this.retryInitial = b.retryInitial;
            this.retryMax = b.retryMax;
            this.retryBudget = b.retryBudget;
            this.errorToleranceShare = b.errorToleranceShare;
            this.errorToleranceWindow = b.errorToleranceWindow;
            this.errorTableTtl = b.errorTableTtl;
            this.maxErrorRawBytes = b.maxErrorRawBytes;
            this.nativeInserts = b.nativeInserts;
            this.asyncInsert = asyncInsert;
            this.insertDeduplicate = insertDeduplicate;
        }

        @Override
        public String toString() {
            // The target masks its secrets.
            return "{target=" + target + ", table=" + database + "." + table + ", errorTable=" + errorTable
                    + ", maxRows=" + maxRows
                    + ", maxBytes=" + maxBytes + ", maxAge=" + maxAge + ", maxInFlightBatches=" + maxInFlightBatches
                    + ", insertSettings=" + insertSettings + ", errorTableTtl=" + errorTableTtl
                    + ", maxErrorRawBytes=" + maxErrorRawBytes + ", retryBackoff=" + retryInitial + ".." + retryMax
                    + ", retryBudget=" + retryBudget
                    + (createTableDdl == null ? "" : ", createTableIfMissing=" + createTableDdl)
                    + (nativeInserts ? "" : ", nativeInserts=false")
                    + (errorToleranceWindow > 0 ? ", errorTolerance=" + ErrorRateWindow.percent(errorToleranceShare)
                    + "% of " + errorToleranceWindow + " records" : "") + "}";
        }
    }

    /** Builds a {@link ClickHouseSink}; {@link #build()} checks every setting and names the wrong one. */
    public static final class Builder extends ClickHouseTargetBuilder<Builder> {
        private static final String COMPONENT = "ClickHouseSink";

        private String table;
        private String errorTable;
        private String createTableDdl;
        private int maxRows = 100_000;
        private boolean nativeInserts = true;
        private long maxBytes = 20L * 1024 * 1024;
        private Duration maxAge = Duration.ofSeconds(5);
        private int maxInFlightBatches = 2;
        private final Map<String, String> insertSettings = new LinkedHashMap<>();
        private Duration retryInitial = Duration.ofMillis(200);
        private Duration retryMax = Duration.ofSeconds(10);
        private Duration retryBudget = Duration.ofHours(1);
        private double errorToleranceShare = Double.NaN;
        private int errorToleranceWindow;
        private Duration errorTableTtl = Duration.ofDays(7);
        private int maxErrorRawBytes = 64 * 1024 * 1024;

        private Builder() {
        }

        /** The target table. Required. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** The error table (default: the target table's name + {@code _errors}); created if missing. */
        public Builder errorTable(String errorTable) {
            this.errorTable = errorTable;
            return this;
        }

        /** A {@code CREATE TABLE IF NOT EXISTS ...} statement run at start, for a table that may not exist yet. */
        public Builder createTableIfMissing(String ddl) {
            this.createTableDdl = ddl;
            return this;
        }

        /** A batch is sealed at this many rows (default 100,000). */
        public Builder maxRows(int maxRows) {
            this.maxRows = maxRows;
            return this;
        }

        /**
         * A batch is sealed when it holds this many bytes (default 20 MiB): its encoded rows, plus the
         * records they came from (key, value, headers; kept for the error table), plus its error records.
         */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /** A non-empty batch is sealed when its first record is this old (default 5 s). */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /**
         * At most this many sealed batches not yet completed in order (default 2); beyond it the
         * source waits. A batch that landed keeps its slot while an older one is still retrying, so
         * that later batches cannot get further ahead of it.
         */
        public Builder maxInFlightBatches(int maxInFlightBatches) {
            this.maxInFlightBatches = maxInFlightBatches;
            return this;
        }

        /**
         * Whether rows go to the table as Native blocks (default true), made of their RowBinary on the
         * insert thread: the server reads columns, not rows (see docs/native.md). False sends them as
         * RowBinary / RowBinaryWithDefaults, as they are encoded. Tables with a JSON column always get RowBinary.
         */
        public Builder nativeInserts(boolean enabled) {
            this.nativeInserts = enabled;
            return this;
        }

        /** A ClickHouse setting sent with every insert, e.g. {@code insert_quorum}, {@code async_insert}. */
        public Builder insertSetting(String name, String value) {
            this.insertSettings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Backoff between retries of an insert: from {@code initial}, doubling, up to {@code max}. */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitial = initial;
            this.retryMax = max;
            return this;
        }

        /**
         * How long a batch may go on failing to be made durable (ClickHouse unreachable, refusing
         * it for a reason that may pass) before it fails, and the pipeline with it, naming the last
         * error (default 1 hour). The clock starts at the batch's first retry.
         */
        public Builder retryBudget(Duration retryBudget) {
            this.retryBudget = retryBudget;
            return this;
        }

        /**
         * An error-rate bound: the pipeline fails (committing nothing of the batch that tripped it)
         * when more than {@code maxFailedShare} (0 to 1) of the most recent {@code windowRecords}
         * records failed — decode, mapping and insert errors alike — instead of diverting a stream
         * wholesale into the error table. The window counts whole batches (the newest that together
         * hold at least {@code windowRecords} records) and is judged once that many were seen.
         * Default: no bound, every failed record goes to the error table.
         */
        public Builder errorTolerance(double maxFailedShare, int windowRecords) {
            this.errorToleranceShare = maxFailedShare;
            this.errorToleranceWindow = windowRecords;
            return this;
        }

        /**
         * How long error rows are kept: the error table is created with {@code TTL time + INTERVAL ...}
         * (default 7 days, as the managed service does), so that a producer of garbage cannot fill the
         * server's disk through it. {@link Duration#ZERO} keeps them forever. Whole seconds. Servers
         * before 19.6 have no table TTL: the table is then created without one (logged at open). An
         * existing error table is left as it is.
         */
        public Builder errorTableTtl(Duration ttl) {
            this.errorTableTtl = ttl;
            return this;
        }

        /**
         * An error row keeps its record's raw key and value whole up to this many bytes each (default
         * 64 MiB, above the pipeline's default {@code maxRecordBytes} of 20 MiB, so that every failed
         * record, one refused for its size included, can be replayed from the error table). A longer
         * one is cut to its first {@code maxErrorRawBytes} bytes and the message says so and where the
         * whole record is in the source. Keep it at least the pipeline's {@code maxRecordBytes}.
         */
        public Builder maxErrorRawBytes(int maxErrorRawBytes) {
            this.maxErrorRawBytes = maxErrorRawBytes;
            return this;
        }

        public ClickHouseSink build() {
            ClickHouseTarget resolved = resolveTarget("ClickHouseSink", ClickHouseConnection.DEFAULT_REQUEST_TIMEOUT);
            Checks.requireText(COMPONENT, table, "table", "table(\"events\")");
            if (errorTable != null) {
                Checks.requireText(COMPONENT, errorTable, "errorTable", "errorTable(\"events_errors\") or leave it unset");
                if (errorTable.equals(table)) {
                    throw new IllegalArgumentException("ClickHouseSink: errorTable must differ from table '" + table + "'");
                }
            }
            Checks.requireAtLeast(COMPONENT, maxRows, 1, "maxRows");
            Checks.requireAtLeast(COMPONENT, maxBytes, 1024, "maxBytes");
            if (maxBytes > Integer.MAX_VALUE - 16L * 1024 * 1024) {
                throw new IllegalArgumentException("ClickHouseSink: maxBytes must be below 2 GiB, was " + maxBytes);
            }
            Checks.requirePositive(COMPONENT, maxAge, "maxAge");
            Checks.requireRange(COMPONENT, maxInFlightBatches, 1, 64, "maxInFlightBatches");
            Checks.requirePositive(COMPONENT, retryInitial, "retryBackoff initial");
            Checks.requirePositive(COMPONENT, retryMax, "retryBackoff max");
            if (retryMax.compareTo(retryInitial) < 0) {
                throw new IllegalArgumentException("ClickHouseSink: retryBackoff max (" + retryMax + ") is below initial (" + retryInitial + ")");
            }
            Checks.requirePositive(COMPONENT, retryBudget, "retryBudget");
            if (!Double.isNaN(errorToleranceShare) || errorToleranceWindow != 0) {
                if (!(errorToleranceShare >= 0 && errorToleranceShare < 1)) {
                    throw new IllegalArgumentException("ClickHouseSink: errorTolerance maxFailedShare must be at least 0"
                            + " and below 1 (e.g. 0.5 for 50%), was " + errorToleranceShare + "; leave errorTolerance unset for no bound");
                }
                if (errorToleranceWindow < 1) {
                    throw new IllegalArgumentException("ClickHouseSink: errorTolerance windowRecords must be at least 1"
                            + " (e.g. 10000), was " + errorToleranceWindow);
                }
            }
            Map<String, String> clientOptions = resolved instanceof ClickHouseConnection http ? http.clientOptions() : Map.of();
            refuseAsyncInsertWithoutWait(clientOptions);
            refuseFixedDeduplicationToken(clientOptions);
            if (errorTableTtl == null || errorTableTtl.isNegative() || errorTableTtl.getNano() != 0) {
                throw new IllegalArgumentException("ClickHouseSink: errorTableTtl must be whole seconds, zero for none, was "
                        + errorTableTtl + "; e.g. errorTableTtl(Duration.ofDays(7))");
            }
            if (maxErrorRawBytes < 1024) {
                throw new IllegalArgumentException("ClickHouseSink: maxErrorRawBytes must be at least 1024, was "
                        + maxErrorRawBytes + "; keep it at least the pipeline's maxRecordBytes (20 MiB by default)");
            }
            if (createTableDdl != null && createTableDdl.isBlank()) {
                throw new IllegalArgumentException("ClickHouseSink: createTableIfMissing was given an empty statement");
            }
            return new ClickHouseSink(new Config(this, resolved, setting("async_insert", clientOptions),
                    setting("insert_deduplicate", clientOptions)));
        }

        /**
         * {@code async_insert=1} alone acknowledges an insert once the server has buffered it, before
         * it is written: a commit would then follow data that a server restart can still lose.
         */
        private void refuseAsyncInsertWithoutWait(Map<String, String> clientOptions) {
            String async = setting("async_insert", clientOptions);
            if (async != null && isTrue(async)) {
                String wait = setting("wait_for_async_insert", clientOptions);
                if (wait == null || !isTrue(wait)) {
                    throw new IllegalArgumentException("ClickHouseSink: async_insert=" + async + " without wait_for_async_insert=1"
                            + " acknowledges inserts before they are durable, so source positions could be committed for"
                            + " rows a server restart loses; add insertSetting(\"wait_for_async_insert\", \"1\") (or drop"
                            + " async_insert: the sink already sends large batches)");
                }
            }
        }

        /**
         * A token names one insert's data: the same token on every insert makes the server drop each later
         * batch as a duplicate of the first (within its deduplication window), while the source is committed.
         */
        private void refuseFixedDeduplicationToken(Map<String, String> clientOptions) {
            if (setting("insert_deduplication_token", clientOptions) != null) {
                throw new IllegalArgumentException("ClickHouseSink: insert_deduplication_token names one insert, but a"
                        + " setting is sent with every insert: the server would drop each later batch as a duplicate of"
                        + " the first and the records would be committed, lost; remove"
                        + " insertSetting(\"insert_deduplication_token\", ...)");
            }
        }

        /** A server setting as given by {@link #insertSetting} or a client-v2 {@code clickhouse_setting_} option. */
        private String setting(String name, Map<String, String> clientOptions) {
            String value = insertSettings.get(name);
            return value != null ? value : clientOptions.get("clickhouse_setting_" + name);
        }

        static boolean isTrue(String value) {
            String v = value.trim().toLowerCase(java.util.Locale.ROOT);
            return !(v.equals("0") || v.equals("false") || v.isEmpty());
        }

    }

    /**
     * The format rows {@code from..to} of a batch encoded for {@code schema} are inserted in, when
     * sent as they are encoded: {@link TableSchema#insertFormat()}. Native blocks: {@link BatchWriter}.
     */
    static String format(TableSchema schema) {
        return schema.insertFormat();
    }

    /** Whether inserts of rows encoded for {@code schema} go as Native blocks under {@code config}. */
    static boolean sendsNative(Config config, TableSchema schema) {
        return config.nativeInserts && schema.nativeInserts();
    }
}
