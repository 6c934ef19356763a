package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;
import dev.tributary.core.PendingRangesText;
import dev.tributary.core.SourcePosition;

import java.util.List;

/**
 * The pending ranges of one shard as the checkpoint store keeps them, beside the shard's checkpoint
 * (exactly-once delivery): the shared format ({@link PendingRangesText}) with positions as extended
 * sequence numbers ({@code <sequence number>} or, inside a record aggregated by the Kinesis Producer
 * Library, {@code <sequence number>:<sub-sequence number>}), e.g.
 * {@code tributary-eos/1 <sealedAt>:<first>-<last>,...}; empty for none. The stream and the shard are
 * those of the row.
 */
final class PendingRangeText {

    private PendingRangeText() {
    }

    /** The text of {@code ranges} (all of one shard, oldest first), "" for none. */
    static String encode(List<PendingRange> ranges) {
        return ranges == null ? "" : PendingRangesText.encode(ranges, PendingRangeText::extendedSequenceNumber);
    }

    private static String extendedSequenceNumber(SourcePosition position) {
        if (position instanceof KinesisPosition kinesis) {
            return kinesis.extendedSequenceNumber();
        }
        throw new IllegalArgumentException("pending range position " + position + " is not a Kinesis position");
    }

    /**
     * The ranges of shard {@code shardId} of {@code stream} in {@code text}, oldest first; empty for "".
     *
     * @throws IllegalArgumentException if the text is not of this format (another version, garbled), or
     *                                  its ranges are not in order without overlap; the message quotes the text
     */
    static List<PendingRange> decode(String stream, String shardId, String text) {
        try {
            return PendingRangesText.decode(text, extended -> KinesisPosition.parse(stream, shardId, extended));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pending ranges " + PendingRangesText.quoted(text) + ": " + e.getMessage(), e);
        }
    }
}
