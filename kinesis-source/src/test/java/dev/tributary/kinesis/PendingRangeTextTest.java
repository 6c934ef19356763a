package dev.tributary.kinesis;

import dev.tributary.core.PendingRange;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text of a shard's pending ranges in the checkpoint store, and its checkpoint beside it. */
class PendingRangeTextTest {

    private static final String SHARD = "shardId-000000000003";
    private static final String SEQ = "49590338271490256608559692538361571095921575989136588898";
    private static final String NEXT = "49590338271490256608559692538361571095921575989136588899";

    private static KinesisPosition at(String sequenceNumber) {
        return new KinesisPosition("events", SHARD, sequenceNumber);
    }

    private static KinesisPosition inside(String sequenceNumber, int sub) {
        return new KinesisPosition("events", SHARD, sequenceNumber, sub);
    }

    @Test
    void rangesOfPlainAndAggregatedRecordsRoundTripInTheVersionedFormat() {
        List<PendingRange> ranges = List.of(new PendingRange(at("100"), at(SEQ), 1_764_000_000_123L),
                new PendingRange(inside(NEXT, 0), inside(NEXT, 4), 1_764_000_000_456L),
                new PendingRange(inside(NEXT, 5), at("49590338271490256608559692538361571095921575989136588900"), 1_764_000_001_000L));
        String text = PendingRangeText.encode(ranges);
        assertEquals("tributary-eos/1 1764000000123:100-" + SEQ + ",1764000000456:" + NEXT + ":0-" + NEXT + ":4,1764000001000:"
                + NEXT + ":5-49590338271490256608559692538361571095921575989136588900", text);
        assertEquals(ranges, PendingRangeText.decode("events", SHARD, text));
        assertEquals("", PendingRangeText.encode(List.of()));
        assertEquals(List.of(), PendingRangeText.decode("events", SHARD, ""));
    }

    @Test
    void anotherVersionGarbledTextOrRangesOutOfOrderAreRefusedWithTheText() {
        // The format's own refusals are PendingRangesTextTest's; here: sequence numbers, and the text in the message.
        for (String text : List.of("tributary-eos/2 1:1-2", "1:1-2", "tributary-eos/1 1:a-2", "tributary-eos/1 1:1:x-2",
                "tributary-eos/1 1:1-2:1234567890", "tributary-eos/1 1:5-2", "tributary-eos/1 1:7:3-7:2",
                "tributary-eos/1 1:1-5,2:5-6", "tributary-eos/1 1:7-8,2:1-2")) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> PendingRangeText.decode("events", SHARD, text), text);
            assertTrue(error.getMessage().contains("'" + text + "'"), error.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> PendingRangeText.encode(List.of(
                new PendingRange(at("5"), at("9"), 1), new PendingRange(at("9"), at("12"), 2))));
    }

    @Test
    void aCheckpointCarriesItsPendingRangesAndAFinishedShardHasNone() {
        Checkpoint checkpoint = Checkpoint.at("99").withPendingRanges("tributary-eos/1 5:100-120");
        assertEquals("99", checkpoint.sequenceNumber());
        assertTrue(checkpoint.hasPendingRanges());
        assertEquals(Checkpoint.at("99"), checkpoint.withPendingRanges(""));
        assertEquals(Checkpoint.TRIM_HORIZON, new Checkpoint("TRIM_HORIZON", ""));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.SHARD_END.withPendingRanges("tributary-eos/1 5:100-120"));
    }
}
