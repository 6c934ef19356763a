package dev.tributary.core;

import java.util.Collection;

/**
 * Hears about splits (partitions, shards) moving to and from this pipeline. A source calls it on
 * the pipeline thread, from within {@link Source#poll}, like Kafka's rebalance listener.
 */
public interface SplitListener {

    /** The pipeline now reads these splits. */
    void onSplitsAssigned(Collection<String> splits);

    /**
     * These splits are about to move elsewhere: when this returns, everything read from them has
     * been made durable and committed (or the pipeline has failed and committed nothing more).
     */
    void onSplitsRevoked(Collection<String> splits);

    /**
     * These splits were read to their end (a Kinesis shard closed by a reshard) and will not be
     * assigned again: when this returns, everything read from them has been made durable and committed
     * (or the pipeline has failed and committed nothing more). The default treats them as revoked.
     */
    default void onSplitsFinished(Collection<String> splits) {
        onSplitsRevoked(splits);
    }

    /**
     * These splits were lost without a chance to commit (e.g. the group session expired): what was
     * read from them is dropped without commit and will be read again by their new owner.
     */
    void onSplitsLost(Collection<String> splits);
}
