package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;
import dev.tributary.core.SourceRecord;

import java.util.List;

/**
 * A shard being read by the static source: its reader, what the pipeline was handed and committed of
 * it, its value in the checkpoint store, and the pending ranges it was assigned with. Its fields
 * change on the pipeline thread only.
 */
final class ActiveShard {
    final ShardReader reader;
    final List<PendingRange> replay;
    /** The extended sequence number of the last record handed to the pipeline, or null. */
    String lastEmitted;
    /** The extended sequence number of the last record the pipeline committed, or null. */
    String durable;
    /** The shard's checkpoint and pending ranges, as saved or queued. */
    Checkpoint state;
    /** Whether its {@link Checkpoint#SHARD_END} marker is queued (or saved). */
    boolean markerQueued;

    ActiveShard(ShardReader reader, Checkpoint state, List<PendingRange> replay) {
        this.reader = reader;
        this.state = state;
        this.replay = replay;
    }

    String shardId() {
        return reader.shardId;
    }

    /** Moves up to {@code max} buffered records to {@code out}, noting the last one handed out; whether it moved any. */
    boolean drainTo(List<SourceRecord> out, int max) {
        KinesisRecord last = reader.drainTo(out, max);
        if (last == null) {
            return false;
        }
        lastEmitted = last.extendedSequenceNumber();
        return true;
    }

    /** Everything handed out is durable and committed, and no range is pending (a shard with one is not finished). */
    boolean allCommitted() {
        return (lastEmitted == null || lastEmitted.equals(durable)) && !state.hasPendingRanges();
    }
}
