package dev.tributary.core;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The exactly-once bookkeeping of a pipeline, per split: where the open batch's range starts and
 * ends, the ranges sealed but not yet durable (in flight, oldest first), the ranges found pending at
 * assignment that are still to be replayed, and the last durable position. Pure logic on the
 * pipeline thread; the pipeline does the I/O (recording ranges in the source, sealing the sink).
 *
 * <p>Replay rule: a range found pending is sealed exactly as it was — the open batch is sealed right
 * after the record at its last position, or before the first record past it when that one is gone —
 * and never cut early, so that its inserts repeat the first attempt's and ClickHouse drops them.
 */
final class RangeTracker {

    /** What the pipeline must do before appending a record. */
    enum Before { APPEND, SEAL_FIRST }

    private final LongSupplier clock;
    /** First and last position handed to the sink since the last seal, per split. */
    private final Map<String, SourcePosition> openFirst = new HashMap<>();
    private final Map<String, SourcePosition> openLast = new HashMap<>();
    /** Sealed ranges not yet durable, oldest first. */
    private final Map<String, ArrayDeque<PendingRange>> inFlight = new HashMap<>();
    /** Ranges found pending at assignment, not yet sealed again, oldest first. */
    private final Map<String, ArrayDeque<PendingRange>> toReplay = new HashMap<>();
    /** Last durable position per split (landed, maybe not committed yet). */
    private final Map<String, SourcePosition> durable = new HashMap<>();

    RangeTracker(LongSupplier clock) {
        this.clock = clock;
    }

    /** A split was assigned, with the ranges its source found pending for it. */
    void assigned(String split, List<PendingRange> pending) {
        forget(List.of(split));
        if (!pending.isEmpty()) {
            toReplay.put(split, new ArrayDeque<>(pending));
        }
    }

    /** The ranges of {@code split} still to be replayed, oldest first. */
    List<PendingRange> replaying(String split) {
        ArrayDeque<PendingRange> ranges = toReplay.get(split);
        return ranges == null ? List.of() : List.copyOf(ranges);
    }

    /**
     * Before handing the record at {@code position} to the sink: {@link Before#SEAL_FIRST} when the
     * open batch holds records of its split that must be sealed as a range of their own first — a
     * replayed range whose last record is gone, or records before a replayed range's first. Ranges of
     * which nothing came before a later record (their records are gone) are dropped.
     */
    Before before(SourcePosition position) {
        String split = position.split();
        ArrayDeque<PendingRange> ranges = toReplay.get(split);
        if (ranges == null) {
            return Before.APPEND;
        }
        SourcePosition first = openFirst.get(split);
        while (!ranges.isEmpty()) {
            PendingRange head = ranges.peek();
            if (!head.endsBefore(position)) {
                // The record is in the head range or before it: records before it must not join it.
                if (first != null && first.compareWithinSplit(head.first()) < 0
                        && position.compareWithinSplit(head.first()) >= 0) {
                    return Before.SEAL_FIRST;
                }
                return Before.APPEND;
            }
            if (first != null && first.compareWithinSplit(head.first()) >= 0) {
                return Before.SEAL_FIRST; // the head's records are open and its last is gone: seal them as the head
            }
            ranges.poll(); // nothing of it was read here: its records are gone
        }
        toReplay.remove(split);
        return Before.APPEND;
    }

    /** The record at {@code position} was handed to the sink; true when the open batch must be sealed now (a replayed range is complete). */
    boolean appended(SourcePosition position) {
        String split = position.split();
        openFirst.putIfAbsent(split, position);
        openLast.put(split, position);
        ArrayDeque<PendingRange> ranges = toReplay.get(split);
        return ranges != null && !ranges.isEmpty() && ranges.peek().last().compareWithinSplit(position) == 0;
    }

