package dev.tributary.core.mapping;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.json.RawJsonRecord;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.core.types.ClickHouseType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The proof of the JSON fast path: every record goes through the decoded path (JsonDecoder building
 * Java values, DefaultSchemaMapper's columns encoding them) and through the raw path (the same plan
 * reading the bytes), and the two must give the same row bytes, or the same error kind and message.
 * Records: every type of {@code docs/type-conversions.md} with edge values, generated at random
 * (fixed seeds), malformed variants of them, and hand-written edge cases.
 */
class JsonFastPathDifferentialTest {

    /** Every column type, with values worth trying for it (JSON text; "" for a missing field). */
    private static final String[][] COLUMNS = {
            {"i8", "Int8", "0", "-128", "127", "128", "-129", "\"12\"", "1.0", "1.5", "true", "-0"},
            {"i16", "Int16", "-32768", "32767", "32768", "\"-7\"", "1e2"},
            {"i32", "Int32", "2147483647", "-2147483648", "2147483648", "\"+5\"", "007"},
            {"i64", "Int64", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "123456789012345678",
                    "-123456789012345678", "1234567890123456789", "1e18", "100000000000000000000"},
            {"i128", "Int128", "-1", "170141183460469231731687303715884105727", "170141183460469231731687303715884105728"},
            {"i256", "Int256", "-5", "123456789012345678901234567890"},
            {"u8", "UInt8", "0", "255", "256", "-1"},
            {"u16", "UInt16", "65535", "65536"},
            {"u32", "UInt32", "4294967295", "4294967296"},
            {"u64", "UInt64", "18446744073709551615", "18446744073709551616", "-1", "123456789012345678"},
            {"u128", "UInt128", "340282366920938463463374607431768211455", "-1", "12"},
            {"u256", "UInt256", "1", "-1"},
            {"f32", "Float32", "1.5", "0.1", "-0.0", "3.4028235e38", "1e39", "16777217", "0.30000001", "1e-10",
                    "4194303.5", "123456.789", "\"nan\"", "\"-inf\"", "1e400", "2.5e-3"},
            {"f64", "Float64", "0.1", "-0.0", "1e22", "1e23", "9007199254740993", "4503599627370495.5", "1.7976931348623157e308",
                    "5e-324", "1e-400", "123.456e-5", "\"1.5\"", "-12345678901234567890.5", "0.000000000000000000001"},
            {"d9", "Decimal(9, 2)", "1.5", "1.505", "1.500", "9999999.99", "10000000", "-0.01", "1e2", "1e-2", "\"3.25\"",
                    "12.3450", "0.001", "0.0010", "1e9999999999"},
            {"d18", "Decimal(18, 4)", "99999999999999.9999", "100000000000000", "-1.23456", "123456789012345678",
                    "1.2345e3", "0E-10"},
            {"d38", "Decimal(38, 10)", "1.5", "12345678901234567.1234567891", "-99999999.9999999999", "1e27", "1e28"},
            {"d76", "Decimal(76, 30)", "1.5", "-0.000000000000000000000000000001", "123456789"},
            {"flag", "Bool", "true", "false", "1", "0", "2", "\"true\"", "\"yes\""},
            {"name", "String", "\"\"", "\"abc\"", "\"écran 日本語\"", "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"", "\"\\u00e9\\u65e5\"",
                    "\"\\ud83d\\ude00\"", "\"\\ud800\"", "\"x\\udc00y\"", "\"\\u0000\"", "42", "-0", "1.50", "1e2",
                    "12345678901234567890", "true", "[1]", "{\"a\":1}"},
            {"code", "FixedString(3)", "\"abc\"", "\"ab\"", "\"abcd\"", "\"é\""},
            {"day", "Date", "\"2024-02-29\"", "\"2024-02-30\"", "\"1970-01-01\"", "\"2149-06-06\"", "\"2149-06-07\"",
                    "\"2024-01-31T23:59:59Z\"", "19000", "-1", "\"19000\"", "\"2024-01-31 12:00:00+14:00\""},
            {"day32", "Date32", "\"1900-01-01\"", "\"1899-12-31\"", "\"2299-12-31\"", "-25567"},
            {"at", "DateTime", "\"2024-01-31 12:00:00\"", "\"2024-01-31T12:00:00.5+01:00\"", "\"2106-02-07 06:28:15\"",
                    "\"2106-02-07 06:28:16\"", "\"1969-12-31 23:59:59\"", "1700000000", "\"1700000000\"",
                    "\"1700000000123\"", "1700000000.9", "\"2024-13-01 00:00:00\"", "\"2024-01-31 12:00\"", "\"\"",
                    "\"2024-01-31 12:00:00 Z\"", "\"2024-01-31t12:00:00z\""},
            {"at_ny", "DateTime('America/New_York')", "\"2024-03-10 02:30:00\"", "\"2024-11-03 01:30:00\"",
                    "\"2024-06-01 12:00:00-04:00\""},
            {"at64", "DateTime64(3)", "\"2024-01-31 12:00:00.123456\"", "\"1900-01-01 00:00:00\"", "\"1899-12-31 23:59:59.999\"",
                    "\"2299-12-31 23:59:59.999\"", "\"1700000000123\"", "\"1700000000.5\"", "1700000000", "1.5e9"},
            {"at64tz", "DateTime64(9, 'Asia/Tokyo')", "\"2024-01-31 12:00:00.123456789\"", "\"2262-04-11 23:47:16\"",
                    "\"1700000000123456789\""},
            {"kind", "Enum8('a' = 1, 'b' = 2, 'é' = -3)", "\"a\"", "\"b\"", "\"é\"", "\"c\"", "\"1\"", "2", "3", "\"\\u0061\""},
            {"kind16", "Enum16('x' = 1000, 'y' = -1000)", "\"x\"", "\"y\"", "1000", "\"z\""},
            {"uid", "UUID", "\"00000000-0000-0000-0000-000000000001\"", "\"not-a-uuid\"", "1"},
            {"ip4", "IPv4", "\"1.2.3.4\"", "\"256.1.1.1\"", "16909060"},
            {"ip6", "IPv6", "\"::ffff:1.2.3.4\"", "\"2001:db8::1\"", "\"x\""},
            {"maybe", "Nullable(Int32)", "null", "5", "\"5\"", "1e40"},
            {"maybe_name", "Nullable(String)", "null", "\"x\"", "\"\\n\""},
            {"label", "LowCardinality(String)", "\"l\"", "\"\\u00e9\""},
            {"maybe_label", "LowCardinality(Nullable(String))", "null", "\"m\""},
            {"tags", "Array(UInt16)", "[]", "[1, 2, 65535]", "[65536]", "[null]", "[\"7\"]", "[1.0]", "[ 1 ,2 ]", "5"},
            {"names", "Array(Nullable(String))", "[\"a\", null, \"\\u00e9\"]", "[1, true]", "[]"},
            {"matrix", "Array(Array(Nullable(Int64)))", "[[1, null], [], [3]]", "[[\"x\"]]", "[[]]"},
            {"times", "Array(DateTime)", "[\"2024-01-31 12:00:00\", 1700000000]", "[\"x\"]"},
            {"decimals", "Array(Decimal(9, 2))", "[1.5, 2, -0.01]", "[1.001]"},
            {"floats", "Array(Float32)", "[1.5, 0.1, 16777217]"},
            {"attrs", "Map(String, UInt64)", "{\"a\": 1, \"b\": 2}", "{}", "{\"a\": -1}", "[]"},
            {"pair", "Tuple(a Int32, b String)", "[1, \"x\"]", "{\"a\": 1, \"b\": \"y\"}", "[1]"},
            {"nested", "Nested(a UInt8, b String)", "[{\"a\": 1, \"b\": \"x\"}]", "[]", "[{\"a\": 300}]"},
            {"either", "Variant(UInt64, String)", "42", "\"x\"", "null", "-1"},
            {"doc", "JSON", "{\"a\": 1, \"b\": [true, null, \"x\"]}", "{}", "\"text\"", "[1]",
                    "{\"s\": \"q\\\" \\\\ \\n \\u00e9\", \"u\": 18446744073709551615, \"d\": 0.1, \"o\": {\"p\": [{\"q\": null}]}}",
                    "{\"huge\": 18446744073709551616}", "{\"x\": 1e400}", "\"{\\\"t\\\": 1}\""},
            {"actor.login", "String", "\"dotted\""},
            {"repo_name", "LowCardinality(String)", "\"r\""},
            {"when", "DateTime", "\"2024-01-31 12:00:00\""},
    };

