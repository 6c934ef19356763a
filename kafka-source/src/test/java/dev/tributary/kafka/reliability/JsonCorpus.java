package dev.tributary.kafka.reliability;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.tributary.kafka.reliability.CorpusCase.lands;
import static dev.tributary.kafka.reliability.CorpusCase.refused;

/**
 * The JSON part of the bad-input corpus: every case with the verdict decided for it (see
 * {@code docs/reliability.md}, "Bad input"). Values are written against {@link #TABLE_COLUMNS};
 * most bad cases break one field of an otherwise small record.
 */
final class JsonCorpus {

    /** The columns of the table the corpus is ingested into (plus the Kafka virtual column {@code _offset}). */
    static final String TABLE_COLUMNS = "_offset UInt64, id UInt64, name String, small UInt8, big Int64, ratio Float64,"
            + " price Decimal(9, 2), day Date, at DateTime, kind Enum8('a' = 1, 'b' = 2), uid UUID, tags Array(UInt16),"
            + " code FixedString(3), maybe Nullable(Int32)";

    /** The pipeline's default {@code maxRecordBytes}: 20 MiB. */
    static final int MAX_RECORD_BYTES = 20 * 1024 * 1024;

    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private JsonCorpus() {
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code {"name":"<bytes>"}} with raw bytes inside the string. */
    private static byte[] nameWithBytes(int... bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(utf8("{\"id\":1,\"name\":\""));
        for (int b : bytes) {
            out.write(b);
        }
        out.writeBytes(utf8("\"}"));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** A valid record of exactly {@code length} bytes: a long {@code name}. */
    static byte[] ofLength(long id, int length) {
        String head = "{\"id\":" + id + ",\"name\":\"";
        String tail = "\"}";
        byte[] value = new byte[length];
        byte[] headBytes = utf8(head);
        System.arraycopy(headBytes, 0, value, 0, headBytes.length);
        java.util.Arrays.fill(value, headBytes.length, length - tail.length(), (byte) 'x');
        value[length - 2] = '"';
        value[length - 1] = '}';
        return value;
    }

    /** A good record, distinct by {@code n}; its name is {@code good-<n>}. */
    static byte[] good(int n) {
        return utf8("{\"id\":" + n + ",\"name\":\"good-" + n + "\",\"small\":7,\"big\":-" + n + ",\"ratio\":0.5,\"price\":1.25,"
                + "\"day\":\"2024-02-29\",\"at\":\"2024-02-29T12:00:00Z\",\"kind\":\"a\","
                + "\"uid\":\"00000000-0000-0000-0000-000000000001\",\"tags\":[1,2],\"code\":\"ab\",\"maybe\":1}");
    }

    static List<CorpusCase> cases() {
        List<CorpusCase> all = new ArrayList<>();
        all.addAll(refusedUndecodable());
        all.addAll(refusedUnconvertible());
        all.addAll(accepted());
        all.addAll(hostile());
        return all;
    }

    /**
     * Numbers and nesting built to cost minutes or the heap (issue #11): each is decided in
     * milliseconds, never expanded (docs/type-conversions.md, "Bounds on numbers").
     */
    private static List<CorpusCase> hostile() {
        String m = "MAPPING";
        String d = "DECODE";
        return List.of(
                refused("1e-99999999 into UInt64", utf8("{\"id\":1e-99999999}"), m, "column id", "not an integer"),
                refused("-1e-99999999 into UInt8", utf8("{\"id\":1,\"small\":-1e-99999999}"), m, "column small", "not an integer"),
                refused("1e-99999999 into Int64", utf8("{\"id\":1,\"big\":1e-99999999}"), m, "column big", "not an integer"),
                refused("1e999999999 into Int64", utf8("{\"id\":1,\"big\":1e999999999}"), m, "column big", "out of range"),
                refused("-1e2147483647 into Int64", utf8("{\"id\":1,\"big\":-1e2147483647}"), m, "column big", "out of range"),
                refused("1e-99999999 into Date", utf8("{\"id\":1,\"day\":1e-99999999}"), m, "column day", "not an integer"),
                refused("1e999999999 into Date", utf8("{\"id\":1,\"day\":1e999999999}"), m, "column day", "out of range"),
                refused("1e999999999 into DateTime", utf8("{\"id\":1,\"at\":1e999999999}"), m, "column at", "out of range"),
                refused("-1e999999999 into DateTime", utf8("{\"id\":1,\"at\":-1e999999999}"), m, "column at", "out of range"),
                refused("1e999999999 into Decimal(9, 2)", utf8("{\"id\":1,\"price\":1e999999999}"), m, "column price",
                        "too many digits"),
                refused("1e-999999999 into Decimal(9, 2)", utf8("{\"id\":1,\"price\":1e-999999999}"), m, "column price",
                        "too many digits after the point"),
                refused("1e999999999 into Nullable(Int32)", utf8("{\"id\":1,\"maybe\":1e999999999}"), m, "column maybe",
                        "out of range"),
                refused("1e-99999999 in an Array(UInt16)", utf8("{\"id\":1,\"tags\":[1,1e-99999999]}"), m, "column tags",
                        "not an integer"),
                refused("1e999999999 into Enum8", utf8("{\"id\":1,\"kind\":1e999999999}"), m, "column kind"),
                refused("1e999999999 into FixedString(3)", utf8("{\"id\":1,\"code\":1e999999999}"), m, "column code"),
                refused("200,000 digits of text into Int64", utf8("{\"id\":1,\"big\":\"" + "9".repeat(200_000) + "\"}"), m,
                        "column big", "too long for a number"),
                refused("200,000 digits of text into Decimal(9, 2)", utf8("{\"id\":1,\"price\":\"0." + "0".repeat(200_000)
                        + "1\"}"), m, "column price", "too long for a number"),
                refused("200,000 digits of text into Float64", utf8("{\"id\":1,\"ratio\":\"1" + "0".repeat(200_000) + "\"}"), m,
                        "column ratio", "too long for a number"),
                refused("arrays 100,000 deep in a field no column reads", utf8("{\"id\":1,\"zz\":" + "[".repeat(100_000)
                        + "]".repeat(100_000) + "}"), d, "nesting depth"),
                refused("objects 100,000 deep in a read column", utf8("{\"id\":1,\"name\":" + "{\"a\":".repeat(100_000) + "1"
                        + "}".repeat(100_000) + "}"), d, "nesting depth"),
                refused("objects 101 deep", utf8("{\"id\":1,\"zz\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(100) + "}"), d,
                        "nesting depth"),
                lands("1e999999999 into String (scientific text)", utf8("{\"id\":30,\"name\":1e999999999}"),
                        "name", "1E+999999999"),
                lands("-1e-99999999 into String (scientific text)", utf8("{\"id\":31,\"name\":-1e-99999999}"),
                        "name", "-1E-99999999"),
                lands("1e100 into String (plain text: 100 zeros of padding)", utf8("{\"id\":32,\"name\":1e100}"),
                        "name", "1" + "0".repeat(100)),
                lands("1e-99999999 into DateTime (below a second: the epoch)", utf8("{\"id\":33,\"at\":1e-99999999}"),
                        "toUInt32(at)", "0"),
                lands("1e999999999 into Float64", utf8("{\"id\":34,\"ratio\":1e999999999}"), "ratio", "inf"),
                lands("-1e-999999999 into Float64", utf8("{\"id\":35,\"ratio\":-1e-999999999}"), "ratio", "-0"),
                lands("a number of 1000 digits into String", utf8("{\"id\":36,\"name\":" + "7".repeat(1000) + "}"),
                        "length(name)", "1000"));
    }

    /** Bytes that are not one JSON object in UTF-8: error kind DECODE. */
    private static List<CorpusCase> refusedUndecodable() {
        String d = "DECODE";
        return List.of(
                refused("malformed", utf8("{not json"), d, "malformed json"),
                refused("truncated object", utf8("{\"id\": 5, \"name\": \"x\""), d, "malformed json", "end-of-input"),
                refused("unterminated string", utf8("{\"id\":1,\"name\":\"abc"), d, "malformed json", "end-of-input"),
                refused("top-level array", utf8("[1, 2]"), d, "expected a json object", "array"),
                refused("top-level string", utf8("\"hello\""), d, "expected a json object", "string"),
                refused("top-level number", utf8("42"), d, "expected a json object", "number"),
                refused("top-level null", utf8("null"), d, "expected a json object", "null"),
                refused("empty message", new byte[0], d, "empty message"),
                refused("blank message", utf8("  \r\n\t "), d, "blank message"),
                refused("tombstone (null value) with a key", null, d, "tombstone").withKey(utf8("deleted-key")),
                refused("trailing garbage", utf8("{\"id\": 1} x"), d, "json"),
                refused("second object", utf8("{\"id\": 1}{\"id\": 2}"), d, "after the json object"),
                refused("duplicate key", utf8("{\"id\": 1, \"id\": 2}"), d, "duplicate field 'id'"),
                refused("duplicate key in a nested object of a read column", utf8("{\"id\":1,\"tags\":[{\"a\":1,\"a\":2}]}"), d,
                        "duplicate field 'a'"),
                refused("NaN", utf8("{\"id\": 1, \"ratio\": NaN}"), d, "malformed json", "nan"),
                refused("Infinity", utf8("{\"id\": 1, \"ratio\": Infinity}"), d, "malformed json", "infinity"),
                refused("-Infinity", utf8("{\"id\": 1, \"ratio\": -Infinity}"), d, "malformed json", "infinity"),
                // The JSON decoder lets Jackson's NumberFormatException out (a gap, reported); the pipeline
                // turns a decoder's RuntimeException into a DECODE error instead of stopping for good.
                refused("exponent beyond the int range", utf8("{\"id\":1,\"ratio\":1e" + "9".repeat(30) + "}"), d,
                        "exponent digits"),
                refused("number of 1001 digits", utf8("{\"id\":1,\"ratio\":" + "9".repeat(1001) + "}"), d,
                        "number value length (1001) exceeds"),
                refused("leading plus sign", utf8("{\"id\":+1}"), d, "plus sign"),
                refused("leading zero", utf8("{\"id\":01}"), d, "leading zeroes"),
                refused("hexadecimal number", utf8("{\"id\":0x10}"), d, "malformed json"),
                refused("comment", utf8("{\"id\":1 /* note */}"), d, "comment"),
                refused("single quotes", utf8("{'id':1}"), d, "malformed json"),
                refused("trailing comma", utf8("{\"id\":1,}"), d, "malformed json"),
                refused("unquoted key", utf8("{id: 1}"), d, "malformed json"),
                refused("bad escape", utf8("{\"name\":\"\\x41\"}"), d, "unrecognized character escape"),
                refused("invalid UTF-8: byte 0xFF", nameWithBytes(0xFF, 0xFE), d, "invalid utf-8"),
                refused("invalid UTF-8: lone continuation byte", nameWithBytes(0x80), d, "invalid utf-8"),
                refused("invalid UTF-8: truncated sequence", nameWithBytes(0xE2, 0x82), d, "invalid utf-8"),
                refused("invalid UTF-8: encoded surrogate (CESU-8)", nameWithBytes(0xED, 0xA0, 0x80), d, "invalid utf-8"),
                refused("invalid UTF-8: overlong encoding of '/' (C0 AF)", nameWithBytes(0xC0, 0xAF), d, "invalid utf-8"),
                refused("invalid UTF-8: a code point beyond U+10FFFF (F5 80 80 80)", nameWithBytes(0xF5, 0x80, 0x80, 0x80), d,
                        "invalid utf-8"),
                refused("raw NUL inside a string", nameWithBytes('a', 0x00, 'b'), d, "ctrl-char, code 0", "escaped"),
                refused("raw control character inside a string", nameWithBytes('a', 0x01, 'b'), d, "ctrl-char, code 1"),
                refused("raw NUL after the object", utf8("{\"id\":1}\u0000"), d, "ctrl-char, code 0"),
                refused("NUL byte before the object", utf8("\u0000{\"id\":1}"), d, "malformed json"),
                refused("only a byte-order mark", BOM, d, "malformed json"),
                refused("nesting 10,000 deep", utf8("{\"tags\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"), d,
                        "nesting depth"),
                refused("over maxRecordBytes by one byte", ofLength(99, MAX_RECORD_BYTES + 1), d,
                        "message of " + (MAX_RECORD_BYTES + 1) + " bytes exceeds the limit of " + MAX_RECORD_BYTES));
    }

    /** Valid JSON whose values do not fit their columns: error kind MAPPING, naming the column. */
    private static List<CorpusCase> refusedUnconvertible() {
        String m = "MAPPING";
        return List.of(
                refused("UInt8 overflow", utf8("{\"id\": 1, \"small\": 300}"), m, "column small", "300", "out of range"),
                refused("negative into UInt8", utf8("{\"id\": 1, \"small\": -1}"), m, "column small", "-1"),
                refused("Int64 overflow", utf8("{\"id\": 1, \"big\": 9223372036854775808}"), m, "column big", "9223372036854775808"),
                refused("UInt64 overflow", utf8("{\"id\": 18446744073709551616}"), m, "column id", "18446744073709551616"),
                refused("huge integer into Int64", utf8("{\"id\":1,\"big\":" + "9".repeat(999) + "}"), m, "column big",
                        "out of range"),
                refused("fraction into Int64", utf8("{\"id\": 1, \"big\": 1.5}"), m, "column big", "1.5"),
                refused("text into UInt8", utf8("{\"id\": 1, \"small\": \"abc\"}"), m, "column small", "abc"),
                refused("boolean into Float64", utf8("{\"id\": 1, \"ratio\": true}"), m, "column ratio"),
                refused("decimal scale", utf8("{\"id\": 1, \"price\": 1.234}"), m, "column price", "1.234"),
                refused("decimal precision", utf8("{\"id\": 1, \"price\": 123456789.5}"), m, "column price", "123456789.5"),
                refused("not a date", utf8("{\"id\": 1, \"day\": \"2024-13-45\"}"), m, "column day", "2024-13-45"),
                refused("Date before 1970", utf8("{\"id\": 1, \"day\": \"1969-12-31\"}"), m, "column day", "1969-12-31"),
                refused("Date after 2149-06-06", utf8("{\"id\": 1, \"day\": \"2149-06-07\"}"), m, "column day", "2149-06-07"),
                refused("not a date-time", utf8("{\"id\": 1, \"at\": \"yesterday\"}"), m, "column at", "yesterday"),
                refused("DateTime before 1970", utf8("{\"id\": 1, \"at\": \"1969-12-31 23:59:59\"}"), m, "column at", "1969"),
                refused("DateTime after 2106", utf8("{\"id\": 1, \"at\": \"2200-01-01 00:00:00\"}"), m, "column at", "2200"),
                refused("negative epoch seconds", utf8("{\"id\": 1, \"at\": -1}"), m, "column at", "-1"),
                refused("unknown enum name", utf8("{\"id\": 1, \"kind\": \"z\"}"), m, "column kind", "z"),
                refused("undefined enum number", utf8("{\"id\": 1, \"kind\": 7}"), m, "column kind", "7"),
                refused("bad UUID", utf8("{\"id\": 1, \"uid\": \"not-a-uuid\"}"), m, "column uid", "not-a-uuid"),
                refused("array element of the wrong type", utf8("{\"id\": 1, \"tags\": [1, \"x\"]}"), m, "column tags", "x"),
                refused("array element overflow", utf8("{\"id\": 1, \"tags\": [70000]}"), m, "column tags", "70000"),
                refused("scalar for an array", utf8("{\"id\": 1, \"tags\": 5}"), m, "column tags"),
                refused("FixedString too long in bytes", utf8("{\"id\": 1, \"code\": \"ééé\"}"), m, "column code",
                        "6 bytes"),
                refused("object into String", utf8("{\"id\": 1, \"name\": {\"a\": 1}}"), m, "column name"),
                refused("array into String", utf8("{\"id\": 1, \"name\": [1]}"), m, "column name"));
    }

    /** Inputs that look odd but are valid, and land (decisions in docs/reliability.md). */
    private static List<CorpusCase> accepted() {
        String jsonNul = "{\"id\":2,\"name\":\"a\\u0000b\"}";
        return List.of(
                lands("UTF-8 byte-order mark before the object", concat(BOM, utf8("{\"id\":1,\"name\":\"bom\"}")),
                        "id", "1", "name", "bom"),
                lands("UTF-16LE with a byte-order mark (detected)", concat(new byte[] {(byte) 0xFF, (byte) 0xFE},
                        "{\"id\":3,\"name\":\"utf16\"}".getBytes(StandardCharsets.UTF_16LE)), "id", "3", "name", "utf16"),
                lands("NUL as a \\u0000 escape inside a string", utf8(jsonNul), "id", "2", "hex(name)", "610062"),
                lands("escaped control characters", utf8("{\"id\":4,\"name\":\"\\u0001\\t\\n\\u001f\"}"),
                        "hex(name)", "01090A1F"),
                lands("lone surrogate escape (stored as '?')", utf8("{\"id\":5,\"name\":\"x\\ud800y\"}"), "hex(name)", "783F79"),
                lands("emoji as a surrogate-pair escape", utf8("{\"id\":6,\"name\":\"\\ud83d\\ude00\"}"), "hex(name)", "F09F9880"),
                lands("emoji as raw UTF-8", utf8("{\"id\":6,\"name\":\"\uD83D\uDE00\"}"), "hex(name)", "F09F9880"),
                lands("UInt64 maximum", utf8("{\"id\":18446744073709551615}"), "id", "18446744073709551615"),
                lands("null for columns that are not Nullable (zero values)", utf8("{\"id\":7,\"name\":null,\"small\":null}"),
                        "name", "", "small", "0"),
                lands("null for a Nullable column", utf8("{\"id\":8,\"maybe\":null}"), "isNull(maybe)", "1"),
                lands("empty object (every column takes its zero value)", utf8("{}"), "id", "0", "name", "", "toUInt16(day)",
                        "0"),
                lands("duplicate key in a field no column reads", utf8("{\"id\":10,\"zz\":1,\"zz\":2}"), "id", "10"),
                lands("odd field names no column reads", utf8("{\"id\":11,\"we\\\"ird `key`\":1,\"\":2,\"ключ\":3}"), "id", "11"),
                lands("integral exponent into UInt8", utf8("{\"id\":12,\"small\":1e2}"), "small", "100"),
                lands("numeric text into UInt64", utf8("{\"id\":\"13\"}"), "id", "13"),
                lands("true into UInt8", utf8("{\"id\":14,\"small\":true}"), "small", "1"),
                lands("Float64 overflow becomes inf (as ClickHouse's CAST)", utf8("{\"id\":15,\"ratio\":1e400}"), "ratio", "inf"),
                lands("Float64 underflow becomes 0", utf8("{\"id\":16,\"ratio\":1e-400}"), "ratio", "0"),
                lands("nesting 99 deep in a field no column reads",
                        utf8("{\"id\":17,\"zz\":" + "[".repeat(99) + "]".repeat(99) + "}"), "id", "17"),
                lands("exactly maxRecordBytes (20 MiB)", ofLength(18, MAX_RECORD_BYTES), "id", "18", "length(name)",
                        Integer.toString(MAX_RECORD_BYTES - "{\"id\":18,\"name\":\"\"}".length())));
    }
}