    /** Whether a split's open records are part of a replayed range not yet complete: the batch must not be sealed now. */
    boolean midReplay() {
        for (Map.Entry<String, ArrayDeque<PendingRange>> entry : toReplay.entrySet()) {
            if (isMidReplay(entry.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** The splits whose open records are part of a replayed range not yet complete. */
    List<String> splitsMidReplay() {
        List<String> splits = new ArrayList<>();
        for (String split : toReplay.keySet()) {
            if (isMidReplay(split)) {
                splits.add(split);
            }
        }
        return splits;
    }

    private boolean isMidReplay(String split) {
        ArrayDeque<PendingRange> ranges = toReplay.get(split);
        SourcePosition first = openFirst.get(split);
        return ranges != null && !ranges.isEmpty() && first != null && first.compareWithinSplit(ranges.peek().first()) >= 0;
    }

    /**
     * The ranges to seal now: every split with open records that is not in the middle of a replayed
     * range, as a new range sealed now, plus {@code completing} (a split whose replayed range is
     * complete, or whose range's last record is gone; null for none) as that range was first sealed.
     * Splits in the middle of a replayed range stay open. Does not change anything; see {@link #sealed}.
     */
    Map<String, PendingRange> rangesToSeal(String completing) {
        Map<String, PendingRange> ranges = new LinkedHashMap<>();
        long now = clock.getAsLong();
        for (Map.Entry<String, SourcePosition> entry : openFirst.entrySet()) {
            String split = entry.getKey();
            if (!isMidReplay(split)) {
                ranges.put(split, new PendingRange(entry.getValue(), openLast.get(split), now));
            } else if (split.equals(completing)) {
                ranges.put(split, toReplay.get(split).peek());
            }
        }
        return ranges;
    }

    /**
     * What each split named in {@code splits} has pending if {@code sealing} (from {@link #openRanges})
     * is sealed: its ranges in flight, then the one sealed, then those still to replay.
     */
    Map<String, List<PendingRange>> pendingWith(Map<String, PendingRange> sealing, Collection<String> splits) {
        Map<String, List<PendingRange>> pending = new LinkedHashMap<>();
        for (String split : splits) {
            List<PendingRange> ranges = new ArrayList<>();
            ArrayDeque<PendingRange> flying = inFlight.get(split);
            if (flying != null) {
                ranges.addAll(flying);
            }
            PendingRange sealed = sealing.get(split);
            if (sealed != null) {
                ranges.add(sealed);
            }
            ArrayDeque<PendingRange> replay = toReplay.get(split);
            if (replay != null) {
                for (PendingRange range : replay) {
                    if (range != sealed) {
                        ranges.add(range);
                    }
                }
            }
            pending.put(split, ranges);
        }
        return pending;
    }

    /** The open records of these splits were sealed as {@code ranges} (recorded in the source): they are in flight now. */
    void sealed(Map<String, PendingRange> ranges) {
        for (Map.Entry<String, PendingRange> entry : ranges.entrySet()) {
            String split = entry.getKey();
            inFlight.computeIfAbsent(split, s -> new ArrayDeque<>()).add(entry.getValue());
            ArrayDeque<PendingRange> replay = toReplay.get(split);
            if (replay != null && replay.peek() == entry.getValue()) {
                replay.poll();
                if (replay.isEmpty()) {
                    toReplay.remove(split);
                }
            }
        }
        discardOpen(ranges.keySet());
    }

    /** The ranges of a batch landed; {@code positions} are the last of each split. */
    void landed(Map<String, PendingRange> ranges, Map<String, SourcePosition> positions) {
        for (Map.Entry<String, PendingRange> entry : ranges.entrySet()) {
            ArrayDeque<PendingRange> flying = inFlight.get(entry.getKey());
            if (flying != null) {
                flying.remove(entry.getValue());
                if (flying.isEmpty()) {
                    inFlight.remove(entry.getKey());
                }
            }
        }
        durable.putAll(positions);
    }

    /** The last durable position of each of {@code splits} that has one. */
    List<SourcePosition> durablePositions(Collection<String> splits) {
        List<SourcePosition> positions = new ArrayList<>();
        for (String split : splits) {
            SourcePosition position = durable.get(split);
            if (position != null) {
                positions.add(position);
            }
        }
        return positions;
    }

    /** Drops the open records of {@code splits} (they were discarded from the sink). */
    void discardOpen(Collection<String> splits) {
        openFirst.keySet().removeAll(splits);
        openLast.keySet().removeAll(splits);
    }

    /** Forgets everything about {@code splits} (lost, or assigned anew). */
    void forget(Collection<String> splits) {
        discardOpen(splits);
        inFlight.keySet().removeAll(splits);
        toReplay.keySet().removeAll(splits);
        durable.keySet().removeAll(splits);
    }
}
