package dev.tributary.kinesis;

import java.time.Instant;
import java.util.Objects;

/**
 * What a {@link CheckpointStore} keeps per shard, as one string:
 * <ul>
 *   <li>the sequence number of the last record that is durably in ClickHouse (decimal digits), for a
 *       user record of a record aggregated by the Kinesis Producer Library followed by {@code :} and
 *       its sub-sequence number ({@code <sequence number>:<sub-sequence number>}: the shard resumes at
 *       that aggregated record, after that user record);</li>
 *   <li>{@link #SHARD_END} once a closed shard has been read to its end and everything read from it
 *       is durable (its children may then be read);</li>
 *   <li>a start marker, saved when a shard is first assigned, before anything of it is read:
 *       {@code TRIM_HORIZON} or {@code AT_TIMESTAMP:<epoch milliseconds>} (what {@code LATEST} and
 *       {@code AT_TIMESTAMP} resolve to). A later start resumes there, so a starting position
 *       applies once, also when the source stopped before its first commit.</li>
 * </ul>
 * and, in exactly-once delivery, the shard's pending ranges: the records after the checkpoint that
 * were sent to ClickHouse and may not be durable yet, as an opaque text ({@code ""}: none; the format is
 * {@code tributary-eos/1 <sealedAt>:<first>-<last>,...}, see {@link #pendingRanges()}). The two are
 * one value, so a store saves and loads them together and they never disagree. A finished shard
 * ({@code SHARD_END}) has none.
 *
 * @param sequenceNumber the checkpoint: a sequence number or a marker, as above
 * @param pendingRanges  the pending ranges as stored, {@code ""} for none; a store keeps this text as it is
 */
public record Checkpoint(String sequenceNumber, String pendingRanges) {

    /** The marker value of a finished shard, as stored. */
    public static final String SHARD_END_VALUE = "SHARD_END";

    /** The marker value of a shard that starts at its oldest record, as stored. */
    public static final String TRIM_HORIZON_VALUE = "TRIM_HORIZON";

    /** The prefix of a shard that starts at a moment, as stored: {@code AT_TIMESTAMP:<epoch milliseconds>}. */
    public static final String AT_TIMESTAMP_PREFIX = "AT_TIMESTAMP:";

    /** A closed shard that has been read to its end, everything from it durable. */
    public static final Checkpoint SHARD_END = new Checkpoint(SHARD_END_VALUE);

    /** Nothing of the shard read yet; it starts at its oldest record. */
    public static final Checkpoint TRIM_HORIZON = new Checkpoint(TRIM_HORIZON_VALUE);

    public Checkpoint {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        Objects.requireNonNull(pendingRanges, "pendingRanges");
        if (!sequenceNumber.matches("\\d{1,128}(:\\d{1,9})?") && !sequenceNumber.equals(SHARD_END_VALUE)
                && !sequenceNumber.equals(TRIM_HORIZON_VALUE)
                && !(sequenceNumber.startsWith(AT_TIMESTAMP_PREFIX)
                && sequenceNumber.substring(AT_TIMESTAMP_PREFIX.length()).matches("\\d{1,18}"))) {
            throw new IllegalArgumentException("a checkpoint is a sequence number (decimal digits, with"
                    + " :<sub-sequence number> for a user record of an aggregated record), " + SHARD_END_VALUE
                    + ", " + TRIM_HORIZON_VALUE + " or " + AT_TIMESTAMP_PREFIX + "<epoch milliseconds>, not '"
                    + sequenceNumber + "'");
        }
        if (sequenceNumber.equals(SHARD_END_VALUE) && !pendingRanges.isEmpty()) {
            throw new IllegalArgumentException("a finished shard (" + SHARD_END_VALUE + ") has no pending ranges, not '"
                    + pendingRanges + "'");
        }
    }

    /** A checkpoint without pending ranges. */
    public Checkpoint(String sequenceNumber) {
        this(sequenceNumber, "");
    }

    /** This checkpoint with {@code pendingRanges} (as stored) beside it. */
    public Checkpoint withPendingRanges(String pendingRanges) {
        return new Checkpoint(sequenceNumber, pendingRanges);
    }

    /** Whether ranges are pending beside the checkpoint. */
    public boolean hasPendingRanges() {
        return !pendingRanges.isEmpty();
    }

    /** The checkpoint after the record with this sequence number. */
    public static Checkpoint at(String sequenceNumber) {
        return new Checkpoint(sequenceNumber);
    }

    /** Nothing of the shard read yet; it starts at the first record that arrived at or after {@code timestamp}. */
    public static Checkpoint atTimestamp(Instant timestamp) {
        return new Checkpoint(AT_TIMESTAMP_PREFIX + timestamp.toEpochMilli());
    }

    public boolean isShardEnd() {
        return sequenceNumber.equals(SHARD_END_VALUE);
    }

    /** Whether this is the sequence number of a record (not a marker). */
    public boolean isSequenceNumber() {
        return Character.isDigit(sequenceNumber.charAt(0));
    }

    /** The record's sequence number, without a sub-sequence number (only for {@link #isSequenceNumber()}). */
    public String recordSequenceNumber() {
        int colon = sequenceNumber.indexOf(':');
        return colon < 0 ? sequenceNumber : sequenceNumber.substring(0, colon);
    }

    /**
     * The sub-sequence number of a checkpoint inside an aggregated record, else
     * {@link KinesisPosition#NO_SUB_SEQUENCE} (only for {@link #isSequenceNumber()}).
     */
    public int subSequenceNumber() {
        int colon = sequenceNumber.indexOf(':');
        return colon < 0 ? KinesisPosition.NO_SUB_SEQUENCE : Integer.parseInt(sequenceNumber.substring(colon + 1));
    }

    /** The moment of an {@code AT_TIMESTAMP} start marker, else null. */
    public Instant timestamp() {
        return sequenceNumber.startsWith(AT_TIMESTAMP_PREFIX)
                ? Instant.ofEpochMilli(Long.parseLong(sequenceNumber.substring(AT_TIMESTAMP_PREFIX.length())))
                : null;
    }

    @Override
    public String toString() {
        return pendingRanges.isEmpty() ? sequenceNumber : sequenceNumber + " (pending " + pendingRanges + ")";
    }
}
