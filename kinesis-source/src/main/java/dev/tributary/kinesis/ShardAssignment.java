package dev.tributary.kinesis;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which shards of a stream one instance reads when {@code count} instances share it: every shard,
 * parent or child, belongs to instance {@code n mod count}, where {@code n} is the number in its id
 * ({@code shardId-000000000007} → 7; Kinesis numbers shards consecutively, so the shards of a
 * stream spread evenly), or the id's {@link String#hashCode()} for an id without one.
 *
 * <p>The rule is static: instances agree without talking to each other, and a shard never moves
 * while they run. A child shard waits until its parents are finished, whichever instance reads
 * them: the parents' owners write a {@link Checkpoint#SHARD_END} marker to the shared
 * {@link CheckpointStore}, and the child's owner reads it.
 */
public final class ShardAssignment {

    private static final Pattern NUMBERED = Pattern.compile("shardId-0*(\\d{1,18})");

    private final int index;
    private final int count;

    private ShardAssignment(int index, int count) {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("instance " + index + " of " + count + " is not valid; use index 0.."
                    + (Math.max(count, 1) - 1) + " and a count of at least 1, e.g. instance(0, 2) and instance(1, 2)");
        }
        this.index = index;
        this.count = count;
    }

    /** One instance reads every shard. */
    public static ShardAssignment all() {
        return new ShardAssignment(0, 1);
    }

    /** Instance {@code index} (0-based) of {@code count}. */
    public static ShardAssignment instance(int index, int count) {
        return new ShardAssignment(index, count);
    }

    public int index() {
        return index;
    }

    public int count() {
        return count;
    }

    /** Whether this instance reads {@code shardId}. */
    public boolean owns(String shardId) {
        return ownerOf(shardId, count) == index;
    }

    /** The instance (0-based) of {@code count} that reads {@code shardId}. */
    public static int ownerOf(String shardId, int count) {
        Matcher numbered = NUMBERED.matcher(shardId);
        long n = numbered.matches() ? Long.parseLong(numbered.group(1)) : shardId.hashCode();
        return (int) Math.floorMod(n, (long) count);
    }

    @Override
    public String toString() {
        return "instance " + index + " of " + count;
    }
}
