package dev.tributary.kafka;

import dev.tributary.core.PendingRange;
import dev.tributary.core.PendingRangesText;
import dev.tributary.core.SourcePosition;
import org.apache.kafka.common.TopicPartition;

import java.util.List;

/**
 * The text the source keeps in a committed offset's metadata for exactly-once delivery: a
 * partition's pending ranges in the shared format ({@link PendingRangesText}: offsets as decimal
 * numbers), {@code tributary-eos/1 <sealedAtMillis>:<firstOffset>-<lastOffset>,...}. No pending
 * range: empty metadata, as a plain commit writes. Kafka's own rules are here: the committed offset of
 * a partition with pending ranges is the first range's first offset, so the text repeats it (a mismatch
 * means another tool moved the offset); the text fits the brokers' default metadata size; the marker a
 * partition's starting position is committed with reads as no ranges.
 *
 * <p>Reading is strict: anything else (another tool's metadata, a newer version, a garbled or
 * truncated text, ranges out of order) is no ranges, with the reason, for the source to log.
 */
final class PendingRangesMetadata {

    /** What the source commits with the starting position of a partition seen for the first time. */
    static final String STARTING_POSITION = "tributary: starting position";

    /**
     * Kafka's default {@code offset.metadata.max.bytes}: a broker refuses longer metadata. At most 65
     * ranges per partition are pending (maxInFlightBatches 64 + the new one), at most 54 bytes each
     * with the longest offsets: 3,525 bytes, so the default always suffices.
     */
    static final int MAX_BYTES = 4096;

    /** One parse: the ranges, or none and the reason (null when there was nothing to read). */
    record Decoded(List<PendingRange> ranges, String problem) {
    }

    private PendingRangesMetadata() {
    }

    /**
     * The metadata for these ranges of {@code partition} (oldest first; empty: none).
     *
     * @throws IllegalArgumentException if a range is not of this partition, or they overlap or are out of order
     * @throws IllegalStateException if the text would be longer than the brokers keep
     */
    static String encode(TopicPartition partition, List<PendingRange> ranges) {
        String text = PendingRangesText.encode(ranges, position -> Long.toString(positionOf(partition, position).offset()));
        if (text.length() > MAX_BYTES) { // ASCII: as many bytes as characters
            throw new IllegalStateException("KafkaSource: the " + ranges.size() + " pending ranges of " + KafkaPosition.split(partition)
                    + " need " + text.length() + " bytes of offset metadata, more than Kafka brokers keep by default"
                    + " (offset.metadata.max.bytes = " + MAX_BYTES + "); lower maxInFlightBatches of the sink");
        }
        return text;
    }

    private static KafkaPosition positionOf(TopicPartition partition, SourcePosition position) {
        if (position instanceof KafkaPosition kafka && kafka.partition() == partition.partition()
                && kafka.topic().equals(partition.topic())) {
            return kafka;
        }
        throw new IllegalArgumentException("pending range position " + position + " is not of Kafka partition "
                + KafkaPosition.split(partition));
    }

    /** The pending ranges that {@code metadata}, committed with {@code committedOffset}, names. */
    static Decoded decode(TopicPartition partition, long committedOffset, String metadata) {
        if (metadata == null || metadata.isEmpty() || metadata.equals(STARTING_POSITION)) {
            return new Decoded(List.of(), null);
        }
        List<PendingRange> ranges;
        try {
            ranges = PendingRangesText.decode(metadata, offset -> new KafkaPosition(partition.topic(), partition.partition(),
                    PendingRangesText.parseDecimal(offset)));
        } catch (IllegalArgumentException e) {
            return new Decoded(List.of(), e.getMessage());
        }
        long firstOffset = ((KafkaPosition) ranges.get(0).first()).offset();
        if (firstOffset != committedOffset) {
            return new Decoded(List.of(), "the committed offset " + committedOffset + " is not the first pending offset "
                    + firstOffset + " (was the offset moved by another tool?)");
        }
        return new Decoded(ranges, null);
    }
}
