package dev.tributary.core.rowbinary;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The catalogue of conformance cases: a Java value, the column type it is encoded to, and the SQL
 * literal whose {@code CAST} to that type gives the engine's own bytes for the same value.
 */
public final class ConformanceCases {

    /** chDB's session time zone; columns without a zone of their own are encoded in it. */
    public static final ZoneId ENGINE_ZONE = ZoneId.of("UTC");

    /**
     * One case.
     *
     * @param goldenType the type of the engine's {@code CAST}
     * @param literal the SQL expression cast to {@code goldenType}
     * @param type the column type the Java value is encoded to (usually {@code goldenType})
     * @param zone the encoder's default zone
     * @param value the Java value
     */
    public record Case(String goldenType, String literal, String type, ZoneId zone, Object value) {
        @Override
        public String toString() {
            String shown = value instanceof byte[] bytes ? "byte" + Arrays.toString(bytes) : String.valueOf(value);
            String className = value == null ? "null" : value.getClass().getSimpleName();
            String zoneNote = type.equals(goldenType) ? "" : " in " + zone + " (as " + goldenType + ")";
            shown = printable(shown);
            return type + zoneNote + " <- " + (shown.length() > 60 ? shown.substring(0, 59) + "…" : shown) + " (" + className + ")";
        }
    }

    /** Control characters and surrogates as escapes: test reports drop what follows a lone surrogate. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c < 0x20 || Character.isSurrogate(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private final List<Case> cases = new ArrayList<>();

    private ConformanceCases() {
    }

    /** Every case, freshly built. */
    public static List<Case> all() {
        ConformanceCases c = new ConformanceCases();
        c.integers();
        c.floats();
        c.booleans();
        c.strings();
        c.decimals();
        c.dates();
        c.dateTimes();
        c.dateTime64s();
        c.enums();
        c.uuids();
        c.ips();
        c.nullableAndLowCardinality();
        c.arraysMapsTuples();
        c.variantsAndJson();
        return List.copyOf(c.cases);
    }

    private void add(String type, String literal, Object... values) {
        for (Object value : values) {
            cases.add(new Case(type, literal, type, ENGINE_ZONE, value));
        }
    }

    /** A column without a zone, encoded with {@code zone} as the default, against the engine's cast to the zoned type. */
    private void addInZone(String type, String zone, String literal, Object... values) {
        String goldenType = type.equals("DateTime") ? "DateTime('" + zone + "')"
                : type.replace(")", ", '" + zone + "')");
        for (Object value : values) {
            cases.add(new Case(goldenType, literal, type, ZoneId.of(zone), value));
        }
    }