    /** Further JSON values for any field. */
    private static final String[] ANY = {"null", "true", "false", "0", "-0", "1", "-1", "1.5", "-0.0", "1e400", "\"\"",
            "\"x\"", "[]", "{}", "[null]", "{\"a\":{\"b\":[1,{\"c\":null}]}}", "\"\\ud800\"", "12345678901234567890123",
            "0.1e1", "1E-2", "[[[]]]", "{\"k\":\"v\",\"k2\":[1,2]}"};

    private static final ZoneId UTC = ZoneId.of("UTC");

    private final List<Pair> pairs = new ArrayList<>();

    /** The decoded path and the raw path of one plan. */
    private record Pair(String name, MappingPlan plan, JsonDecoder decoded, JsonDecoder raw) {
    }

    JsonFastPathDifferentialTest() {
        for (boolean modern : new boolean[] {false, true}) {
            List<TableColumn> columns = new ArrayList<>();
            for (int i = 0; i < COLUMNS.length; i++) {
                TableColumn.DefaultKind kind = modern && i % 3 == 0 ? TableColumn.DefaultKind.DEFAULT : TableColumn.DefaultKind.NONE;
                columns.add(new TableColumn(COLUMNS[i][0], ClickHouseType.parse(COLUMNS[i][1]), kind, ""));
            }
            columns.add(new TableColumn("_offset", ClickHouseType.parse("UInt64"), TableColumn.DefaultKind.NONE, ""));
            columns.add(new TableColumn("constant", ClickHouseType.parse("String"), TableColumn.DefaultKind.NONE, ""));
            TableSchema schema = new TableSchema("default", "t", columns, ServerVersion.parse(modern ? "25.3.1.1" : "18.16.1"),
                    modern ? ZoneId.of("Europe/Berlin") : UTC, modern);
            DefaultSchemaMapper mapper = DefaultSchemaMapper.builder().strict(modern)
                    .columnFromField("repo_name", "repo.name")
                    .columnFromField("when", "meta.times.created")
                    .constant("constant", "c")
                    .build();
            MappingPlan plan = mapper.plan(schema, List.of(new VirtualColumn("_offset", "UInt64", "offset")));
            for (int depth : new int[] {100, 4}) {
                JsonDecoder decoded = JsonDecoder.builder().maxNestingDepth(depth).build();
                decoded.onlyFields(Set.copyOf(plan.fieldsRead())); // a plain set: records decoded as before
                JsonDecoder raw = JsonDecoder.builder().maxNestingDepth(depth).build();
                raw.onlyFields(plan.fieldsRead());
                pairs.add(new Pair((modern ? "modern" : "18.16") + ", depth " + depth, plan, decoded, raw));
            }
        }
    }

