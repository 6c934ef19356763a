package dev.tributary.chdb.contract;

import dev.tributary.core.Pipeline;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad JSON and bad values, interleaved with good records in the same batches: each bad record
 * lands in the error table with its raw bytes and a reason that says what is wrong; the good ones
 * land in the table.
 */
class BadInputIT {

    /** A bad record, the error kind it must get and words its reason must contain. */
    private record Bad(String name, byte[] value, String kind, String... reasonContains) {
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Bad decode(String name, byte[] value, String... reason) {
        return new Bad(name, value, "DECODE", reason);
    }

    private static Bad mapping(String name, String json, String... reason) {
        return new Bad(name, utf8(json), "MAPPING", reason);
    }

    private static List<Bad> corpus() {
        List<Bad> bad = new ArrayList<>();
        bad.add(decode("malformed", utf8("{not json"), "malformed json"));
        bad.add(decode("truncated", utf8("{\"id\": 5, \"name\": \"x\""), "malformed json"));
        bad.add(decode("top-level array", utf8("[1, 2]"), "expected a json object", "array"));
        bad.add(decode("top-level string", utf8("\"hello\""), "expected a json object", "string"));
        bad.add(decode("top-level number", utf8("42"), "expected a json object", "number"));
        bad.add(decode("empty", new byte[0], "empty message"));
        bad.add(decode("blank", utf8("   \n "), "blank message"));
        bad.add(decode("tombstone", null, "tombstone"));
        bad.add(decode("trailing garbage", utf8("{\"id\": 1} x"), "json"));
        bad.add(decode("second object", utf8("{\"id\": 1}{\"id\": 2}"), "after the json object"));
        bad.add(decode("duplicate key", utf8("{\"id\": 1, \"id\": 2}"), "duplicate field 'id'"));
        bad.add(decode("NaN", utf8("{\"id\": 1, \"price\": NaN}"), "malformed json", "nan"));
        bad.add(decode("invalid UTF-8", new byte[] {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'},
                "utf-8"));
        bad.add(decode("deep nesting", utf8("{\"a\":" + "[".repeat(200) + "]".repeat(200) + "}"), "nesting depth"));
        bad.add(decode("unquoted key", utf8("{id: 1}"), "malformed json"));
        bad.add(mapping("UInt8 overflow", "{\"id\": 1, \"small\": 300}", "column small", "300"));
        bad.add(mapping("negative UInt8", "{\"id\": 1, \"small\": -1}", "column small", "-1"));
        bad.add(mapping("Int64 overflow", "{\"id\": 1, \"big\": 9223372036854775808}", "column big", "9223372036854775808"));
        bad.add(mapping("non-integral Int64", "{\"id\": 1, \"big\": 1.5}", "column big", "1.5"));
        bad.add(mapping("text into UInt8", "{\"id\": 1, \"small\": \"abc\"}", "column small", "abc"));
        bad.add(mapping("decimal scale", "{\"id\": 1, \"price\": 1.234}", "column price", "1.234"));
        bad.add(mapping("decimal precision", "{\"id\": 1, \"price\": 123456789.5}", "column price", "123456789.5"));
        bad.add(mapping("bad date", "{\"id\": 1, \"day\": \"2024-13-45\"}", "column day", "2024-13-45"));
        bad.add(mapping("date before 1970", "{\"id\": 1, \"day\": \"1950-01-01\"}", "column day", "1950-01-01"));
        bad.add(mapping("bad datetime", "{\"id\": 1, \"at\": \"yesterday\"}", "column at", "yesterday"));
        bad.add(mapping("datetime past 2106", "{\"id\": 1, \"at\": \"2200-01-01 00:00:00\"}", "column at", "2200"));
        bad.add(mapping("unknown enum", "{\"id\": 1, \"kind\": \"z\"}", "column kind", "z"));
        bad.add(mapping("undefined enum number", "{\"id\": 1, \"kind\": 7}", "column kind", "7"));
        bad.add(mapping("bad UUID", "{\"id\": 1, \"uid\": \"not-a-uuid\"}", "column uid", "not-a-uuid"));
        bad.add(mapping("array element type", "{\"id\": 1, \"tags\": [1, \"x\"]}", "column tags", "x"));
        bad.add(mapping("array element overflow", "{\"id\": 1, \"tags\": [70000]}", "column tags", "70000"));
        bad.add(mapping("not an array", "{\"id\": 1, \"tags\": 5}", "column tags"));
        bad.add(mapping("FixedString too long", "{\"id\": 1, \"code\": \"abcd\"}", "column code", "abcd"));
        bad.add(mapping("object into String", "{\"id\": 1, \"name\": {\"a\": 1}}", "column name"));
        return bad;
    }

    @BothTargets
    void everyBadRecordLandsInTheErrorTableAndTheGoodOnesLand(ContractTarget clickhouse) throws Exception {
        ContractTarget sql = clickhouse;
        sql.recreate("mixed", "(id UInt64, name String, small UInt8, big Int64, price Decimal(9, 2), day Date,"
                + " at DateTime, kind Enum8('a' = 1, 'b' = 2), uid UUID, tags Array(UInt16), code FixedString(3),"
                + " maybe Nullable(Int32)) ENGINE = MergeTree ORDER BY id");
        List<Bad> corpus = corpus();
        assertTrue(corpus.size() >= 20, "at least 20 kinds of bad input");

        // Good record, bad record, good record, ...: every batch mixes them.
        List<byte[]> values = new ArrayList<>();
        int good = 0;
        for (Bad bad : corpus) {
            values.add(utf8(goodRecord(good++)));
            values.add(bad.value());
        }
        values.add(utf8(goodRecord(good++)));
        int goodCount = good;
        GeneratedSource source = new GeneratedSource(1, values.size(), 10, i -> values.get((int) i));
        try (Pipeline pipeline = Pipeline.builder().name("mixed").source(source).decoder(JsonDecoder.create())
                .sink(clickhouse.sink("mixed").maxRows(16)
                        .maxAge(Duration.ofMillis(300)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == values.size());
        }

        assertEquals(goodCount, sql.longValue("SELECT count() FROM mixed"));
        assertEquals(List.of(List.of("3", "name-3", "3", "-3", "3.25", "2024-02-29", "2024-02-29 12:00:03", "b",
                        "00000000-0000-0000-0000-000000000003", "[3,4]", "ab\u0000", "3")),
                sql.rows("SELECT * FROM mixed WHERE id = 3"));

        List<List<String>> errors = sql.rows("SELECT position, error_kind, message, raw_value IS NULL, hex(raw_value),"
                + " pipeline, split FROM mixed_errors ORDER BY toUInt64(splitByChar('@', position)[2])");
        assertEquals(corpus.size(), errors.size(), "one error row per bad record");
        for (int i = 0; i < corpus.size(); i++) {
            Bad bad = corpus.get(i);
            List<String> row = errors.get(i);
            String where = bad.name() + " -> " + row;
            assertEquals("s0@" + (2 * i + 1), row.get(0), where);
            assertEquals(bad.kind(), row.get(1), where);
            String reason = row.get(2).toLowerCase(Locale.ROOT);
            for (String fragment : bad.reasonContains()) {
                assertTrue(reason.contains(fragment.toLowerCase(Locale.ROOT)), where + " should mention '" + fragment + "'");
            }
            if (bad.value() == null) {
                assertEquals("1", row.get(3), where);
            } else {
                assertEquals("0", row.get(3), where);
                assertEquals(HexFormat.of().withUpperCase().formatHex(bad.value()), row.get(4), where + ": raw bytes kept");
            }
            assertEquals("mixed", row.get(5));
            assertEquals("s0", row.get(6));
        }
    }

    private static String goodRecord(int n) {
        return "{\"id\": " + n + ", \"name\": \"name-" + n + "\", \"small\": " + n + ", \"big\": " + (-n)
                + ", \"price\": " + n + ".25, \"day\": \"2024-02-29\", \"at\": \"2024-02-29T12:00:0" + (n % 10) + "Z\","
                + " \"kind\": \"" + (n % 2 == 0 ? "a" : "b") + "\", \"uid\": \"00000000-0000-0000-0000-" + String.format("%012d", n)
                + "\", \"tags\": [" + n + ", " + (n + 1) + "], \"code\": \"ab\", \"maybe\": " + n + "}";
    }
}
