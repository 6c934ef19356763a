package dev.tributary.core;

import dev.tributary.core.testing.TestRecord.Position;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one text format in which sources keep a split's pending ranges. */
class PendingRangesTextTest {

    private static final String SPLIT = "events/3";
    private static final Function<SourcePosition, String> PRINTER = position -> Long.toString(((Position) position).offset());
    private static final Function<String, Position> PARSER = offset -> new Position(SPLIT, PendingRangesText.parseDecimal(offset));

    private static PendingRange range(long first, long last, long sealedAt) {
        return new PendingRange(new Position(SPLIT, first), new Position(SPLIT, last), sealedAt);
    }

    private static void assertRefused(String text, String reason) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> PendingRangesText.decode(text, PARSER), text);
        assertTrue(error.getMessage().contains(reason), "'" + error.getMessage() + "' should say " + reason);
    }

    @Test
    void rangesAreWrittenAsAVersionedCompactTextAndReadBack() {
        List<PendingRange> ranges = List.of(range(100, 149, 1_764_337_200_000L), range(150, 150, 1_764_337_200_250L),
                range(160, 9_000_000_000L, 1_764_337_201_000L));
        String text = PendingRangesText.encode(ranges, PRINTER);
        assertEquals("tributary-eos/1 1764337200000:100-149,1764337200250:150-150,1764337201000:160-9000000000", text);
        assertEquals(ranges, PendingRangesText.decode(text, PARSER));
    }

    @Test
    void noRangesIsEmptyText() {
        assertEquals("", PendingRangesText.encode(List.of(), PRINTER));
        assertEquals(List.of(), PendingRangesText.decode("", PARSER));
    }

    @Test
    void positionsThatHoldAColonReadBackWhole() {
        // Kinesis positions inside aggregated records print as <sequence number>:<sub-sequence number>.
        Function<SourcePosition, String> printer = position -> ((Position) position).offset() / 10 + ":" + ((Position) position).offset() % 10;
        Function<String, Position> parser = printed -> {
            int colon = printed.indexOf(':');
            return new Position(SPLIT, PendingRangesText.parseDecimal(printed.substring(0, colon)) * 10
                    + PendingRangesText.parseDecimal(printed.substring(colon + 1)));
        };
        List<PendingRange> ranges = List.of(range(120, 124, 5), range(125, 131, 6));
        String text = PendingRangesText.encode(ranges, printer);
        assertEquals("tributary-eos/1 5:12:0-12:4,6:12:5-13:1", text);
        assertEquals(ranges, PendingRangesText.decode(text, parser));
    }

    @Test
    void foreignTextAndOtherVersionsAreRefusedSayingSo() {
        assertRefused("hello from another tool", "not written by Tributary");
        assertRefused("tributary-eos/2 1:5-6", "'tributary-eos/2' is not one this version reads (tributary-eos/1)");
        assertRefused("tributary-eos/1", "'tributary-eos/1' is not one this version reads");
    }

    @Test
    void garbledOrTruncatedTextIsRefusedNamingTheRange() {
        assertRefused("tributary-eos/1 ", "range 1 '' is not <sealedAtMillis>:<first>-<last>");
        assertRefused("tributary-eos/1 1:5-6,", "range 2 '' is not");
        assertRefused("tributary-eos/1 1:5-6,2:7", "range 2 '2:7' is not");
        assertRefused("tributary-eos/1 5-6", "range 1 '5-6' is not");
        assertRefused("tributary-eos/1 1:5-x", "range 1 '1:5-x' is not <sealedAtMillis>:<first>-<last>: 'x' is not a decimal number");
        assertRefused("tributary-eos/1 x:5-6", "range 1 'x:5-6' is not");
        assertRefused("tributary-eos/1 1:+5-6", "is not");
        assertRefused("tributary-eos/1 1:5--6", "is not");
        assertRefused("tributary-eos/1 1:5-6-7", "range 1 '1:5-6-7' is not");
        assertRefused("tributary-eos/1 1: 5-6", "is not");
        assertRefused("tributary-eos/1  1:5-6", "is not");
        assertRefused("tributary-eos/1 1:5-9\u0000", "'1:5-9\\u0000' is not");
    }

    @Test
    void numbersOutOfRangeAreRefused() {
        assertRefused("tributary-eos/1 1:5-99999999999999999999", "is not"); // 20 digits
        assertRefused("tributary-eos/1 1:5-9223372036854775808", "'9223372036854775808' is not a decimal number"); // 19, beyond a long
        assertRefused("tributary-eos/1 9223372036854775808:5-6", "range 1 '9223372036854775808:5-6' is not");
        assertEquals(List.of(range(5, Long.MAX_VALUE, Long.MAX_VALUE)),
                PendingRangesText.decode("tributary-eos/1 9223372036854775807:5-9223372036854775807", PARSER));
    }

    @Test
    void emptyOverlappingOrOutOfOrderRangesAreRefused() {
        assertRefused("tributary-eos/1 1:6-5", "range 1 '1:6-5' is empty, overlaps or is out of order");
        assertRefused("tributary-eos/1 1:5-9,2:9-12", "range 2 '2:9-12' is empty, overlaps or is out of order");
        assertRefused("tributary-eos/1 1:5-9,2:3-4", "range 2 '2:3-4' is empty, overlaps or is out of order");
    }

    @Test
    void aParserThatRefusesAPositionIsQuoted() {
        Function<String, Position> evenOnly = printed -> {
            long offset = PendingRangesText.parseDecimal(printed);
            if (offset % 2 != 0) {
                throw new IllegalArgumentException("odd offset " + offset);
            }
            return new Position(SPLIT, offset);
        };
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> PendingRangesText.decode("tributary-eos/1 1:4-6,2:8-9", evenOnly));
        assertEquals("range 2 '2:8-9' is not <sealedAtMillis>:<first>-<last>: odd offset 9", error.getMessage());
    }

    @Test
    void overlappingOrOutOfOrderRangesNegativeSealTimesAndUnkeepablePositionsAreRefusedAtEncoding() {
        assertThrows(IllegalArgumentException.class, () -> PendingRangesText.encode(List.of(range(5, 9, 1), range(9, 12, 2)), PRINTER));
        assertThrows(IllegalArgumentException.class, () -> PendingRangesText.encode(List.of(range(5, 9, 1), range(1, 2, 2)), PRINTER));
        assertThrows(IllegalArgumentException.class, () -> PendingRangesText.encode(List.of(range(5, 9, -1)), PRINTER));
        PendingRange otherSplit = new PendingRange(new Position("events/4", 10), new Position("events/4", 12), 2);
        assertThrows(IllegalArgumentException.class, () -> PendingRangesText.encode(List.of(range(5, 9, 1), otherSplit), PRINTER));
        for (String unkeepable : new String[] {"", "a,b", "-5", "5 6", "5\n"}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> PendingRangesText.encode(List.of(range(5, 9, 1)), position -> unkeepable), unkeepable);
            assertTrue(error.getMessage().contains("which pending ranges cannot keep"), error.getMessage());
        }
    }

    @Test
    void quotedTextIsShortAndPrintable() {
        assertEquals("'" + "x".repeat(80) + "...'", PendingRangesText.quoted("x".repeat(500) + "\n"));
        assertEquals("'a\\u000ab'", PendingRangesText.quoted("a\nb"));
    }
}
