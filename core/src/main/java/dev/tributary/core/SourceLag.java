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
 * @param unit     what {@link SplitLag#behind()} counts
 * @param splits   one entry per split assigned to this source now, in a stable order
 * @param at       when this view was put together
 * @param measured false for a source that does not measure its lag at all: then nothing is known
 */
public record SourceLag(Unit unit, List<SplitLag> splits, Instant at, boolean measured) {

    /** What a lag counts. */
    public enum Unit { RECORDS, MILLIS }

    public SourceLag {
        Objects.requireNonNull(unit, "unit");
        splits = List.copyOf(splits);
        Objects.requireNonNull(at, "at");
        if (!measured && !splits.isEmpty()) {
            throw new IllegalArgumentException("a lag that is not measured has no split");
        }
    }

    /** What a source that measures its lag reports: one entry per split it reads now (none: nothing to read). */
    public SourceLag(Unit unit, List<SplitLag> splits, Instant at) {
        this(unit, splits, at, true);
    }

    /** A source that does not measure its lag: unknown, never "0 behind". */
    public static SourceLag notMeasured(Unit unit) {
        return new SourceLag(unit, List.of(), Instant.now(), false);
    }

    /** Whether the source measures its lag and every split's lag is known now; true with no split assigned. */
    public boolean isKnown() {
        return measured && splits.stream().allMatch(SplitLag::isKnown);
    }

    /**
     * The lag of the whole source: the sum over splits for records, the largest for milliseconds; empty as
     * soon as one split's lag is unknown (a total that leaves out a split would understate it), and for a
     * source that does not measure it. Zero with no split assigned.
     */
    public OptionalLong total() {
        if (!measured) {
            return OptionalLong.empty();
        }
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
