package dev.tributary.kafka;

import dev.tributary.core.PendingRange;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PendingRangesMetadataTest {

    private static final TopicPartition P = new TopicPartition("events", 3);

    private static PendingRange range(long first, long last, long sealedAt) {
        return new PendingRange(new KafkaPosition("events", 3, first), new KafkaPosition("events", 3, last), sealedAt);
    }

    private static void assertRefused(long committed, String metadata, String reason) {
        PendingRangesMetadata.Decoded decoded = PendingRangesMetadata.decode(P, committed, metadata);
        assertEquals(List.of(), decoded.ranges(), metadata);
        assertTrue(decoded.problem() != null && decoded.problem().contains(reason),
                "'" + decoded.problem() + "' should say " + reason);
    }

    @Test
    void metadataCommittedBeforeReadsAsItsRangesAndIsWrittenAgainTheSame() {
        // The format itself is PendingRangesTextTest's; here: offsets, and what brokers already keep.
        String committed = "tributary-eos/1 1764337200000:100-149,1764337200250:150-150,1764337201000:160-9000000000";
        PendingRangesMetadata.Decoded decoded = PendingRangesMetadata.decode(P, 100, committed);
        assertNull(decoded.problem());
        assertEquals(List.of(range(100, 149, 1_764_337_200_000L), range(150, 150, 1_764_337_200_250L),
                range(160, 9_000_000_000L, 1_764_337_201_000L)), decoded.ranges());
        assertEquals(committed, PendingRangesMetadata.encode(P, decoded.ranges()));
    }

    @Test
    void noRangesIsEmptyMetadataAsAPlainCommitWrites() {
        assertEquals("", PendingRangesMetadata.encode(P, List.of()));
        for (String nothing : new String[] {"", null, PendingRangesMetadata.STARTING_POSITION}) {
            PendingRangesMetadata.Decoded decoded = PendingRangesMetadata.decode(P, 7, nothing);
            assertEquals(List.of(), decoded.ranges());
            assertNull(decoded.problem(), "nothing to complain about in " + nothing);
        }
    }

    @Test
    void foreignGarbledOrInconsistentMetadataIsNoRangesWithTheReason() {
        // The format's own refusals are PendingRangesTextTest's; here: they become a reason, not an exception.
        assertRefused(5, "hello from another tool", "not written by Tributary");
        assertRefused(5, "tributary-eos/2 1:5-6", "'tributary-eos/2' is not one this version reads");
        assertRefused(5, "tributary-eos/1 1:5-6,2:7", "range 2 '2:7' is not");
        assertRefused(5, "tributary-eos/1 1:+5-6", "range 1 '1:+5-6' is not"); // offsets are plain decimals
        assertRefused(5, "tributary-eos/1 1:5-99999999999999999999", "is not"); // beyond a long
        assertRefused(5, "tributary-eos/1 1:5-9,2:3-4", "out of order");
        assertRefused(4, "tributary-eos/1 1:5-9", "the committed offset 4 is not the first pending offset 5");
    }

    @Test
    void rangesOfAnotherPartitionOrOutOfOrderAreRefusedAtCommit() {
        PendingRange other = new PendingRange(new KafkaPosition("events", 4, 1), new KafkaPosition("events", 4, 2), 1);
        assertThrows(IllegalArgumentException.class, () -> PendingRangesMetadata.encode(P, List.of(other)));
        assertThrows(IllegalArgumentException.class, () -> PendingRangesMetadata.encode(P, List.of(range(5, 9, 1), range(1, 2, 2))));
    }

    @Test
    void theMostRangesThePipelineCanHaveFitTheBrokersDefaultEvenWithTheLongestOffsets() {
        // maxInFlightBatches is at most 64: 65 ranges per partition.
        List<PendingRange> ranges = new ArrayList<>();
        long first = Long.MAX_VALUE - 65L * 2;
        for (int i = 0; i < 65; i++) {
            ranges.add(range(first + 2L * i, first + 2L * i + 1, 9_999_999_999_999L));
        }
        String text = PendingRangesMetadata.encode(P, ranges);
        assertTrue(text.length() <= PendingRangesMetadata.MAX_BYTES, text.length() + " bytes");
        assertEquals(ranges, PendingRangesMetadata.decode(P, first, text).ranges());
    }

    @Test
    void moreThanTheBrokersKeepIsRefusedSayingToLowerMaxInFlightBatches() {
        List<PendingRange> ranges = new ArrayList<>();
        long first = Long.MAX_VALUE - 100L * 2;
        for (int i = 0; i < 80; i++) {
            ranges.add(range(first + 2L * i, first + 2L * i + 1, 9_999_999_999_999L));
        }
        IllegalStateException error = assertThrows(IllegalStateException.class, () -> PendingRangesMetadata.encode(P, ranges));
        assertTrue(error.getMessage().contains("offset.metadata.max.bytes") && error.getMessage().contains("maxInFlightBatches")
                && error.getMessage().contains("events/3"), error.getMessage());
    }
}
