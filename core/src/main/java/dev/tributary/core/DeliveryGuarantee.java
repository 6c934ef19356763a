package dev.tributary.core;

/**
 * What a pipeline promises about each record of its source.
 *
 * <ul>
 *   <li>{@link #AT_LEAST_ONCE} (the default): a position is committed only once every record before it
 *       is durable; a crash replays from the last commit, so rows may be written twice, never lost.</li>
 *   <li>{@link #EXACTLY_ONCE}: batches are contiguous ranges of positions per split, recorded as
 *       pending in the source's own position store before their insert; after a crash, a rebalance
 *       or a reshard the pending ranges are replayed exactly (the same records in the same
 *       inserts) and ClickHouse drops what it already has. Needs a source that can keep pending
 *       ranges ({@link Source#supportsExactlyOnce()}) and a sink whose table deduplicates inserts
 *       (checked when the sink opens). See docs/reliability.md.</li>
 * </ul>
 */
public enum DeliveryGuarantee {
    AT_LEAST_ONCE,
    EXACTLY_ONCE
}
