package dev.tributary.core;

import java.time.Duration;
import java.util.Collection;
import java.util.List;

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

    /** Releases connections; commits nothing. */
    @Override
    void close();
}