    @Test
    void theRawRecordIsTakenByTheFastPath() throws DecodeException {
        DecodedRecord record = pairs.get(0).raw().decode(record("{\"i8\":1}"));
        assertInstanceOf(RawJsonRecord.class, record);
        DecodedRecord decoded = pairs.get(0).decoded().decode(record("{\"i8\":1}"));
        assertTrue(!(decoded instanceof RawJsonRecord), "a decoder told of a plain set decodes");
    }

    @Test
    void everyTypeWithEdgeValuesGivesTheSameRowsAndErrors() {
        int compared = 0;
        for (String[] column : COLUMNS) {
            for (int v = 2; v < column.length; v++) {
                compared += compareAll(field(column[0], column[v]));
                compared += compareAll("{\"id\":1," + field(column[0], column[v]).substring(1));
            }
            for (String any : ANY) {
                compared += compareAll(field(column[0], any));
            }
        }
        assertTrue(compared > 1000, "compared " + compared);
    }

    @Test
    void generatedRecordsGiveTheSameRowsAndErrors() {
        SplittableRandom random = new SplittableRandom(13);
        int rows = 0;
        for (int i = 0; i < 1000; i++) {
            String json = generate(random, i % 2 == 0);
            rows += compareAll(json) > 0 ? 1 : 0;
            compareAll(mutate(json, random));
        }
        assertTrue(rows > 250, "records that gave a row: " + rows);
    }

