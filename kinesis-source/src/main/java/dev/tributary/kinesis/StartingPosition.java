package dev.tributary.kinesis;

import java.time.Instant;
import java.util.Objects;

/**
 * Where to start reading a shard that has no checkpoint. A shard with a checkpoint always resumes
 * after it; a child shard of a parent that this application read always starts at its oldest record
 * (so that nothing written after the parent closed is skipped).
 */
public sealed interface StartingPosition {

    /** The oldest record still in the shard. */
    StartingPosition TRIM_HORIZON = new TrimHorizon();

    /**
     * Only records written from now on. Closed shards are skipped; the open shards start at their
     * newest record. Applies when the application first sees a shard lineage without checkpoints.
     */
    StartingPosition LATEST = new Latest();

    /** The first record that arrived at or after {@code timestamp} (Kinesis' approximate arrival time). */
    static StartingPosition atTimestamp(Instant timestamp) {
        return new AtTimestamp(timestamp);
    }

    /** The oldest record. */
    record TrimHorizon() implements StartingPosition {
        @Override
        public String toString() {
            return "TRIM_HORIZON";
        }
    }

    /** The newest record. */
    record Latest() implements StartingPosition {
        @Override
        public String toString() {
            return "LATEST";
        }
    }

    /** The first record at or after a time. */
    record AtTimestamp(Instant timestamp) implements StartingPosition {
        public AtTimestamp {
            Objects.requireNonNull(timestamp, "timestamp");
        }

        @Override
        public String toString() {
            return "AT_TIMESTAMP(" + timestamp + ")";
        }
    }
}
