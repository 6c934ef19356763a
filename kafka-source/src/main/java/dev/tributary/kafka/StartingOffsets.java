package dev.tributary.kafka;

import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.Objects;

/**
 * Where to start reading a partition that has no committed offset in the consumer group. The
 * position is resolved when the group first assigns the partition and committed at once, so it
 * applies once: later starts (after a crash before the first batch too) resume from the committed
 * offset, never from a new "latest". Partitions with a committed offset always resume after it.
 */
public sealed interface StartingOffsets {

    /** The oldest record still in the partition. */
    StartingOffsets EARLIEST = new Earliest();

    /** Only records produced from now on. */
    StartingOffsets LATEST = new Latest();

    /** The first record whose timestamp is at or after {@code epochMillis} (the end if there is none). */
    static StartingOffsets timestamp(long epochMillis) {
        return new Timestamp(epochMillis);
    }

    /**
     * Explicit offsets per partition; a partition not in the map starts at {@code otherwise}
     * ({@link #EARLIEST} or {@link #LATEST}).
     */
    static StartingOffsets explicit(Map<TopicPartition, Long> offsets, StartingOffsets otherwise) {
        return new Explicit(Map.copyOf(offsets), otherwise);
    }

    /** Oldest record. */
    record Earliest() implements StartingOffsets {
        @Override
        public String toString() {
            return "EARLIEST";
        }
    }

    /** Newest record. */
    record Latest() implements StartingOffsets {
        @Override
        public String toString() {
            return "LATEST";
        }
    }

    /** First record at or after a time. */
    record Timestamp(long epochMillis) implements StartingOffsets {
        @Override
        public String toString() {
            return "TIMESTAMP(" + java.time.Instant.ofEpochMilli(epochMillis) + ")";
        }
    }

    /** Given offsets, else a fallback. */
    record Explicit(Map<TopicPartition, Long> offsets, StartingOffsets otherwise) implements StartingOffsets {
        public Explicit {
            Objects.requireNonNull(offsets, "offsets");
            if (!(otherwise instanceof Earliest || otherwise instanceof Latest)) {
                throw new IllegalArgumentException("StartingOffsets.explicit: 'otherwise' must be EARLIEST or LATEST, was " + otherwise);
            }
        }

        @Override
        public String toString() {
            java.util.Map<String, Long> sorted = new java.util.TreeMap<>();
            offsets.forEach((partition, offset) -> sorted.put(partition.toString(), offset));
            return "EXPLICIT(" + sorted + ", otherwise " + otherwise + ")";
        }
    }
}