    @Test
    void malformedAndUnusualDocumentsGiveTheSameOutcome() {
        String[] documents = {
                "", " ", "{", "}", "[]", "null", "1", "\"x\"", "{}", " {} ", "{}\n", "{} x", "{}{}", "{} {}", "\t{\r\n}\t",
                "{\"i8\":1,}", "{,\"i8\":1}", "{\"i8\" 1}", "{\"i8\":}", "{\"i8\":1 \"u8\":2}", "{i8:1}", "{'i8':1}",
                "{\"i8\":01}", "{\"i8\":+1}", "{\"i8\":.5}", "{\"i8\":1.}", "{\"i8\":1e}", "{\"i8\":1e+}", "{\"i8\":-}",
                "{\"i8\":NaN}", "{\"f64\":Infinity}", "{\"f64\":-Infinity}", "{\"i8\":tru}", "{\"i8\":truex}", "{\"i8\":nul}",
                "{\"i8\":1x}", "{\"i8\":0x10}", "{\"name\":\"a\nb\"}", "{\"name\":\"a\\x\"}", "{\"name\":\"\\u12\"}",
                "{\"name\":\"\\u12G4\"}", "{\"name\":\"abc}", "{\"name\":\"a\u0001\"}", "{\"name\":\"a\u007f\"}",
                "{\"i8\":1,\"i8\":2}", "{\"unread\":1,\"unread\":2}", "{\"unread\":{\"a\":1,\"a\":2}}",
                "{\"attrs\":{\"a\":1,\"a\":2}}", "{\"actor\":{\"login\":\"x\",\"login\":\"y\"}}",
                "{\"actor\":{\"other\":{\"k\":1,\"k\":2},\"login\":\"x\"}}", "{\"actor\":{\"login\":\"x\"},\"actor\":{}}",
                "{\"actor.login\":\"a\",\"actor\":{\"login\":\"b\"}}", "{\"actor\":{\"login\":\"b\"}}", "{\"actor\":\"x\"}",
                "{\"actor\":null}", "{\"actor\":{\"login\":null}}", "{\"actor\":[{\"login\":\"x\"}]}",
                "{\"repo\":{\"name\":\"n\"}}", "{\"repo\":{\"name\":1}}", "{\"repo\":{}}", "{\"repo\":{\"name\":\"n\"},\"repo_name\":\"m\"}",
                "{\"meta\":{\"times\":{\"created\":\"2024-01-31 12:00:00\"}}}", "{\"meta\":{\"times\":{\"created\":5}}}",
                "{\"meta\":{\"times\":[]}}", "{\"a\\u0062\":1}", "{\"i\\u0038\":5}", "{\"unread\":\"\\u00e9\"}",
                "{\"deep\":[[[[[[[[[[1]]]]]]]]]]}", "{\"tags\":[[[[[[1]]]]]]}", "{\"a\":{\"b\":{\"c\":{\"d\":{}}}}}",
                "{\"a\":{\"b\":{\"c\":{}}}}", "{\"a\":[[[]]]}", "{\"a\":[[[[]]]]}",
                "\uFEFF{\"i8\":1}", "{\"i8\":1}\u0000", "{\"name\":\"" + "x".repeat(5000) + "\"}",
                "{\"i64\":" + "9".repeat(999) + "}", "{\"i64\":" + "9".repeat(1001) + "}", "{\"f64\":0." + "1".repeat(600) + "}",
                "{\"unread\":" + "1".repeat(1001) + "}", "{\"unread\":1e" + "9".repeat(20) + "}", "{\"f64\":1e" + "9".repeat(20) + "}",
                "{\"d9\":1e-" + "9".repeat(12) + "}", "{\"i8\":1}  \n\t\r ", "{\"i8\" : 1 , \"u8\" : 2 }",
                "{\"day\":\"2024-02-29\",\"at\":\"2024-02-29 00:00:00\",\"kind\":\"a\",\"name\":\"n\",\"tags\":[1,2]}",
        };
        for (String document : documents) {
            compareAll(document);
        }
        byte[][] raw = {
                {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '{', '}'}, {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xC3, '"', '}'},
                {(byte) 0xFF, (byte) 0xFE, '{', 0, '}', 0}, {'{', 0, '}', 0}, {0, 0, 0, '{'},
                {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
        };
        for (byte[] bytes : raw) {
            compareAll(bytes);
        }
        // invalid UTF-8 anywhere: keys, read and unread strings (short and long: the word-at-a-time scan), outside strings
        String[] templates = {"{\"na%sme\":1}", "{\"unread\":\"a%sb\"}", "{\"name\":\"%s\"}", "{\"name\":\"0123456789abcdef%s0123456789\"}",
                "{\"unread\":\"0123456789abcdef%s\"}", "{\"i8\":1%s}", "{%s\"i8\":1}", "{\"i8\":1}%s", "{\"labels\":[\"%s\"]}"};
        int[][] sequences = {{0xFF}, {0xC3}, {0xC3, 0x28}, {0xC0, 0x80}, {0xE0, 0x80, 0x80}, {0xED, 0xA0, 0x80}, {0xF4, 0x90, 0x80, 0x80},
                {0xF0, 0x9F, 0x98}, {0x80}, {0xC3, 0xA9}, {0xE6, 0x97, 0xA5}, {0xF0, 0x9F, 0x98, 0x80}};
        for (String template : templates) {
            for (int[] sequence : sequences) {
                String[] parts = template.split("%s", -1);
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                bytes.writeBytes(parts[0].getBytes(StandardCharsets.UTF_8));
                for (int b : sequence) {
                    bytes.write(b);
                }
                bytes.writeBytes(parts[1].getBytes(StandardCharsets.UTF_8));
                compareAll(bytes.toByteArray());
            }
        }
        compareAll((byte[]) null);
    }

    @Test
    void aDecoderSharedWithAnotherPlanChecksTheOtherPlansFieldsToo() throws Exception {
        Pair pair = pairs.get(0);
        JsonDecoder decoded = JsonDecoder.create();
        decoded.onlyFields(Set.copyOf(pair.plan().fieldsRead()));
        decoded.onlyFields(Set.of(dev.tributary.core.FieldPath.of("other")));
        JsonDecoder raw = JsonDecoder.create();
        raw.onlyFields(pair.plan().fieldsRead());
        raw.onlyFields(new dev.tributary.core.json.RawJsonFields(Set.of(dev.tributary.core.FieldPath.of("other"))));
        for (String json : new String[] {"{\"other\":{\"a\":1,\"a\":2},\"i8\":1}", "{\"other\":1,\"other\":2}", "{\"other\":[1],\"i8\":2}"}) {
            Pair shared = new Pair("shared", pair.plan(), decoded, raw);
            assertEquals(outcome(shared, shared.decoded(), json.getBytes(StandardCharsets.UTF_8)),
                    outcome(shared, shared.raw(), json.getBytes(StandardCharsets.UTF_8)), json);
        }
    }

    private static String field(String name, String value) {
        return "{\"" + name + "\":" + value + "}";
    }

    /** A record with random fields of the table (random values from the pools), unread fields and whitespace. */
    private static String generate(SplittableRandom random, boolean clean) {
        StringBuilder json = new StringBuilder("{");
        List<String> parts = new ArrayList<>();
        for (String[] column : COLUMNS) {
            if (random.nextInt(4) == 0) {
                continue; // missing
            }
            // clean: mostly each column's first value, which fits it, so that many records make a row
            String value = clean && random.nextInt(40) > 0 ? column[2]
                    : random.nextInt(5) == 0 ? ANY[random.nextInt(ANY.length)] : column[2 + random.nextInt(column.length - 2)];
            if (column[0].equals("actor.login") && random.nextBoolean()) {
                parts.add("\"actor\":{\"id\":" + random.nextInt(100) + ",\"login\":" + value + "}");
            } else {
                parts.add("\"" + column[0] + "\":" + value);
            }
        }
        if (random.nextBoolean()) {
            parts.add("\"repo\":{\"name\":\"r" + random.nextInt(9) + "\",\"id\":7}");
        }
        if (random.nextBoolean()) {
            parts.add("\"payload\":{\"commits\":[{\"sha\":\"abc\",\"message\":\"fix \\\"x\\\"\"}],\"size\":1,\"n\":null}");
        }
        java.util.Collections.shuffle(parts, new java.util.Random(random.nextLong()));
        String separator = random.nextInt(3) == 0 ? " , " : ",";
        json.append(String.join(separator, parts)).append('}');
        return random.nextInt(4) == 0 ? " " + json + "\n" : json.toString();
    }

    /** A malformed or unusual variant: truncated, a byte changed, inserted or removed, or doubled. */
    private static String mutate(String json, SplittableRandom random) {
        if (json.length() < 2) {
            return json + "}";
        }
        int at = random.nextInt(json.length());
        String noise = String.valueOf("{}[]\",:0-.eE \\tfnu\u00e9x".charAt(random.nextInt(20)));
        return switch (random.nextInt(5)) {
            case 0 -> json.substring(0, at);
            case 1 -> json.substring(0, at) + noise + json.substring(at + 1);
            case 2 -> json.substring(0, at) + noise + json.substring(at);
            case 3 -> json.substring(0, at) + json.substring(at + 1);
            default -> json.substring(0, at) + json.substring(at, Math.min(json.length(), at + 1 + random.nextInt(20)))
                    + json.substring(at);
        };
    }

    private int compareAll(String json) {
        return compareAll(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Compares the two paths of every pair on {@code value}; returns how many gave a row. */
    private int compareAll(byte[] value) {
        int rows = 0;
        for (Pair pair : pairs) {
            String expected = outcome(pair, pair.decoded(), value);
            String actual = outcome(pair, pair.raw(), value);
            assertEquals(expected, actual, () -> pair.name() + ": "
                    + (value == null ? "null" : new String(value, StandardCharsets.UTF_8)));
            rows += expected.startsWith("row ") ? 1 : 0;
        }
        return rows;
    }

    /** The row's bytes in hex, or the error's kind and message, as the pipeline would record them. */
    private static String outcome(Pair pair, JsonDecoder decoder, byte[] value) {
        TestRecord record = new TestRecord(new TestRecord.Position("p", 42), null, value, 0);
        RowBinaryOutput out = new RowBinaryOutput(64);
        out.writeBytes(new byte[] {7, 7}); // an earlier row, which must stay
        DecodedRecord decoded;
        try {
            decoded = decoder.decode(record);
        } catch (DecodeException e) {
            return "DECODE " + e.getMessage();
        }
        try {
            pair.plan().writeRow(decoded, record, out);
        } catch (MappingException e) {
            return e.kind() + " " + e.getMessage();
        }
        byte[] bytes = out.toByteArray();
        assertEquals(7, bytes[0]);
        assertEquals(7, bytes[1]);
        return "row " + HexFormat.of().formatHex(Arrays.copyOfRange(bytes, 2, bytes.length));
    }

    private static TestRecord record(String json) {
        return new TestRecord(new TestRecord.Position("p", 1), null, json.getBytes(StandardCharsets.UTF_8), 0);
    }
}
