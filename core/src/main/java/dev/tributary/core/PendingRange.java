package dev.tributary.core;

import java.util.Objects;

/**
 * Records of one split, from {@code first} to {@code last} (both included), that were sealed into one
 * batch and may or may not be durable yet. Exactly-once delivery records such a range in the source's
 * position store before the batch is inserted, so that whoever reads the split next replays exactly
 * these records as one batch, whose inserts then carry the same deduplication tokens.
 *
 * @param first         the position of the range's first record
 * @param last          the position of its last record (the same split)
 * @param sealedAtMillis when the range was first sealed (epoch milliseconds); its error rows carry this
 *                      time, so that a replay writes them byte for byte as before
 */
public record PendingRange(SourcePosition first, SourcePosition last, long sealedAtMillis) {

    public PendingRange {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        if (!first.split().equals(last.split())) {
            throw new IllegalArgumentException("a pending range lies in one split, not from " + first + " to " + last);
        }
        if (first.compareWithinSplit(last) > 0) {
            throw new IllegalArgumentException("a pending range's first position " + first + " is after its last " + last);
        }
    }

    /** The split of the range. */
    public String split() {
        return first.split();
    }

    /** Whether {@code position} (of the same split) lies after the range's last position. */
    public boolean endsBefore(SourcePosition position) {
        return last.compareWithinSplit(position) < 0;
    }

    @Override
    public String toString() {
        return first + ".." + last;
    }
}
