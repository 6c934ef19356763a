package dev.tributary.core.clickhouse;

import dev.tributary.core.RecordSlab;
import dev.tributary.core.RetriableException;
import dev.tributary.core.SinkContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Notices that the target table changed under the sink (a column dropped, renamed or retyped) and
 * has the rows of a batch encoded again, by the pipeline, for the table as it is now.
 *
 * <p>Inserts name their columns, so a column added to the table does not disturb rows encoded
 * before: the server fills it (DEFAULT, or the type's zero). Any other change makes the rows'
 * layout wrong for the table; sending them anyway would be refused, or worse, parsed into garbage
 * when the byte lengths happen to fit. So the table is read again before each batch and after any
 * refusal that can mean "not that table any more", and rows that no longer fit are encoded again
 * from their records instead of being split in search of bad data.
 */
final class TableChanges {

    private static final Logger LOG = LoggerFactory.getLogger(TableChanges.class);

    /**
     * Refusals that can mean the table is not the one the rows were encoded for: an unknown or
     * missing column, a column count or type mismatch, rows that do not parse to their end.
     */
    private static final Set<Integer> CODES = Set.of(
            8,   // THERE_IS_NO_COLUMN
            10,  // NOT_FOUND_COLUMN_IN_BLOCK
            16,  // NO_SUCH_COLUMN_IN_TABLE
            20,  // NUMBER_OF_COLUMNS_DOESNT_MATCH
            33,  // CANNOT_READ_ALL_DATA
            47,  // UNKNOWN_IDENTIFIER
            53   // TYPE_MISMATCH
    );

    private final ClickHouseTransport transport;
    private final SinkContext context;
    private final String pipeline;
    private final Backoff backoff;
    /** The table as last read where it had changed; batches sealed from now on are encoded for it. */
    private final java.util.concurrent.atomic.AtomicReference<TableSchema> latest;

    TableChanges(ClickHouseTransport transport, SinkContext context, TableSchema initial, Backoff backoff) {
        this.transport = transport;
        this.context = context;
        this.pipeline = context.pipelineName();
        this.latest = new java.util.concurrent.atomic.AtomicReference<>(initial);
        this.backoff = backoff;
    }

    /** The layout new batches are encoded for. */
    TableSchema latest() {
        return latest.get();
    }

    /** Schema evolution added columns: batches sealed from now on are encoded for {@code now}. */
    void adopt(TableSchema now) {
        latest.set(now);
    }

    /** Whether a refusal with this server code can mean the table changed. */
    static boolean mayMeanTableChanged(int code) {
        return CODES.contains(code);
    }

    /**
     * Reads the table's columns and returns them if rows encoded for {@code encodedFor} can no
     * longer be inserted into it, else null.
     */
    TableSchema changedSince(TableSchema encodedFor) throws Exception {
        TableSchema now = SchemaDiscovery.refresh(transport, encodedFor);
        if (encodedFor.canInsertInto(now)) {
            return null;
        }
        TableSchema before = latest.get();
        if (!now.equals(before) && latest.compareAndSet(before, now)) { // logged once, by whichever insert thread saw it first
            LOG.info("pipeline {}: table {} changed; rows are encoded again for its columns now: {}", pipeline,
                    now.qualifiedName(), describe(now));
        }
        return now;
    }

    /**
     * {@code records}, rows of {@code batch} not yet in the table (read back one by one as the pipeline
     * walks the list, when the batch keeps them as bytes), encoded again for {@code schema} by
     * the pipeline. Waits while the pipeline's decoder cannot reach what it depends on; fails when the
     * records cannot be encoded for the table now (e.g. the mapping names a column that was dropped).
     */
    Batch reencode(Batch batch, List<SourceRecord> records, TableSchema schema, BooleanSupplier closed) {
        int bytes = batch.data.size();
        LOG.info("pipeline {}: encoding {} rows of batch {} again for the new columns of {}", pipeline, records.size(),
                batch.sequence, schema.qualifiedName());
        for (int attempt = 0; ; attempt++) {
            Batch again = new Batch(batch.sequence, batch.generation + 1, schema, new RowBinaryOutput(Math.max(1024, bytes)),
                    batch.maxErrorRawBytes, batch.codec, batch.codec == null ? null
                            : new RecordSlab(Math.max(1024, batch.slab.size())));
            Throwable failure = await(context.reencode(schema, records, again), closed);
            if (failure == null) {
                return again;
            }
            if (!(failure instanceof RetriableException)) {
                throw new IllegalStateException("pipeline " + pipeline + ": table " + schema.qualifiedName()
                        + " changed and the records cannot be written to it any more (columns now: " + describe(schema)
                        + "): " + failure.getMessage(), failure);
            }
            LOG.warn("pipeline {}: encoding batch {} again for {} must wait: {}", pipeline, batch.sequence,
                    schema.qualifiedName(), failure.getMessage());
            if (!backoff.pause(attempt, closed)) {
                throw new IllegalStateException("pipeline " + pipeline + ": sink closed while batch " + batch.sequence
                        + " waited to be encoded again for the changed table " + schema.qualifiedName(), failure);
            }
        }
    }

    /** Waits for {@code done}, giving up when the sink closes; returns its failure, or null. */
    private Throwable await(CompletableFuture<Void> done, BooleanSupplier closed) {
        while (true) {
            try {
                done.get(100, TimeUnit.MILLISECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                if (closed.getAsBoolean()) {
                    throw new IllegalStateException("pipeline " + pipeline
                            + ": sink closed while a batch was being encoded again for a changed table");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("pipeline " + pipeline + ": interrupted while a batch was being encoded again", e);
            }
        }
    }

    private static String describe(TableSchema schema) {
        StringBuilder text = new StringBuilder();
        for (TableColumn column : schema.columns()) {
            text.append(text.length() == 0 ? "" : ", ").append(column.name()).append(' ').append(column.type());
        }
        return text.toString();
    }
}
