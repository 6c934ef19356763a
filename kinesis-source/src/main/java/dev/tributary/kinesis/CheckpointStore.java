package dev.tributary.kinesis;

import java.util.Map;

/**
 * Where a {@link KinesisSource} keeps, per application, stream and shard, the last record that is
 * durably in ClickHouse. The source writes from {@link KinesisSource#commit}, i.e. after the sink
 * acknowledged the records, and once when a shard is first assigned (its start marker, see
 * {@link Checkpoint}); it reads at start and when it waits for a parent shard that another instance
 * reads. Values are opaque strings to a store. Implementations must let the newest write of a shard win, and must be
 * safe to call from two threads (the pipeline thread saves, a background thread loads).
 *
 * <p>Exactly-once delivery also needs each shard's pending ranges ({@link Checkpoint#pendingRanges()})
 * kept with its checkpoint, as one value: written by the same save, read back from the same write. A
 * store that does so says it with {@link #keepsPendingRanges()}; only then does the source offer
 * exactly-once delivery.
 *
 * <p>{@link ClickHouseCheckpointStore} is the default; any durable key-value store will do.
 */
public interface CheckpointStore extends AutoCloseable {

    /** Prepares the store (e.g. creates its table); called once when the source opens. */
    default void open() {
    }

    /**
     * The checkpoints of every shard of {@code stream} saved for {@code application}, by shard id.
     *
     * @throws RuntimeException if the store cannot be read; the message says why
     */
    Map<String, Checkpoint> load(String application, String stream);

    /**
     * Whether this store keeps {@link Checkpoint#pendingRanges()} with each checkpoint (saved in the same
     * write, loaded from the same write), as exactly-once delivery needs. False by default: a store made
     * before exactly-once delivery keeps the sequence number only.
     */
    default boolean keepsPendingRanges() {
        return false;
    }

    /**
     * Saves these checkpoints, by shard id; each replaces what was saved for its shard before, its
     * pending ranges included (a shard's checkpoint and ranges are one value: never half written).
     *
     * @throws RuntimeException if they could not be made durable; none may then be assumed saved
     */
    void save(String application, String stream, Map<String, Checkpoint> checkpoints);

    /** Releases connections. */
    @Override
    default void close() {
    }
}
