package dev.tributary.kafka;

import dev.tributary.core.PendingRange;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;

/**
 * The text the source keeps in a committed offset's metadata for exactly-once delivery: a
 * partition's pending ranges, oldest first,
 * {@code tributary-eos/1 <sealedAtMillis>:<firstOffset>-<lastOffset>[,<sealedAtMillis>:<firstOffset>-<lastOffset>...]}
 * (decimal, ASCII, no spaces but the one after the version). No pending range: empty metadata, as a
 * plain commit writes. The committed offset of a partition with pending ranges is the first range's
 * first offset, so the text repeats it: a mismatch means another tool moved the offset.
 *
 * <p>Reading is strict: anything else (another tool's metadata, a newer version, a garbled or
 * truncated text, ranges out of order) is no ranges, with the reason, for the source to log.
 */
final class PendingRangesMetadata {

    /** The version prefix; a reader refuses versions it does not know. */
    static final String PREFIX = "tributary-eos/";
    static final String VERSION_1 = PREFIX + "1 ";

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
        if (ranges.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(VERSION_1.length() + ranges.size() * 40).append(VERSION_1);
        long previousLast = -1;
        for (PendingRange range : ranges) {
            KafkaPosition first = positionOf(partition, range.first());
            KafkaPosition last = positionOf(partition, range.last());
            if (first.offset() <= previousLast || first.offset() > last.offset()) {
                throw new IllegalArgumentException("pending ranges of " + KafkaPosition.split(partition)
                        + " overlap or are out of order: " + ranges);
            }
            if (range.sealedAtMillis() < 0) {
                throw new IllegalArgumentException("pending range " + range + " has a negative seal time " + range.sealedAtMillis());
            }
            if (previousLast >= 0) {
                text.append(',');
            }
            text.append(range.sealedAtMillis()).append(':').append(first.offset()).append('-').append(last.offset());
            previousLast = last.offset();
        }
        if (text.length() > MAX_BYTES) {
            throw new IllegalStateException("KafkaSource: the " + ranges.size() + " pending ranges of " + KafkaPosition.split(partition)
                    + " need " + text.length() + " bytes of offset metadata, more than Kafka brokers keep by default"
                    + " (offset.metadata.max.bytes = " + MAX_BYTES + "); lower maxInFlightBatches of the sink");
        }
        return text.toString();
    }

    private static KafkaPosition positionOf(TopicPartition partition, Object position) {
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
        if (!metadata.startsWith(PREFIX)) {
            return refused("it was not written by Tributary's exactly-once delivery");
        }
        if (!metadata.startsWith(VERSION_1)) {
            int space = metadata.indexOf(' ');
            return refused("its format " + quoted(space < 0 ? metadata : metadata.substring(0, space))
                    + " is not one this version reads (" + VERSION_1.trim() + ")");
        }
        List<PendingRange> ranges = new ArrayList<>();
        long previousLast = -1;
        String body = metadata.substring(VERSION_1.length());
        int at = 0;
        while (true) {
            int comma = body.indexOf(',', at);
            String entry = comma < 0 ? body.substring(at) : body.substring(at, comma);
            int colon = entry.indexOf(':');
            int dash = entry.indexOf('-', colon + 1);
            long sealedAt = colon < 0 ? -1 : number(entry.substring(0, colon));
            long first = dash < 0 ? -1 : number(entry.substring(colon + 1, dash));
            long last = dash < 0 ? -1 : number(entry.substring(dash + 1));
            if (sealedAt < 0 || first < 0 || last < 0) {
                return refused("range " + (ranges.size() + 1) + " " + quoted(entry) + " is not <sealedAtMillis>:<first>-<last>");
            }
            if (first > last || first <= previousLast) {
                return refused("range " + (ranges.size() + 1) + " " + quoted(entry) + " is empty, overlaps or is out of order");
            }
            ranges.add(new PendingRange(new KafkaPosition(partition.topic(), partition.partition(), first),
                    new KafkaPosition(partition.topic(), partition.partition(), last), sealedAt));
            previousLast = last;
            if (comma < 0) {
                break;
            }
            at = comma + 1;
        }
        long firstOffset = ((KafkaPosition) ranges.get(0).first()).offset();
        if (firstOffset != committedOffset) {
            return refused("the committed offset " + committedOffset + " is not the first pending offset " + firstOffset
                    + " (was the offset moved by another tool?)");
        }
        return new Decoded(List.copyOf(ranges), null);
    }

    /** A non-negative decimal without sign or spaces, else -1. */
    private static long number(String digits) {
        if (digits.isEmpty() || digits.length() > 19) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1; // beyond a long
        }
    }

    private static Decoded refused(String problem) {
        return new Decoded(List.of(), problem);
    }

    /** Quoted and cut short: metadata is not secret, but may be long or binary-looking. */
    static String quoted(String text) {
        String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        StringBuilder out = new StringBuilder(shown.length() + 2).append('\'');
        shown.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('\'').toString();
    }
}
