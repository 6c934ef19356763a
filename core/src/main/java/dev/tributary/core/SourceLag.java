package dev.tributary.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far a source's reading is behind the end of its stream, per split it reads now ({@link Source#lag()}).
 * Kafka counts records ({@link Unit#RECORDS}: log end offset minus the next offset to read), Kinesis
 * milliseconds ({@link Unit#MILLIS}: {@code MillisBehindLatest}).
 *
 * @param unit   what {@link SplitLag#behind()} counts
 * @param splits one entry per split assigned to this source now, in a stable order
 * @param at     when this view was put together
 */
public record SourceLag(Unit unit, List<SplitLag> splits, Instant at) {

    /** What a lag counts. */
    public enum Unit { RECORDS, MILLIS }

    public SourceLag {
        Objects.requireNonNull(unit, "unit");
        splits = List.copyOf(splits);
        Objects.requireNonNull(at, "at");
    }

    /** A source that does not measure its lag: unknown, with no split. */
    public static SourceLag notMeasured(Unit unit) {
        return new SourceLag(unit, List.of(), Instant.now());
    }

    /** Whether every split's lag is known (and there is at least one split, or the source said it has none). */
    public boolean isKnown() {
        return splits.stream().allMatch(SplitLag::isKnown);
    }

    /**
     * The lag of the whole source: the sum over splits for records, the largest for milliseconds; empty as
     * soon as one split's lag is unknown (a total that leaves out a split would understate it). Zero with
     * no split assigned.
     */
    public OptionalLong total() {
        long total = 0;
        for (SplitLag split : splits) {
            if (!split.isKnown()) {
                return OptionalLong.empty();
            }
            total = unit == Unit.RECORDS ? total + split.behind() : Math.max(total, split.behind());
        }
        return OptionalLong.of(total);
    }

    /** The oldest good reading among the splits (null when none was ever read): how stale the view may be. */
    public Instant oldestReading() {
        Instant oldest = null;
        for (SplitLag split : splits) {
            if (split.lastReading() == null) {
                return null;
            }
            if (oldest == null || split.lastReading().isBefore(oldest)) {
                oldest = split.lastReading();
            }
        }
        return oldest;
    }
}
