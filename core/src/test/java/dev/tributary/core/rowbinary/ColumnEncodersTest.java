package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the conformance suites against chDB do not show: the encoder's reported type, zones, and sharing. */
class ColumnEncodersTest {

    private static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void anEncoderReportsTheColumnTypeItWasBuiltFor() {
        for (String text : List.of("LowCardinality(Nullable(String))", "Nested(a UInt8, b String)", "Decimal32(2)",
                "Map(String, Array(Nullable(Int64)))", "Enum8('a' = 1)")) {
            ClickHouseType type = ClickHouseType.parse(text);
            assertEquals(type, ColumnEncoders.forType(type, UTC).type());
        }
    }

    @Test
    void errorsNameTheColumnTypeForWrappersThatWriteTheirElement() {
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse("LowCardinality(String)"), UTC);
        ValueConversionException e = assertThrows(ValueConversionException.class,
                () -> encoder.encode(List.of("x"), new RowBinaryOutput()));
        assertTrue(e.getMessage().contains("for LowCardinality(String)"), e.getMessage());
    }

    @Test
    void aValueNoVariantAcceptsFailsNamingTheVariantTypeAndWritesNothing() {
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse("Variant(UInt8, Bool)"), UTC);
        RowBinaryOutput out = new RowBinaryOutput();
        out.writeByte(7);
        ValueConversionException e = assertThrows(ValueConversionException.class, () -> encoder.encode("not a number", out));
        assertTrue(e.getMessage().contains("Variant(Bool, UInt8)") && e.getMessage().contains("no variant"), e.getMessage());
        assertEquals(1, out.size(), "a refused value leaves nothing behind");
        assertThrows(ValueConversionException.class, () -> encoder.encode(300, out));
        assertEquals(1, out.size());
    }

    @Test
    void aVariantTriesTheVariantsOfTheValuesKindFirstThenAnyOther() throws ValueConversionException {
        // Variant(Date, Int64, String): Date = 0, Int64 = 1, String = 2.
        assertEquals("02023432", hexOf("Variant(String, Int64, Date)", UTC, "42"));
        assertEquals("012a00000000000000", hexOf("Variant(String, Int64, Date)", UTC, 42));
        // Without a String variant, text falls through to the first variant that parses it.
        assertEquals("01d6ffffffffffffff", hexOf("Variant(Int64, Date)", UTC, "-42"));
        assertEquals("ff", hexOf("Variant(Int64, Date)", UTC, null));
    }

    @Test
    void jsonIsWrittenAsCompactTextAndOnlyAnObjectIsTaken() throws ValueConversionException {
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse("JSON"), UTC);
        RowBinaryOutput out = new RowBinaryOutput();
        encoder.encode(Map.of("a", List.of(1, "x")), out);
        byte[] text = "{\"a\":[1,\"x\"]}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(HexFormat.of().toHexDigits((byte) text.length) + HexFormat.of().formatHex(text),
                HexFormat.of().formatHex(out.toByteArray()));
        for (Object bad : List.of("[1]", "{\"a\": 1} x", "{\"a\":", 5, List.of(1), Map.of("a", Double.NaN))) {
            int before = out.size();
            assertThrows(ValueConversionException.class, () -> encoder.encode(bad, out), String.valueOf(bad));
            assertEquals(before, out.size());
        }
    }

    /**
     * The engine's JSON holds numbers as Int64, UInt64 or Float64 and refuses the whole insert for any
     * other (code 117): such a number is refused here, naming it, so that only its record is an error.
     */
    @Test
    void aJsonNumberTheEngineCannotHoldIsRefusedAndTheLimitsAreWritten() throws ValueConversionException {
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse("JSON"), UTC);
        RowBinaryOutput out = new RowBinaryOutput();
        for (Object bad : List.of(new java.math.BigInteger("18446744073709551616"), new java.math.BigInteger("-9223372036854775809"),
                new java.math.BigDecimal("1e400"), new java.math.BigDecimal("-1e309"))) {
            ValueConversionException e = assertThrows(ValueConversionException.class,
                    () -> encoder.encode(Map.of("n", List.of(bad)), out), bad.toString());
            assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("a JSON column holds numbers as Int64,"
                    + " UInt64 or Float64"), e.getMessage());
            assertEquals(0, out.size());
        }
        encoder.encode(Map.of("u", new java.math.BigInteger("18446744073709551615"), "i", Long.MIN_VALUE,
                "d", new java.math.BigDecimal("1.5E+3")), new RowBinaryOutput());
    }

    @Test
    void theColumnZoneWinsOverTheDefaultZone() throws ValueConversionException {
        LocalDateTime local = LocalDateTime.of(2020, 1, 1, 8, 0);
        assertEquals(hexOf("DateTime('Asia/Shanghai')", ZoneId.of("America/New_York"), local),
                hexOf("DateTime", ZoneId.of("Asia/Shanghai"), local));
        // 2020-01-01T00:00:00Z = 1577836800 = 0x5e0be100
        assertEquals("00e10b5e", hexOf("DateTime", ZoneId.of("Asia/Shanghai"), "2020-01-01 08:00:00"));
        assertEquals("00e10b5e", hexOf("DateTime", ZoneId.of("Asia/Shanghai"), "2020-01-01T00:00:00Z"));
        assertEquals("00e10b5e", hexOf("DateTime('UTC')", ZoneId.of("Asia/Shanghai"), "2020-01-01 00:00:00"));
    }

    @Test
    void theDateOfADateTimeIsItsOwnDatePart() throws ValueConversionException {
        // 2020-02-29 = day 18321 = 0x4791; an Instant has no date of its own: it is taken in the default zone.
        assertEquals("9147", hexOf("Date", UTC, "2020-02-29T23:30:00-05:00"));
        assertEquals("9247", hexOf("Date", ZoneId.of("Asia/Tokyo"), Instant.parse("2020-02-29T23:30:00Z")));
        assertEquals("9147", hexOf("Date", ZoneId.of("America/New_York"), Instant.parse("2020-03-01T01:00:00Z")));
    }

    @Test
    void oneEncoderServesManyThreads() throws InterruptedException {
        ColumnEncoder encoder = ColumnEncoders.forType(
                ClickHouseType.parse("Array(Tuple(a DateTime64(3, 'Asia/Kolkata'), b Map(String, Decimal(20, 4))))"), UTC);
        Object value = List.of(List.of("2020-01-01 00:00:00.123", Map.of("k", "12.5")));
        String expected = hex(encodeQuietly(encoder, value));
        List<Thread> threads = new ArrayList<>();
        Queue<String> results = new ConcurrentLinkedQueue<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 2000; i++) {
                    results.add(hex(encodeQuietly(encoder, value)));
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(8000, results.size());
        assertTrue(results.stream().allMatch(expected::equals));
    }

    private static RowBinaryOutput encodeQuietly(ColumnEncoder encoder, Object value) {
        RowBinaryOutput out = new RowBinaryOutput();
        try {
            encoder.encode(value, out);
        } catch (ValueConversionException e) {
            throw new AssertionError(e.getMessage(), e);
        }
        return out;
    }

    private static String hexOf(String type, ZoneId zone, Object value) throws ValueConversionException {
        RowBinaryOutput out = new RowBinaryOutput();
        ColumnEncoders.forType(ClickHouseType.parse(type), zone).encode(value, out);
        return hex(out);
    }

    private static String hex(RowBinaryOutput out) {
        return HexFormat.of().formatHex(out.toByteArray());
    }
}
