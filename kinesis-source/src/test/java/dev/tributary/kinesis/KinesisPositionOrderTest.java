package dev.tributary.kinesis;

import dev.tributary.core.SourcePosition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link KinesisPosition#compareWithinSplit}: what exactly-once delivery orders ranges by. */
class KinesisPositionOrderTest {

    private static final String SHARD = "shardId-000000000000";
    /** Kinesis sequence numbers are up to 128 digits: beyond a long. */
    private static final String BIG = "49590338271490256608559692538361571095921575989136588898";

    private static KinesisPosition at(String sequenceNumber) {
        return new KinesisPosition("events", SHARD, sequenceNumber);
    }

    private static KinesisPosition inside(String sequenceNumber, int sub) {
        return new KinesisPosition("events", SHARD, sequenceNumber, sub);
    }

    @Test
    void sequenceNumbersCompareAsIntegersThenSubSequenceNumbers() {
        String bigPlusOne = new java.math.BigInteger(BIG).add(java.math.BigInteger.ONE).toString();
        List<KinesisPosition> ordered = List.of(at("9"), at("10"), at("123"), at(BIG), inside(BIG, 0), inside(BIG, 1),
                inside(BIG, 10), at(bigPlusOne), inside(bigPlusOne, 0));
        List<KinesisPosition> shuffled = new ArrayList<>(ordered);
        Collections.reverse(shuffled);
        shuffled.sort(KinesisPosition::compareWithinSplit);
        assertEquals(ordered, shuffled, "\"9\" < \"10\" as numbers, not as text; a plain record before user record 0");
        assertEquals(0, inside(BIG, 3).compareWithinSplit(inside(BIG, 3)));
        assertEquals(0, at("0042").compareWithinSplit(at("42")), "the same number");
    }

    @Test
    void anotherShardStreamOrSourceIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> at("1").compareWithinSplit(new KinesisPosition("events",
                "shardId-000000000001", "1")));
        assertThrows(IllegalArgumentException.class, () -> at("1").compareWithinSplit(new KinesisPosition("orders", SHARD, "1")));
        SourcePosition foreign = () -> "events/" + SHARD;
        assertThrows(IllegalArgumentException.class, () -> at("1").compareWithinSplit(foreign));
    }
}
