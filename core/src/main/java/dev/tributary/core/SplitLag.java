package dev.tributary.core;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How far the reading of one split is behind the end of its stream, as last measured.
 *
 * <p>A lag is either <em>known</em> (a reading of the server that is recent enough to be true now) or
 * <em>unknown</em>: never measured yet, or the server could not be asked lately. An unknown lag keeps
 * the time of its last good reading, so that "unknown for 2 s" and "unknown for an hour" differ, but
 * never its value: a stale "0 behind" taken for "drained" is the mistake this type exists to prevent.
 *
 * @param split          the split (Kafka partition {@code topic/N}, Kinesis shard id)
 * @param behind         records (or milliseconds, see {@link SourceLag#unit()}) behind the end; -1 when unknown
 * @param lastReading    when the last good reading was taken; null if there never was one
 * @param unknownBecause why the lag is unknown now; null when known
 */
public record SplitLag(String split, long behind, Instant lastReading, String unknownBecause) {

    public SplitLag {
        Objects.requireNonNull(split, "split");
        if (unknownBecause == null && (behind < 0 || lastReading == null)) {
            throw new IllegalArgumentException("a known lag needs a reading: split " + split + ", behind " + behind);
        }
    }

    /** A lag read from the server at {@code at}. */
    public static SplitLag known(String split, long behind, Instant at) {
        return new SplitLag(split, Math.max(0, behind), Objects.requireNonNull(at, "at"), null);
    }

    /** No true reading now; {@code lastReading} is when the last good one was taken (null: never). */
    public static SplitLag unknown(String split, Instant lastReading, String because) {
        return new SplitLag(split, -1, lastReading, Objects.requireNonNull(because, "because"));
    }

    public boolean isKnown() {
        return unknownBecause == null;
    }

    /** The lag, or empty when it is unknown. */
    public OptionalLong value() {
        return isKnown() ? OptionalLong.of(behind) : OptionalLong.empty();
    }

    /** How old the last good reading is at {@code now}; empty if there never was one. */
    public java.util.Optional<Duration> ageOfLastReading(Instant now) {
        return lastReading == null ? java.util.Optional.empty()
                : java.util.Optional.of(Duration.between(lastReading, now).isNegative() ? Duration.ZERO
                        : Duration.between(lastReading, now));
    }

    @Override
    public String toString() {
        return isKnown() ? split + ": " + behind + " behind at " + lastReading
                : split + ": unknown (" + unknownBecause + "; last good reading " + (lastReading == null ? "never" : lastReading) + ")";
    }
}
