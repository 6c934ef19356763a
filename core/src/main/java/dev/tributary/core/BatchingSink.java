package dev.tributary.core;

import dev.tributary.core.table.TableSchema;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Collects rows into an open batch and writes sealed batches to the target table, with the
 * records that failed into the error table. Called from the pipeline thread; writes happen on the
 * sink's own threads.
 *
 * <p>Contract: the future of {@link #flush()} completes normally only when every row and every
 * error record appended before that call is durable (in the target table or in the error table);
 * futures complete in the order of the flushes.
 */
public interface BatchingSink extends RowTarget, AutoCloseable {

    /** Connects and reads the target table; called once, before anything else. */
    TableSchema open(SinkContext context);

    /**
     * The table that rows appended now must be encoded for. It is what {@link #open} returned until
     * the sink finds that the table changed under it; then it changes, but only at a {@link #flush()},
     * so that every batch holds rows of one layout. Sinks that never see their table change keep the
     * default, null, which means "what {@link #open} returned".
     */
    default TableSchema encodingSchema() {
        return null;
    }

    /**
     * Whether this sink can add columns to its table ({@link #addColumns}), for
     * {@link Pipeline.Builder#schemaEvolution}. False by default; a pipeline refuses evolution with a
     * sink that cannot.
     */
    default boolean supportsAddingColumns() {
        return false;
    }

    /**
     * Schema evolution: adds {@code columns} to the table where they are missing (safe when another
     * writer adds the same column at the same time), reads the table again, and makes the layout read
     * then the one the next batch is encoded for ({@link #encodingSchema()} after the next flush). Rows
     * already in the open batch stay valid: inserts name their columns, and the server fills the new
     * ones. Called on the pipeline thread.
     *
     * @return the table as it is now: a column may have another type than asked for (another writer
     *         added it first), and the caller compiles its mapping against this
     */
    default TableSchema addColumns(List<SchemaEvolution.NewColumn> columns) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot add columns to its table");
    }

    /** Whether the open batch reached its maximum rows, bytes or age. */
    boolean isFlushDue();

    /** Whether the open batch holds nothing. */
    boolean isEmpty();

    /** Whether a batch can be sealed now without exceeding the bound on batches in flight. */
    boolean canFlush();

    /** Seals the open batch (possibly empty) and starts writing it. Call only when {@link #canFlush()}. */
    CompletableFuture<Void> flush();

    /**
     * Whether this sink can write batches exactly once ({@link DeliveryGuarantee#EXACTLY_ONCE}): one
     * deduplicated insert sequence per split and range, {@link #flush(Map)} and {@link #discard}. False by
     * default; a pipeline refuses exactly-once with a sink that cannot.
     */
    default boolean supportsExactlyOnce() {
        return false;
    }

    /**
     * Exactly-once delivery: seals the open records of the splits named in {@code ranges} — of each
     * split exactly the range given for it (already recorded as pending in the source) — and starts
     * writing them; the open records of other splits stay open (a split replaying a range must not be
     * cut short while another's completes): each split's rows and error rows go in inserts that ClickHouse deduplicates by the
     * table, the split and the positions they hold, so that writing the same range again, after a
     * crash, changes nothing. Error rows carry the range's {@link PendingRange#sealedAtMillis()}.
     * Call only when {@link #canFlush()}. The future is as {@link #flush()}'s.
     */
    default CompletableFuture<Void> flush(Map<String, PendingRange> ranges) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot write exactly once");
    }

    /**
     * Exactly-once delivery: drops the rows and error records of {@code splits} from the open batch,
     * unwritten (the splits moved elsewhere, or their range cannot be completed here; whoever reads them
     * next reads those records again).
     */
    default void discard(Collection<String> splits) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot write exactly once");
    }

    /**
     * Stops writing and releases connections, in bounded time: batches still in flight get a short
     * grace, then are abandoned (they were not committed, so they are read again). It does not flush
     * the open batch.
     */
    @Override
    void close();
}
