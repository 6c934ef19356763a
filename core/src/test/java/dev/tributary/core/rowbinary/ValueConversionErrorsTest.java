package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Values that cannot be converted: each throws a ValueConversionException whose message names the
 * value, the type and the reason (and where in a nested value), and the output is left as it was.
 */
class ValueConversionErrorsTest {

    private static final ZoneId UTC = ZoneId.of("UTC");

    static Stream<Arguments> badValues() throws UnknownHostException {
        InetAddress ipv6 = InetAddress.getByAddress(new byte[] {0x20, 1, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        return Stream.of(
                // integers: overflow is an error, never a wrap
                bad("UInt8", 300, "value 300 is out of range for UInt8 (0..255)"),
                bad("UInt8", -1, "value -1 is out of range for UInt8 (0..255)"),
                bad("Int8", "-129", "value \"-129\" is out of range for Int8 (-128..127)"),
                bad("Int16", 32768L, "value 32768 is out of range for Int16 (-32768..32767)"),
                bad("UInt32", 4294967296L, "value 4294967296 is out of range for UInt32 (0..4294967295)"),
                bad("Int64", "9223372036854775808",
                        "value \"9223372036854775808\" is out of range for Int64 (-9223372036854775808..9223372036854775807)"),
                bad("UInt64", -1L, "value -1 is out of range for UInt64 (0..18446744073709551615)"),
                bad("UInt64", BigInteger.ONE.shiftLeft(64), "value 18446744073709551616 is out of range for UInt64"),
                bad("Int128", BigInteger.ONE.shiftLeft(127), "is out of range for Int128 (-170141183460469231731687303715884105728.."),
                bad("UInt256", BigInteger.valueOf(-1), "value -1 is out of range for UInt256 (0..1157920892373161954235709850086879078532699846656405640394575840079131296399"),
                bad("Int32", 1.5, "value 1.5 is not an integer for Int32"),
                bad("Int32", new BigDecimal("2.50"), "value 2.50 is not an integer for Int32"),
                bad("Int32", "12a", "value \"12a\" is not an integer for Int32"),
                bad("Int32", "", "value \"\" is not an integer for Int32"),
                bad("Int32", " 1", "value \" 1\" is not an integer for Int32"),
                bad("Int32", Double.NaN, "value NaN is not an integer for Int32"),
                bad("Int32", new BigDecimal("1e30"), "value 1E+30 is out of range for Int32 (-2147483648..2147483647)"),
                bad("Int32", UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"),
                        "value 61f0c404-5cb3-11e7-907b-a6006ad3dba0 (java.util.UUID) is of type UUID, which is not accepted for Int32 (expected an integer number or integer text)"),
                bad("Int32", new byte[] {1, 2}, "value 0x0102 (2 bytes) is raw bytes, which are not accepted for Int32"),
                bad("Int32", null, "value null is not allowed for Int32 (the type is not Nullable)"),
                // floats and booleans
                bad("Float64", "abc", "value \"abc\" is not a number for Float64"),
                bad("Float64", "0x10", "value \"0x10\" is not a number for Float64"),
                bad("Float32", "1.5f", "value \"1.5f\" is not a number for Float32"),
                bad("Float32", "1e", "value \"1e\" is not a number for Float32"),
                bad("Float32", true, "value true is of type Boolean, which is not accepted for Float32 (expected a number or numeric text)"),
                bad("Bool", 2, "value 2 is not a boolean for Bool (only 0 and 1 are)"),
                bad("Bool", "yes", "value \"yes\" is not a boolean for Bool (expected true, false, 1 or 0)"),
                // decimals: exact, never rounded
                bad("Decimal(5, 2)", "1.005", "value \"1.005\" has too many digits after the point for Decimal(5, 2) (at most 2 digits after the point; values are not rounded)"),
                bad("Decimal(5, 2)", "1000", "value \"1000\" has too many digits for Decimal(5, 2) (at most 3 digits before the point)"),
                bad("Decimal(5, 2)", -1000L, "value -1000 has too many digits for Decimal(5, 2) (at most 3 digits before the point)"),
                bad("Decimal(9, 2)", 0.125, "value 0.125 has too many digits after the point for Decimal(9, 2)"),
                bad("Decimal(9, 2)", Double.POSITIVE_INFINITY, "value Infinity is not a finite number for Decimal(9, 2)"),
                bad("Decimal(9, 2)", "1,5", "value \"1,5\" is not a decimal number for Decimal(9, 2)"),
                bad("Decimal256(20)", "1e56", "value \"1e56\" has too many digits for Decimal(76, 20) (at most 56 digits before the point)"),
                bad("Decimal(38, 10)", "1e999999999", "value \"1e999999999\" has too many digits for Decimal(38, 10)"),
                bad("Decimal(38, 10)", "1e-999999999", "value \"1e-999999999\" has too many digits after the point for Decimal(38, 10)"),
                // dates
                bad("Date", "2020-13-01", "value \"2020-13-01\" is not a date for Date (expected YYYY-MM-DD"),
                bad("Date", "2021-02-29", "value \"2021-02-29\" is not a date for Date"),
                bad("Date", "20200101", "value \"20200101\" is not a date for Date"),
                bad("Date", "1969-12-31", "value \"1969-12-31\" is out of range for Date (1970-01-01..2149-06-06)"),
                bad("Date", 65536, "value 65536 is out of range for Date (1970-01-01..2149-06-06, days 0..65535 since 1970-01-01)"),
                bad("Date32", "1899-12-31", "value \"1899-12-31\" is out of range for Date32 (1900-01-01..2299-12-31)"),
                bad("Date32", "2300-01-01T00:00:00Z", "value \"2300-01-01T00:00:00Z\" is out of range for Date32"),
                bad("DateTime", "2020-01-01 25:00:00", "value \"2020-01-01 25:00:00\" is not a date-time for DateTime (expected YYYY-MM-DD"),
                bad("DateTime", "2020-01-01T10:00:00+25:00", "is not a date-time for DateTime"),
                bad("DateTime", "yesterday", "value \"yesterday\" is not a date-time for DateTime"),
                bad("DateTime", -1L, "value -1 is out of range for DateTime (1970-01-01 00:00:00 .. 2106-02-07 06:28:15 UTC)"),
                bad("DateTime", "2106-02-07 06:28:16", "value \"2106-02-07 06:28:16\" is out of range for DateTime"),
                bad("DateTime('Asia/Shanghai')", "1970-01-01 07:59:59", "is out of range for DateTime('Asia/Shanghai') (1970-01-01 00:00:00 .. 2106-02-07 06:28:15 UTC)"),
                bad("DateTime", Instant.parse("1969-12-31T23:59:59Z"), "value 1969-12-31T23:59:59Z (java.time.Instant) is out of range for DateTime"),
                bad("DateTime", LocalTime.NOON, "value 12:00 (java.time.LocalTime) is of type LocalTime, which is not accepted for DateTime"),
                bad("DateTime64(3)", "1899-12-31 23:59:59.999", "is out of range for DateTime64(3) (1900-01-01 00:00:00.000 .. 2299-12-31 23:59:59.999 UTC)"),
                bad("DateTime64(3)", "2300-01-01 00:00:00", "value \"2300-01-01 00:00:00\" is out of range for DateTime64(3)"),
                bad("DateTime64(9)", "2262-04-11 23:47:16.854775808", "is out of range for DateTime64(9) (1900-01-01 00:00:00.000000000 .. 2262-04-11 23:47:16.854775807 UTC)"),
                bad("DateTime64(0, 'Asia/Shanghai')", "1899-12-31 23:59:59", "is out of range for DateTime64(0, 'Asia/Shanghai') (1900-01-01 00:00:00 .. 2299-12-31 23:59:59 Asia/Shanghai)"),
                bad("DateTime64(3)", 1700000000123L, "value 1700000000123 is out of range for DateTime64(3)"),
                bad("DateTime64(3)", "17000000001", "value \"17000000001\" has 11 digits, which is no epoch time for DateTime64(3) (up to 10 digits of seconds"),
                bad("DateTime64(3)", "1700000000123.5", "has 13 digits, which is no epoch time"),
                bad("DateTime64(3)", Double.NaN, "value NaN is not a finite number for DateTime64(3)"),
                // enums
                bad("Enum8('a' = 1, 'b' = 2)", "c", "value \"c\" is not a name of the enum for Enum8('a' = 1, 'b' = 2) (allowed: 'a', 'b')"),
                bad("Enum8('a' = 1, 'b' = 2)", "A", "value \"A\" is not a name of the enum"),
                bad("Enum8('a' = 1, 'b' = 2)", 3, "value 3 is not a value of the enum for Enum8('a' = 1, 'b' = 2) (allowed: 1, 2)"),
                bad("Enum16('a' = 1000)", "1001", "value \"1001\" is not a value of the enum for Enum16('a' = 1000) (allowed: 'a')"),
                bad("Enum8('v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9')", "x",
                        "(allowed: 'v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', … (10 in all))"),
                // UUID and IP addresses
                bad("UUID", "not-a-uuid", "value \"not-a-uuid\" is not a UUID for UUID (expected 8-4-4-4-12 or 32 hex digits)"),
                bad("UUID", "61f0c404-5cb3-11e7-907b-a6006ad3dbaZ", "is not a UUID for UUID"),
                bad("UUID", "61f0c404_5cb3_11e7_907b_a6006ad3dba0", "is not a UUID for UUID"),
                bad("UUID", new byte[15], "is not 16 bytes long for UUID"),
                bad("IPv4", "256.1.1.1", "value \"256.1.1.1\" is not an IPv4 address for IPv4"),
                bad("IPv4", "1.2.3", "value \"1.2.3\" is not an IPv4 address for IPv4"),
                bad("IPv4", "01.2.3.4", "value \"01.2.3.4\" is not an IPv4 address for IPv4"),
                bad("IPv4", "localhost", "value \"localhost\" is not an IPv4 address for IPv4"),
                bad("IPv4", ipv6, "is an IPv6 address for IPv4"),
                bad("IPv4", 4294967296L, "value 4294967296 is out of range for IPv4 (0..4294967295)"),
                bad("IPv6", "1::2::3", "value \"1::2::3\" is not an IPv6 address for IPv6"),
                bad("IPv6", "fe80::1%eth0", "is not an IPv6 address for IPv6"),
                bad("IPv6", "1:2:3:4:5:6:7:8:9", "is not an IPv6 address for IPv6"),
                bad("IPv6", "12345::", "is not an IPv6 address for IPv6"),
                bad("IPv6", "example.com", "value \"example.com\" is not an IPv6 address for IPv6"),
                bad("IPv6", new byte[5], "value 0x0000000000 (5 bytes) is not 16 (or 4) bytes long for IPv6"),
                // strings
                bad("FixedString(2)", "abc", "value \"abc\" is too long (3 bytes) for FixedString(2) (at most 2 bytes)"),
                bad("FixedString(2)", "é€", "value \"é€\" is too long (5 bytes) for FixedString(2)"),
                bad("FixedString(2)", 12, "value 12 is of type Integer, which is not accepted for FixedString(2) (expected text or bytes)"),
                bad("String", Map.of("a", 1), "value {a=1} (java.util.ImmutableCollections$Map1) is a nested value (Map1), which is not accepted for String"),
                bad("String", List.of(1, 2), "is a nested value (List12), which is not accepted for String (expected text, bytes, a number, a Boolean or a UUID; nested values must be turned into text (e.g. JSON) first)"),
                // NULL and shapes
                bad("LowCardinality(String)", null, "value null is not allowed for LowCardinality(String) (the type is not Nullable)"),
                bad("Array(Int32)", "1,2", "value \"1,2\" is of type String, which is not accepted for Array(Int32) (expected a List or a Java array)"),
                bad("Array(Int32)", Arrays.asList(1, null), "value null is not allowed for Int32 (the type is not Nullable) at [1]"),
                bad("Array(UInt8)", List.of(1, 300), "value 300 is out of range for UInt8 (0..255) at [1]"),
                bad("Array(Array(UInt8))", List.of(List.of(), List.of(1, 2, -3)), "value -3 is out of range for UInt8 (0..255) at [1][2]"),
                bad("Map(String, UInt8)", Map.of("k", -1), "value -1 is out of range for UInt8 (0..255) at [\"k\"]"),
                bad("Map(UInt8, String)", Map.of("x", "y"), "value \"x\" is not an integer for UInt8 at [key \"x\"]"),
                bad("Map(String, String)", List.of(), "is a nested value (ListN), which is not accepted for Map(String, String) (expected a Map)"),
                bad("Tuple(Int32, String)", List.of(1), "value [1] (java.util.ImmutableCollections$List12) has 1 element for Tuple(Int32, String) (the tuple has 2 elements)"),
                bad("Tuple(Int32, String)", Map.of("a", 1), "is a Map, but the tuple has no element names for Tuple(Int32, String) (give a List, by position)"),
                bad("Tuple(Int32, String)", List.of("x", "y"), "value \"x\" is not an integer for Int32 at 1"),
                bad("Tuple(a Int32, b String)", Map.of("a", "x"), "value \"x\" is not an integer for Int32 at a"),
                bad("Array(Tuple(a Int32, b Nullable(UUID)))", List.of(List.of(1, "61f0c404-5cb3-11e7-907b-a6006ad3dba0"), orderedMap("a", 2, "b", 5)),
                        "value 5 is of type Integer, which is not accepted for UUID (expected a UUID, UUID text or 16 bytes) at [1].b"),
                bad("Nested(a UInt8, b String)", List.of(List.of(256, "x")), "value 256 is out of range for UInt8 (0..255) at [0].a"),
                bad("Nullable(Int8)", "x", "value \"x\" is not an integer for Int8"),
                bad("Map(String, Array(Nullable(Int64)))", Map.of("k", List.of(1, "z")), "value \"z\" is not an integer for Int64 at [\"k\"][1]"));
    }

    private static Arguments bad(String type, Object value, String expectedMessagePart) {
        return Arguments.of(type, value, expectedMessagePart);
    }

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @ParameterizedTest(name = "[{index}] {0} <- {1}")
    @MethodSource("badValues")
    void refusesWithAMessageThatNamesValueTypeAndReason(String type, Object value, String expectedMessagePart) {
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse(type), UTC);
        RowBinaryOutput out = new RowBinaryOutput(4);
        out.writeBytes(new byte[] {7, 7, 7});
        ValueConversionException e = assertThrows(ValueConversionException.class, () -> encoder.encode(value, out));
        String message = e.getMessage();
        assertTrue(message.contains(expectedMessagePart),
                () -> "expected <" + expectedMessagePart + "> in <" + message + ">");
        assertEquals(3, out.size(), "a failed value must leave the output as it was");
        assertEquals(7, out.array()[2]);
    }

    @Test
    void aDeepOrHugeNestedValueIsShownAbbreviatedWithoutWalkingItAll() {
        List<Object> deep = new java.util.ArrayList<>();
        List<Object> innermost = deep;
        for (int i = 0; i < 100_000; i++) { // toString() of this overflows any stack
            List<Object> next = new java.util.ArrayList<>();
            innermost.add(next);
            innermost = next;
        }
        ColumnEncoder string = ColumnEncoders.forType(ClickHouseType.parse("String"), UTC);
        ValueConversionException e = assertThrows(ValueConversionException.class, () -> string.encode(deep, new RowBinaryOutput()));
        assertTrue(e.getMessage().startsWith("value [[[[[[[[[[[…"), e.getMessage());
        List<Object> huge = java.util.Collections.nCopies(50_000_000, (Object) 12345L); // 300 MB of text
        e = assertThrows(ValueConversionException.class, () -> string.encode(huge, new RowBinaryOutput()));
        assertTrue(e.getMessage().startsWith("value [12345, 12345, 12345,"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
    }

    @Test
    void longValuesAreAbbreviatedInMessages() {
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse("Int32"), UTC);
        ValueConversionException e = assertThrows(ValueConversionException.class,
                () -> encoder.encode("x".repeat(500), new RowBinaryOutput()));
        assertEquals(100, e.value().length());
        assertTrue(e.value().endsWith("…\""), e.value());
        assertEquals("value \"" + "x".repeat(97) + "…\" is not an integer for Int32", e.getMessage());
    }

    @Test
    void accessorsGiveTheMessageParts() {
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse("Map(String, Array(UInt8))"), UTC);
        ValueConversionException e = assertThrows(ValueConversionException.class,
                () -> encoder.encode(Map.of("k", List.of(999)), new RowBinaryOutput()));
        assertEquals("999", e.value());
        assertEquals("UInt8", e.type());
        assertEquals("[\"k\"][0]", e.path());
        assertEquals(0, e.getStackTrace().length, "bad data comes by the million: no stack traces");
    }

    @Test
    void nestedFailuresLeaveNoPartialRowBehind() throws ValueConversionException {
        ColumnEncoder encoder = ColumnEncoders.forType(
                ClickHouseType.parse("Tuple(a Array(Nullable(String)), b Map(String, UInt8))"), UTC);
        RowBinaryOutput out = new RowBinaryOutput();
        encoder.encode(List.of(List.of("ok"), Map.of("k", 1)), out);
        byte[] good = out.toByteArray();
        assertThrows(ValueConversionException.class,
                () -> encoder.encode(List.of(Arrays.asList("x", null, "y"), Map.of("k", 256)), out));
        assertEquals(good.length, out.size());
        encoder.encode(List.of(List.of("ok"), Map.of("k", 1)), out);
        assertEquals(2 * good.length, out.size());
    }
}
