package dev.tributary.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads records from a stream. All methods are called from the one pipeline thread, so an
 * implementation need not be thread-safe (except {@link #wakeup()}).
 *
 * <p>Contract: records of one split come out of {@link #poll} in order; {@link #commit} receives,
 * per split, the position of the last record that is durably in ClickHouse, and the source resumes
 * after it on restart or when the split moves.
 */
public interface Source extends AutoCloseable {

    /** Connects and subscribes; split changes are reported to {@code context.splitListener()}. */
    void open(SourceContext context);

    /**
     * Records that arrived, waiting up to {@code timeout} for some; empty when none arrived or while
     * paused. Call it regularly even while paused: it keeps the source's session alive.
     */
    List<SourceRecord> poll(Duration timeout);

    /** Stops fetching records (polls return nothing) until {@link #resume()}; positions are kept. */
    void pause();

    /** Fetches records again after {@link #pause()}. */
    void resume();

    /** Commits these positions, at most one per split: each is the last durable record of its split. */
    void commit(Collection<SourcePosition> positions);

    /**
     * Whether this source can keep, beside each split's committed position, the ranges of records sent to
     * ClickHouse but not yet known durable ({@link #commit(Collection, Map)}, {@link #pendingRanges}):
     * what exactly-once delivery needs. Its positions then implement
     * {@link SourcePosition#compareWithinSplit}. False by default.
     */
    default boolean supportsExactlyOnce() {
        return false;
    }

    /**
     * Exactly-once delivery: commits {@code positions} (at most one per split, the last durable record
     * of its split, as {@link #commit(Collection)}) and, for every split named in {@code positions} or
     * in {@code pending}, makes its pending ranges exactly {@code pending.get(split)} (oldest first;
     * absent or empty: none), in the same place as the position, so that the two never disagree.
     * Returns when both are durable; throws if they may not be (then nothing of a new range may be
     * inserted). The ranges of a split are contiguous: the first starts right after its last durable
     * record, so a split with pending ranges resumes, after a restart or a move, at the first one.
     *
     * @throws UnsupportedOperationException unless {@link #supportsExactlyOnce()}
     */
    default void commit(Collection<SourcePosition> positions, Map<String, List<PendingRange>> pending) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot keep pending ranges"
                + " (exactly-once delivery)");
    }

    /**
     * Exactly-once delivery: the ranges found pending for {@code split} when it was assigned to this
     * source (left by its previous owner, or by this pipeline before a restart), oldest first; empty if
     * none. Valid from the split's {@link SplitListener#onSplitsAssigned} on. The pipeline replays each
     * as one batch, cut exactly at its last position.
     */
    default List<PendingRange> pendingRanges(String split) {
        return List.of();
    }

    /** Makes a {@link #poll} in progress return early; the only method safe to call from another thread. */
    void wakeup();

    /** The virtual columns this source's records offer. */
    List<VirtualColumn> virtualColumns();

    /**
     * How batches can keep this source's records as bytes instead of objects while they wait to be
     * durable, or null (the default): they then keep the records themselves. Asked once, before
     * {@link #open}.
     */
    default RecordCodec recordCodec() {
        return null;
    }

    /**
     * How far this source's reading is behind the end of its stream, per split it reads now. Safe to call
     * from any thread (a metrics scrape) at any time; it never blocks on the server but returns what the
     * source measured last, marked unknown when that is no longer true (the server could not be reached
     * lately). By default the lag is not measured.
     */
    default SourceLag lag() {
        return SourceLag.notMeasured(SourceLag.Unit.RECORDS);
    }

    /** Releases connections; commits nothing. */
    @Override
    void close();
}
