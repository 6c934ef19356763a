package dev.tributary.kinesis;

import dev.tributary.core.SplitLag;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * The lag of one shard as its reader last measured it — the {@code MillisBehindLatest} of the last
 * successful {@code GetRecords}, {@code SubscribeToShard} event or KCL fetch, and when it came — and
 * whether that reading is still true: the one place where both sources turn readings into a
 * {@link SplitLag}.
 *
 * <p>A reading is trusted while it is younger than {@link #staleAfter(Duration)} and the reader's
 * latest call did not fail. Otherwise the lag is unknown, with the time of the last reading and why:
 * a shard whose endpoint died keeps its last "0 ms behind" for ever, and taking that for "drained" is
 * the mistake this class prevents. Throttling is not a failure here (Kinesis answered; the reading
 * just ages). Thread-safe: readers write from the fetch or KCL threads, {@code lag()} reads from any.
 */
final class ShardLag {

    /** No reading is trusted for less than this, however short the expected interval between readings. */
    static final Duration MIN_STALE_AFTER = Duration.ofSeconds(10);
    /**
     * How often an enhanced fan-out subscription delivers an event when no record arrives: Kinesis sends
     * one at least every 5 s.
     */
    static final Duration FAN_OUT_EVENT_INTERVAL = Duration.ofSeconds(5);

    private final String split;
    private final String call;
    private final Duration staleAfter;
    private final String whenSilent;
    private final Clock clock;
    private final Instant started;
    // Guarded by this.
    private long behind = -1;
    private Instant readAt;
    /** Why the reader's latest call failed; null after a successful one. */
    private String failure;
    /** Since when the reader has not fetched because the pipeline is paused or the buffer is full; null when it fetches. */
    private Instant holdingSince;

    /**
     * @param split      the split the lag is of ({@code stream/shardId})
     * @param call       what a reading comes from, for messages ("GetRecords")
     * @param staleAfter how old a reading may be and still be trusted ({@link #staleAfter(Duration)})
     * @param whenSilent what may be going on when no reading came and no failure is known, for messages
     */
    ShardLag(String split, String call, Duration staleAfter, String whenSilent, Clock clock) {
        this.split = Objects.requireNonNull(split, "split");
        this.call = Objects.requireNonNull(call, "call");
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
        this.whenSilent = Objects.requireNonNull(whenSilent, "whenSilent");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.started = clock.instant();
    }

    /**
     * How old a reading may be before it is no longer trusted, for readings expected every
     * {@code expectedInterval} (the poll interval; {@link #FAN_OUT_EVENT_INTERVAL} for fan-out): three
     * intervals (two may be lost to a slow call or a retry without anything being wrong), and never
     * less than {@link #MIN_STALE_AFTER}.
     */
    static Duration staleAfter(Duration expectedInterval) {
        Duration three = expectedInterval.multipliedBy(3);
        return three.compareTo(MIN_STALE_AFTER) > 0 ? three : MIN_STALE_AFTER;
    }

    /** A call answered with {@code millisBehindLatest}. */
    synchronized void reading(long millisBehindLatest) {
        behind = Math.max(0, millisBehindLatest);
        readAt = clock.instant();
        failure = null;
        holdingSince = null;
    }

    /** The reader's latest call failed (not throttled: Kinesis did not answer), with {@code reason}. */
    synchronized void failed(String reason) {
        failure = Objects.requireNonNull(reason, "reason");
    }

    /** The reader holds back (pipeline paused, or buffer full): no reading comes until it fetches again. */
    synchronized void holding() {
        if (holdingSince == null) {
            holdingSince = clock.instant();
        }
    }

    /** The reader fetches again (after {@link #holding()}). */
    synchronized void fetching() {
        holdingSince = null;
    }

    /** The lag now: the last reading if it is still true, else unknown with its time and why. */
    synchronized SplitLag view() {
        Instant now = clock.instant();
        if (readAt != null && failure == null && Duration.between(readAt, now).compareTo(staleAfter) <= 0) {
            return SplitLag.known(split, behind, readAt);
        }
        String since = readAt == null
                ? "no successful " + call + " yet (" + seconds(started, now) + " since the shard was started)"
                : "no successful " + call + " for " + seconds(readAt, now);
        String why;
        if (failure != null) {
            why = since + "; the latest failed: " + failure;
        } else if (holdingSince != null) {
            why = since + "; not fetching for " + seconds(holdingSince, now)
                    + " (the pipeline is paused or the shard's buffer is full)";
        } else {
            why = since + "; " + whenSilent;
        }
        return SplitLag.unknown(split, readAt, why);
    }

    private static String seconds(Instant from, Instant to) {
        long millis = Math.max(0, Duration.between(from, to).toMillis());
        return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    @Override
    public String toString() {
        return "ShardLag{" + split + ", staleAfter=" + staleAfter + "}";
    }
}