    private void integers() {
        add("Int8", "-128", -128, (byte) -128, "-128", -128L, BigInteger.valueOf(-128), new BigDecimal("-128.00"), -128.0);
        add("Int8", "127", 127, "+127", (short) 127, 127.0f);
        add("Int8", "0", 0, "0", false, "-0");
        add("Int8", "1", true, 1L);
        add("Int16", "-32768", (short) -32768, "-32768", -32768L);
        add("Int16", "32767", 32767, "32767");
        add("Int32", "-2147483648", Integer.MIN_VALUE, "-2147483648", -2147483648L);
        add("Int32", "2147483647", Integer.MAX_VALUE, "2147483647", 2.147483647E9);
        add("Int64", "-9223372036854775808", Long.MIN_VALUE, "-9223372036854775808", BigInteger.valueOf(Long.MIN_VALUE));
        add("Int64", "9223372036854775807", Long.MAX_VALUE, "9223372036854775807", new BigDecimal("9223372036854775807"));
        add("Int64", "-1", -1, "-1");
        add("UInt8", "0", 0, "0");
        add("UInt8", "255", 255, "255", (short) 255, 255L);
        add("UInt16", "65535", 65535, "65535");
        add("UInt32", "4294967295", 4294967295L, "4294967295");
        add("UInt64", "'18446744073709551615'", new BigInteger("18446744073709551615"), "18446744073709551615");
        add("UInt64", "'9223372036854775808'", new BigInteger("9223372036854775808"), "9223372036854775808");
        add("UInt64", "9223372036854775807", Long.MAX_VALUE);
        add("UInt64", "0", 0L, BigInteger.ZERO);
        String int128Min = BigInteger.ONE.shiftLeft(127).negate().toString();
        String int128Max = BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE).toString();
        add("Int128", "'" + int128Min + "'", new BigInteger(int128Min), int128Min);
        add("Int128", "'" + int128Max + "'", new BigInteger(int128Max), int128Max);
        add("Int128", "-1", -1L, "-1", BigInteger.valueOf(-1));
        add("Int128", "'-9223372036854775809'", new BigInteger("-9223372036854775809"));
        String uint128Max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE).toString();
        add("UInt128", "'" + uint128Max + "'", new BigInteger(uint128Max), uint128Max);
        add("UInt128", "12345", 12345, "12345");
        String int256Min = BigInteger.ONE.shiftLeft(255).negate().toString();
        String int256Max = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.ONE).toString();
        add("Int256", "'" + int256Min + "'", new BigInteger(int256Min), int256Min);
        add("Int256", "'" + int256Max + "'", new BigInteger(int256Max), int256Max);
        add("Int256", "-42", -42, new BigDecimal("-42"));
        String uint256Max = BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE).toString();
        add("UInt256", "'" + uint256Max + "'", new BigInteger(uint256Max), uint256Max);
        add("UInt256", "0", 0, BigInteger.ZERO);
        add("UInt256", "'340282366920938463463374607431768211456'", BigInteger.ONE.shiftLeft(128));
    }

    private void floats() {
        add("Float32", "0", 0.0f, 0, "0");
        add("Float32", "'-0'", -0.0f, "-0", -0.0);
        add("Float32", "1.5", 1.5f, 1.5, "1.5", new BigDecimal("1.5"));
        add("Float32", "'0.1'", "0.1", 0.1f, new BigDecimal("0.1"));
        add("Float32", "0.1", 0.1);
        add("Float32", "16777217", 16777217, 16777217L);
        // Numeric literals here: the engine's own text parser is off by one ulp at the extremes.
        add("Float32", "3.4028234663852886e38", Float.MAX_VALUE, 3.4028234663852886e38, "3.4028235e38", "3.4028235E+38");
        add("Float32", "1.401298464324817e-45", Float.MIN_VALUE, "1.4e-45");
        add("Float32", "1.1754943508222875e-38", Float.MIN_NORMAL, "1.17549435e-38");
        add("Float32", "'nan'", Float.NaN, Double.NaN, "nan", "NaN", "NAN");
        add("Float32", "'-nan'", "-nan");
        add("Float32", "'inf'", Float.POSITIVE_INFINITY, "inf", "Infinity", "+inf");
        add("Float32", "'-inf'", Double.NEGATIVE_INFINITY, "-inf", "-Infinity", "-INF");
        add("Float64", "0", 0.0, 0L);
        add("Float64", "'0.1'", 0.1, "0.1", new BigDecimal("0.1"));
        add("Float64", "toFloat32(0.1)", 0.1f);
        add("Float64", "'1.7976931348623157e308'", Double.MAX_VALUE, "1.7976931348623157e308");
        add("Float64", "4.9e-324", Double.MIN_VALUE, "4.9e-324");
        add("Float64", "'-1e-7'", -1e-7, "-1e-7", "-.0000001", "-1.0E-7");
        add("Float64", "9007199254740993", 9007199254740993L, new BigInteger("9007199254740993"));
        add("Float64", "'nan'", Double.NaN, "nan");
        add("Float64", "'-nan'", "-nan");
        add("Float64", "'inf'", Double.POSITIVE_INFINITY, "inf", "infinity");
        add("Float64", "'-inf'", Double.NEGATIVE_INFINITY, "-inf");
        add("Float64", "123456789", 123456789, "123456789", "1.23456789e8");
    }

    private void booleans() {
        add("Bool", "true", true, 1, 1L, "true", "TRUE", "True", "1", BigDecimal.ONE, 1.0);
        add("Bool", "false", false, 0, "false", "False", "0", BigInteger.ZERO);
    }

    private void strings() {
        add("String", "''", "", new byte[0], new StringBuilder());
        add("String", "'abc'", "abc", "abc".getBytes(StandardCharsets.UTF_8), ByteBuffer.wrap("xabcx".getBytes(StandardCharsets.UTF_8), 1, 3));
        add("String", "'héllo 世界 🎉'", "héllo 世界 🎉", "héllo 世界 🎉".getBytes(StandardCharsets.UTF_8));
        add("String", "'Ω'", new StringBuilder("Ω"));
        add("String", "unhex('00FF10807F')", (Object) new byte[] {0, (byte) 0xFF, 0x10, (byte) 0x80, 0x7F});
        add("String", "repeat('ab', 150)", "ab".repeat(150));
        add("String", "repeat('€', 10000)", "€".repeat(10000));
        add("String", "'?'", "\uD800");
        add("String", "'tab\\there\\nnew line'", "tab\there\nnew line");
        add("String", "'42'", 42, 42L, BigInteger.valueOf(42));
        add("String", "'-1.5'", -1.5, new BigDecimal("-1.5"));
        add("String", "'0.00001'", new BigDecimal("1E-5"));
        add("String", "'true'", true);
        add("String", "'61f0c404-5cb3-11e7-907b-a6006ad3dba0'", UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"));
        add("FixedString(3)", "'ab'", "ab", "ab".getBytes(StandardCharsets.UTF_8));
        add("FixedString(3)", "'abc'", "abc", ByteBuffer.wrap("abc".getBytes(StandardCharsets.UTF_8)));
        add("FixedString(3)", "''", "", new byte[0]);
        add("FixedString(3)", "'é'", "é");
        add("FixedString(4)", "'🎉'", "🎉");
        add("FixedString(1)", "unhex('FF')", (Object) new byte[] {(byte) 0xFF});
        add("FixedString(16)", "'hello'", "hello");
    }

    private void decimals() {
        add("Decimal(9, 2)", "'1.23'", new BigDecimal("1.23"), "1.23", new BigDecimal("1.230"), 1.23, 1.23f);
        add("Decimal(9, 2)", "'-1.23'", new BigDecimal("-1.23"), "-1.23", -1.23);
        add("Decimal(9, 2)", "'9999999.99'", new BigDecimal("9999999.99"), "9999999.99");
        add("Decimal(9, 2)", "'-9999999.99'", "-9999999.99");
        add("Decimal(9, 2)", "0", 0, BigDecimal.ZERO, "0", "0.000", 0.0);
        add("Decimal(9, 2)", "'1000'", "1e3", 1000, 1000L, new BigDecimal("1E+3"), BigInteger.valueOf(1000));
        add("Decimal32(4)", "'-0.0001'", "-0.0001", new BigDecimal("-1E-4"));
        add("Decimal(5)", "'99999'", 99999, "99999");
        add("Decimal", "'-9999999999'", -9999999999L, "-9999999999");
        add("Decimal(18, 4)", "'12345678901234.5678'", new BigDecimal("12345678901234.5678"), "12345678901234.5678");
        add("Decimal64(6)", "'-123.456'", -123.456, "-123.456");
        add("Decimal64(3)", "'-999999999999999.999'", "-999999999999999.999");
        add("Decimal(38, 10)", "'-9223372036854775808'", Long.MIN_VALUE, "-9223372036854775808");
        add("Decimal(38, 10)", "'1234567890123456789012345678.0123456789'", new BigDecimal("1234567890123456789012345678.0123456789"));
        add("Decimal128(0)", "'-99999999999999999999999999999999999999'", "-99999999999999999999999999999999999999");
        add("Decimal(20, 5)", "'-12345'", -12345, "-12345");
        add("Decimal(76, 18)", "'9223372036854775807'", Long.MAX_VALUE);
        add("Decimal(40, 18)", "'-9223372036854775807'", -Long.MAX_VALUE);
        String max256 = "9".repeat(56) + "." + "9".repeat(20);
        add("Decimal256(20)", "'" + max256 + "'", new BigDecimal(max256), max256);
        add("Decimal256(20)", "'-" + max256 + "'", new BigDecimal("-" + max256), "-" + max256);
        add("Decimal256(20)", "'0.00000000000000000001'", new BigDecimal("1E-20"), "1e-20");
        add("Decimal256(20)", "'-1.5'", -1.5, "-1.5");
        add("Decimal(76, 0)", "'" + "9".repeat(76) + "'", new BigInteger("9".repeat(76)), "9".repeat(76));
        add("Decimal(76, 76)", "'0." + "9".repeat(76) + "'", "0." + "9".repeat(76));
        add("Decimal(9, 9)", "'-0.999999999'", "-0.999999999", new BigDecimal("-0.999999999"));
    }

    private void dates() {
        add("Date", "'1970-01-01'", LocalDate.EPOCH, "1970-01-01", 0, 0L, Instant.EPOCH);
        add("Date", "'2149-06-06'", LocalDate.of(2149, 6, 6), "2149-06-06", 65535);
        add("Date", "'2020-02-29'", LocalDate.of(2020, 2, 29), "2020-02-29", "2020-02-29 23:59:59", "2020-02-29T00:00:00Z",
                "2020-02-29T23:30:00-05:00", LocalDateTime.of(2020, 2, 29, 23, 59, 59),
                OffsetDateTime.of(2020, 2, 29, 23, 0, 0, 0, ZoneOffset.ofHours(-8)), 18321,
                ZonedDateTime.of(2020, 2, 29, 1, 0, 0, 0, ZoneId.of("Asia/Tokyo")), Instant.parse("2020-02-29T12:00:00Z"));
        add("Date32", "'1900-01-01'", LocalDate.of(1900, 1, 1), "1900-01-01", -25567);
        add("Date32", "'2299-12-31'", LocalDate.of(2299, 12, 31), "2299-12-31", 120529);
        add("Date32", "'1969-12-31'", LocalDate.of(1969, 12, 31), "1969-12-31", -1, "1969-12-31T23:59:59.999Z");
        add("Date32", "'2000-02-29'", "2000-02-29", LocalDate.of(2000, 2, 29));
        add("Date32", "'1904-02-29'", "1904-02-29", Instant.parse("1904-02-29T23:59:59Z"));
    }

    private void dateTimes() {
        add("DateTime", "'1970-01-01 00:00:00'", 0, 0L, "1970-01-01 00:00:00", "1970-01-01", Instant.EPOCH, "0", LocalDate.EPOCH);
        add("DateTime", "'2106-02-07 06:28:15'", 4294967295L, "2106-02-07 06:28:15", "2106-02-07T06:28:15Z",
                Instant.ofEpochSecond(4294967295L));
        add("DateTime", "'2023-11-14 22:13:20'", 1700000000, 1700000000L, "1700000000", "2023-11-14 22:13:20",
                "2023-11-14T22:13:20", "2023-11-14T22:13:20Z", "2023-11-14t22:13:20z", "2023-11-14T22:13:20.999Z",
                "2023-11-15T03:43:20+05:30", "2023-11-15 03:43:20 +0530", "2023-11-14T17:13:20-05",
                "1700000000123", "1700000000123456", "1700000000.5", 1700000000.9, new BigDecimal("1700000000.999999"),
                BigInteger.valueOf(1700000000), Instant.ofEpochSecond(1700000000, 999_999_999),
                LocalDateTime.of(2023, 11, 14, 22, 13, 20, 500), OffsetDateTime.parse("2023-11-14T23:13:20+01:00"),
                ZonedDateTime.of(2023, 11, 14, 17, 13, 20, 0, ZoneId.of("America/New_York")));
        add("DateTime", "'2020-01-01 10:00:00'", "2020-01-01T10:00");
        add("DateTime('Asia/Shanghai')", "'2020-01-01 08:00:00'", "2020-01-01 08:00:00", "2020-01-01T00:00:00Z",
                LocalDateTime.of(2020, 1, 1, 8, 0), Instant.parse("2020-01-01T00:00:00Z"), 1577836800L);
        add("DateTime('Asia/Shanghai')", "'2020-01-01 00:00:00'", "2020-01-01", LocalDate.of(2020, 1, 1));
        add("DateTime('Asia/Kolkata')", "'2020-01-01 10:00:00'", "2020-01-01 10:00:00", LocalDateTime.of(2020, 1, 1, 10, 0));
        add("DateTime('America/New_York')", "'2021-03-14 02:30:00'", "2021-03-14 02:30:00", LocalDateTime.of(2021, 3, 14, 2, 30));
        add("DateTime('America/New_York')", "'2021-11-07 01:30:00'", "2021-11-07 01:30:00", LocalDateTime.of(2021, 11, 7, 1, 30));
        add("DateTime('America/New_York')", "'2021-07-01 12:00:00'", "2021-07-01 12:00:00", "2021-07-01T16:00:00Z");
        add("DateTime('UTC')", "'2000-01-01 00:00:00'", "2000-01-01 00:00:00", 946684800);
        addInZone("DateTime", "Asia/Kolkata", "'2020-01-01 10:00:00'", "2020-01-01 10:00:00", LocalDateTime.of(2020, 1, 1, 10, 0),
                "2020-01-01T04:30:00Z");
        addInZone("DateTime", "America/New_York", "'2021-03-14 02:30:00'", "2021-03-14 02:30:00");
    }

    private void dateTime64s() {
        String instant = "'2023-11-14 22:13:20.123456789'";
        for (int precision = 0; precision <= 9; precision++) {
            String type = "DateTime64(" + precision + ")";
            add(type, instant, "2023-11-14 22:13:20.123456789", "2023-11-14T22:13:20.123456789Z",
                    "2023-11-14T22:13:20.1234567891234Z", Instant.ofEpochSecond(1700000000, 123456789),
                    LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123456789));
            add(type, "'1969-12-31 23:59:59.999999999'", "1969-12-31 23:59:59.999999999",
                    Instant.ofEpochSecond(-1, 999_999_999));
            add(type, "'1900-01-01 00:00:00'", "1900-01-01 00:00:00", LocalDate.of(1900, 1, 1), -2208988800L);
            add(type, "1700000000", 1700000000L, "1700000000");
            add(type, "-1.5", -1.5, new BigDecimal("-1.5"), "-1.5");
            add(type, "'1700000000123456789'", "1700000000123456789");
        }
        for (int precision = 0; precision <= 8; precision++) {
            add("DateTime64(" + precision + ")", "'2299-12-31 23:59:59.99999999'", "2299-12-31 23:59:59.99999999",
                    LocalDateTime.of(2299, 12, 31, 23, 59, 59, 999_999_990));
        }
        add("DateTime64(9)", "'2262-04-11 23:47:16.854775807'", "2262-04-11 23:47:16.854775807", "9223372036854775807",
                Instant.ofEpochSecond(9223372036L, 854775807));
        add("DateTime64(3)", "'1700000000123'", "1700000000123", "1700000000123456", "1700000000.123",
                "2023-11-14T22:13:20.123Z", Instant.ofEpochMilli(1700000000123L));
        add("DateTime64(6)", "'1700000000123'", "1700000000123", "1700000000.123");
        add("DateTime64(3)", "-1.0001", -1.0001, new BigDecimal("-1.0001"));
        add("DateTime64(3)", "'1969-12-31 23:59:58.9999'", Instant.ofEpochSecond(-2, 999_900_000), "1969-12-31T23:59:58.9999Z");
        add("DateTime64(3)", "1700000000.9999", 1700000000.9999);
        add("DateTime64(3)", "'2020-01-01 00:00:00'", "2020-01-01", LocalDate.of(2020, 1, 1));
        add("DateTime64(3, 'Asia/Shanghai')", "'1900-01-01 00:00:00'", "1900-01-01 00:00:00",
                LocalDateTime.of(1900, 1, 1, 0, 0));
        add("DateTime64(3, 'Asia/Shanghai')", "'1970-01-01 00:00:00'", "1970-01-01 00:00:00", "1969-12-31T16:00:00Z");
        add("DateTime64(3, 'Asia/Shanghai')", "'2299-12-31 23:59:59.999'", "2299-12-31 23:59:59.999");
        add("DateTime64(6, 'America/New_York')", "'2021-03-14 02:30:00.25'", "2021-03-14 02:30:00.25",
                LocalDateTime.of(2021, 3, 14, 2, 30, 0, 250_000_000));
        add("DateTime64(6, 'America/New_York')", "'2021-11-07 01:30:00.000001'", "2021-11-07 01:30:00.000001");
        add("DateTime64(9, 'Asia/Kolkata')", "'2020-06-30 23:59:59.987654321'", "2020-06-30 23:59:59.987654321",
                ZonedDateTime.of(2020, 6, 30, 23, 59, 59, 987654321, ZoneId.of("Asia/Kolkata")));
        addInZone("DateTime64(3)", "Asia/Kolkata", "'2020-01-01 10:00:00.5'", "2020-01-01 10:00:00.5",
                LocalDateTime.of(2020, 1, 1, 10, 0, 0, 500_000_000));
    }

    private void enums() {
        String quoted = "Enum8('a''b' = -1, 'c' = 2)";
        add(quoted, "'a\\'b'", "a'b", -1, (byte) -1, "-1");
        add(quoted, "'c'", "c", 2, 2L, "2", BigInteger.TWO);
        add("Enum8('x' = -128, 'y' = 127)", "'x'", "x", -128);
        add("Enum8('x' = -128, 'y' = 127)", "'y'", "y", 127);
        add("Enum8('one', 'two')", "'two'", "two", 2);
        add("Enum16('lo' = -32768, 'zero' = 0, 'hi' = 32767)", "'lo'", "lo", -32768);
        add("Enum16('lo' = -32768, 'zero' = 0, 'hi' = 32767)", "'hi'", "hi", (short) 32767);
        add("Enum16('lo' = -32768, 'zero' = 0, 'hi' = 32767)", "'zero'", "zero", 0);
        add("Enum8('é' = 1, '世界' = 2)", "'世界'", "世界");
    }

    private void uuids() {
        UUID uuid = UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0");
        add("UUID", "'61f0c404-5cb3-11e7-907b-a6006ad3dba0'", uuid, "61f0c404-5cb3-11e7-907b-a6006ad3dba0",
                "61F0C404-5CB3-11E7-907B-A6006AD3DBA0", "61f0c4045cb311e7907ba6006ad3dba0", bytes(uuid),
                ByteBuffer.wrap(bytes(uuid)));
        add("UUID", "'00000000-0000-0000-0000-000000000000'", new UUID(0, 0), "00000000-0000-0000-0000-000000000000");
        add("UUID", "'ffffffff-ffff-ffff-ffff-ffffffffffff'", new UUID(-1, -1), "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF");
        add("UUID", "'00000000-0000-0001-8000-000000000000'", new UUID(1, Long.MIN_VALUE));
    }

    private static byte[] bytes(UUID uuid) {
        return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits()).array();
    }

    private void ips() {
        add("IPv4", "'0.0.0.0'", "0.0.0.0", 0, address(0, 0, 0, 0));
        add("IPv4", "'255.255.255.255'", "255.255.255.255", 4294967295L, address(255, 255, 255, 255));
        add("IPv4", "'1.2.3.4'", "1.2.3.4", 16909060, address(1, 2, 3, 4), new byte[] {1, 2, 3, 4});
        add("IPv4", "'192.168.0.10'", "192.168.0.10");
        add("IPv6", "'::'", "::", "0:0:0:0:0:0:0:0", new byte[16]);
        add("IPv6", "'::1'", "::1", address(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1));
        add("IPv6", "'2001:db8::ff00:42:8329'", "2001:db8::ff00:42:8329", "2001:0DB8:0000:0000:0000:FF00:0042:8329");
        add("IPv6", "'fe80::abcd'", "FE80::ABCD", "fe80::abcd");
        add("IPv6", "'::ffff:1.2.3.4'", "::ffff:1.2.3.4", "1.2.3.4", address(1, 2, 3, 4), new byte[] {1, 2, 3, 4});
        add("IPv6", "'1:2:3:4:5:6:7:8'", "1:2:3:4:5:6:7:8");
        add("IPv6", "'1:2:3:4:5:6:1.2.3.4'", "1:2:3:4:5:6:1.2.3.4");
        add("IPv6", "'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
        add("IPv6", "'1::'", "1::");
        add("IPv6", "'1:2:3:4:5:6:7::'", "1:2:3:4:5:6:7::");
        add("IPv6", "'::2:3:4:5:6:7:8'", "::2:3:4:5:6:7:8");
    }

    private static InetAddress address(int... octets) {
        byte[] bytes = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            bytes[i] = (byte) octets[i];
        }
        try {
            return InetAddress.getByAddress(bytes); // a literal address: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private void nullableAndLowCardinality() {
        add("Nullable(Int32)", "NULL", (Object) null);
        add("Nullable(Int32)", "-5", -5, "-5");
        add("Nullable(String)", "NULL", (Object) null);
        add("Nullable(String)", "''", "");
        add("Nullable(String)", "'naïve'", "naïve");
        add("Nullable(UInt256)", "'" + BigInteger.ONE.shiftLeft(200) + "'", BigInteger.ONE.shiftLeft(200));
        add("Nullable(Decimal(10, 2))", "NULL", (Object) null);
        add("Nullable(Decimal(10, 2))", "'-12345678.9'", "-12345678.9");
        add("Nullable(DateTime64(3, 'UTC'))", "'2020-01-01 00:00:00.001'", "2020-01-01T00:00:00.001Z");
        add("Nullable(DateTime64(3, 'UTC'))", "NULL", (Object) null);
        add("Nullable(UUID)", "'61f0c404-5cb3-11e7-907b-a6006ad3dba0'", "61f0c404-5cb3-11e7-907b-a6006ad3dba0");
        add("Nullable(Enum8('a''b' = -1, 'c' = 2))", "NULL", (Object) null);
        add("Nullable(Enum8('a''b' = -1, 'c' = 2))", "'c'", "c");
        add("Nullable(IPv6)", "'::1'", "::1");
        add("Nullable(FixedString(2))", "'x'", "x");
        add("Nullable(Date32)", "'1950-06-15'", LocalDate.of(1950, 6, 15));
        add("Nullable(Float64)", "NULL", (Object) null);
        add("Nullable(Bool)", "true", true);
        add("LowCardinality(String)", "'dictionary'", "dictionary");
        add("LowCardinality(String)", "''", "");
        add("LowCardinality(Nullable(String))", "NULL", (Object) null);
        add("LowCardinality(Nullable(String))", "'x'", "x");
        add("LowCardinality(FixedString(4))", "'ab'", "ab");
        add("LowCardinality(UUID)", "'61f0c404-5cb3-11e7-907b-a6006ad3dba0'", UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"));
    }

    private void arraysMapsTuples() {
        add("Array(Int32)", "[]", List.of(), new int[0], new Object[0]);
        add("Array(Int32)", "[1, -2, 3]", List.of(1, -2, 3), new int[] {1, -2, 3}, new Object[] {1, "-2", 3L},
                new LinkedList<>(List.of(1, -2, 3)));
        add("Array(Nullable(String))", "[NULL, 'a', '']", Arrays.asList(null, "a", ""));
        add("Array(Array(UInt8))", "[[1, 2], [], [255]]", List.of(List.of(1, 2), List.of(), List.of(255)));
        add("Array(String)", "arrayMap(x -> toString(x), range(200))", numbersAsText(200));
        add("Array(Float64)", "[1.5, -0.25]", new double[] {1.5, -0.25});
        add("Array(Tuple(a Int32, b Nullable(String)))", "[(1, NULL), (2, 'x')]",
                List.of(Arrays.asList(1, null), List.of(2, "x")),
                List.of(Map.of("a", 1), Map.of("a", 2, "b", "x")));
        add("Array(Tuple(a Int32, b Nullable(String)))", "[]", List.of());
        add("Map(String, Array(Nullable(Int64)))", "map('a', [1, NULL], 'b', [])",
                ordered("a", Arrays.asList(1L, null), "b", List.of()));
        add("Map(String, Array(Nullable(Int64)))", "map()", Map.of());
        add("Map(UInt8, String)", "map(1, 'x', 255, 'y')", ordered("1", "x", "255", "y"), ordered(1, "x", 255L, "y"));
        add("Map(String, UInt64)", "map('ключ', 18446744073709551615)", ordered("ключ", new BigInteger("18446744073709551615")));
        add("Map(LowCardinality(String), Nullable(Float32))", "map('k', NULL)", ordered("k", null));
        add("Map(UUID, Date)", "map('61f0c404-5cb3-11e7-907b-a6006ad3dba0', '2020-01-01')",
                ordered("61f0c404-5cb3-11e7-907b-a6006ad3dba0", "2020-01-01"));
        add("Tuple(Int32, String)", "(1, 'a')", List.of(1, "a"), new Object[] {"1", "a"});
        add("Tuple(a Int32, b Nullable(String))", "(7, NULL)", ordered("a", 7), ordered("a", 7, "b", null, "extra", "ignored"),
                Arrays.asList(7, null));
        add("Tuple(a Int32, b Nullable(String))", "(0, NULL)", Map.of());
        add("Tuple(n Int64, d Date32, e Enum8('p' = 3, 'q' = 5), s String, t Tuple(UInt8, Nullable(UInt8)))",
                "(9, '1900-01-01', 'p', '', (0, NULL))", ordered("n", 9));
        add("Tuple(UInt8)", "tuple(255)", List.of(255));
        add("Tuple(`a b` UInt8, `1` String)", "(1, 'x')", ordered("a b", 1, "1", "x"));
        add("Nested(a UInt8, b String)", "[(1, 'x'), (2, 'y')]", List.of(List.of(1, "x"), List.of(2, "y")),
                List.of(ordered("a", 1, "b", "x"), ordered("a", 2, "b", "y")));
        add("Nested(a UInt8, b String)", "[]", List.of());
        add("Array(LowCardinality(Nullable(String)))", "['a', NULL]", Arrays.asList("a", null));
        add("Array(Map(String, Tuple(DateTime64(3, 'UTC'), IPv4)))",
                "[map('k', ('2020-01-01 00:00:00.5', '10.0.0.1'))]",
                List.of(ordered("k", List.of("2020-01-01T00:00:00.5Z", "10.0.0.1"))));
    }

    private void variantsAndJson() {
        // The discriminator is the index among the variants sorted by name, whatever the declared order.
        add("Variant(UInt64, String)", "'abc'", "abc");
        add("Variant(UInt64, String)", "42::UInt64", 42, 42L, new BigInteger("42"));
        // The engine's CAST infers a type from text (42 as a UInt64); text here goes to a String variant.
        add("Variant(UInt64, String)", "'42'::Variant(String)", "42");
        add("Variant(UInt64, String)", "NULL", (Object) null);
        add("Variant(Int64, String, Array(Int64))", "-1000::Int64", -1000L, (short) -1000);
        add("Variant(Int64, String, Array(Int64))", "[1, -1]::Array(Int64)", List.of(1, -1), new long[] {1, -1});
        add("Variant(Bool, Float64, String)", "true", true);
        add("Variant(Bool, Float64, String)", "1.5::Float64", 1.5);
        add("Variant(Bool, Float64, String)", "2::Float64", 2);
        add("Variant(Array(UInt32), Map(String, UInt32), String)", "[1, 2]::Array(UInt32)", List.of(1, 2));
        add("Variant(Array(UInt32), Map(String, UInt32), String)", "map('a', 1)::Map(String, UInt32)", ordered("a", 1));
        add("Variant(Date, String)", "'2020-01-01'::Variant(String)", "2020-01-01");
        add("Variant(Date, UUID)", "'2020-01-01'::Date", LocalDate.of(2020, 1, 1));
        add("Variant(Date, UUID)", "'61f0c404-5cb3-11e7-907b-a6006ad3dba0'::UUID",
                UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"));
        // JSON is sent as its text (read by the engine with input_format_binary_read_json_as_string = 1).
        cases.add(new Case("String", "'{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":1.5}}'", "JSON", ENGINE_ZONE,
                ordered("a", 1, "b", Arrays.asList(true, null, "x"), "c", ordered("d", 1.5))));
        cases.add(new Case("String", "'{\"a\": 1}'", "JSON", ENGINE_ZONE, "{\"a\": 1}"));
    }

    private static List<String> numbersAsText(int count) {
        List<String> numbers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            numbers.add(Integer.toString(i));
        }
        return numbers;
    }

    /** A map that keeps the order of its keys, as the engine's map literal does. */
    private static Map<Object, Object> ordered(Object... keysAndValues) {
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
