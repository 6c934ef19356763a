package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;

import java.util.ArrayList;
import java.util.List;

/**
 * The pending ranges of one shard as the checkpoint store keeps them, beside the shard's checkpoint
 * (exactly-once delivery): empty for none, else
 * <pre>
 * tributary-eos/1 &lt;sealedAt&gt;:&lt;first&gt;-&lt;last&gt;,&lt;sealedAt&gt;:&lt;first&gt;-&lt;last&gt;,...
 * </pre>
 * oldest first, where {@code sealedAt} is {@link PendingRange#sealedAtMillis()} and {@code first},
 * {@code last} are extended sequence numbers ({@code <sequence number>} or, inside a record aggregated
 * by the Kinesis Producer Library, {@code <sequence number>:<sub-sequence number>}). The stream and the
 * shard are those of the row. The version prefix lets a later format be told apart.
 */
final class PendingRangeText {

    /** The prefix of the format written now. */
    static final String VERSION = "tributary-eos/1";

    private PendingRangeText() {
    }

    /** The text of {@code ranges} (all of one shard), "" for none. */
    static String encode(List<PendingRange> ranges) {
        if (ranges == null || ranges.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder(VERSION).append(' ');
        String separator = "";
        for (PendingRange range : ranges) {
            KinesisPosition first = (KinesisPosition) range.first();
            KinesisPosition last = (KinesisPosition) range.last();
            text.append(separator).append(range.sealedAtMillis()).append(':').append(first.extendedSequenceNumber())
                    .append('-').append(last.extendedSequenceNumber());
            separator = ",";
        }
        return text.toString();
    }

    /**
     * The ranges of shard {@code shardId} of {@code stream} in {@code text}, oldest first; empty for "".
     *
     * @throws IllegalArgumentException if the text is not of this format (another version, garbled), or
     *                                  its ranges are not in order without overlap
     */
    static List<PendingRange> decode(String stream, String shardId, String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        if (!text.startsWith(VERSION + " ")) {
            throw new IllegalArgumentException("pending ranges not in the format " + VERSION + ": '" + text + "'");
        }
        List<PendingRange> ranges = new ArrayList<>();
        for (String item : text.substring(VERSION.length() + 1).split(",", -1)) {
            int colon = item.indexOf(':');
            int dash = item.indexOf('-');
            if (colon <= 0 || dash < colon || item.indexOf('-', dash + 1) >= 0) {
                throw new IllegalArgumentException("pending range '" + item + "' is not <sealedAt>:<first>-<last> in '" + text + "'");
            }
            long sealedAt;
            try {
                sealedAt = Long.parseLong(item.substring(0, colon));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("pending range '" + item + "' has no sealing time in '" + text + "'", e);
            }
            PendingRange range;
            try {
                range = new PendingRange(KinesisPosition.parse(stream, shardId, item.substring(colon + 1, dash)),
                        KinesisPosition.parse(stream, shardId, item.substring(dash + 1)), sealedAt);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pending range '" + item + "' in '" + text + "': " + e.getMessage(), e);
            }
            if (!ranges.isEmpty() && !ranges.get(ranges.size() - 1).endsBefore(range.first())) {
                throw new IllegalArgumentException("pending ranges overlap or are out of order in '" + text + "'");
            }
            ranges.add(range);
        }
        return List.copyOf(ranges);
    }
}
