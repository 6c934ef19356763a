package dev.tributary.chdb.contract;

import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.clickhouse.ClickHouseTransport;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What only a modern ClickHouse has, through the sink into the chDB 26.5 engine: the modern types through the
 * default mapper, RowBinaryWithDefaults, the engine's own error codes, bisection.
 */
@ExtendWith(TestServers.class)
class ModernEngineIT {

    private final ContractTarget engine;

    ModernEngineIT(ChDb chdb) {
        this.engine = ContractTarget.embedded(chdb);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Runs a pipeline of {@code records} (JSON) into {@code table} until all are committed or it fails. */
    private Pipeline land(String table, List<String> records, UnaryOperator<ClickHouseSink.Builder> sink) throws Exception {
        GeneratedSource source = new GeneratedSource(1, records.size(), 1_000, i -> utf8(records.get((int) i)));
        Pipeline pipeline = Pipeline.builder().name(table).source(source).decoder(JsonDecoder.create())
                .sink(sink.apply(engine.sink(table).maxAge(Duration.ofMillis(100))
                        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100))).build())
                .metricsLogInterval(Duration.ZERO).build();
        try (pipeline) {
            pipeline.start();
            await("every record committed, or the pipeline failed", Duration.ofMinutes(1),
                    () -> source.committedCount() == records.size() || pipeline.state() == Pipeline.State.FAILED);
        }
        return pipeline;
    }

    private void landAll(String table, List<String> records) throws Exception {
        Pipeline pipeline = land(table, records, sink -> sink);
        assertEquals(Pipeline.State.STOPPED, pipeline.state(), () -> "failed: " + pipeline.failure());
    }

    static Stream<Arguments> modernTypes() {
        return Stream.of(
                Arguments.of("Int128", "-170141183460469231731687303715884105728", "-170141183460469231731687303715884105728"),
                Arguments.of("UInt128", "340282366920938463463374607431768211455", "340282366920938463463374607431768211455"),
                Arguments.of("Int256", "-57896044618658097711785492504343953926634992332820282019728792003956564819968",
                        "-57896044618658097711785492504343953926634992332820282019728792003956564819968"),
                Arguments.of("UInt256", "115792089237316195423570985008687907853269984665640564039457584007913129639935",
                        "115792089237316195423570985008687907853269984665640564039457584007913129639935"),
                Arguments.of("Int128", "\"-12345678901234567890123\"", "-12345678901234567890123"),
                Arguments.of("Int64", "-9223372036854775808", "-9223372036854775808"),
                Arguments.of("UInt64", "18446744073709551615", "18446744073709551615"),
                Arguments.of("Date32", "\"1900-01-01\"", "1900-01-01"),
                Arguments.of("Date32", "\"2299-12-31\"", "2299-12-31"),
                Arguments.of("DateTime64(3, 'Asia/Tokyo')", "\"2024-02-29T12:00:00.123Z\"", "2024-02-29 21:00:00.123"),
                Arguments.of("DateTime64(6, 'America/New_York')", "\"2024-07-01T12:00:00.123456Z\"", "2024-07-01 08:00:00.123456"),
                Arguments.of("DateTime64(9, 'UTC')", "\"1969-12-31T23:59:59.999999999Z\"", "1969-12-31 23:59:59.999999999"),
                Arguments.of("DateTime64(3, 'Asia/Kolkata')", "\"1900-01-01T00:00:00Z\"", "1900-01-01 05:21:10.000"),
                Arguments.of("DateTime('Europe/Berlin')", "\"2024-03-31T01:30:00Z\"", "2024-03-31 03:30:00"),
                Arguments.of("Map(String, UInt32)", "{\"a\": 1, \"b\": 2}", "{'a':1,'b':2}"),
                Arguments.of("Map(LowCardinality(String), Array(Nullable(Int8)))", "{\"k\": [1, null, -1]}", "{'k':[1,NULL,-1]}"),
                Arguments.of("IPv4", "\"192.168.0.1\"", "192.168.0.1"),
                Arguments.of("IPv4", "\"255.255.255.255\"", "255.255.255.255"),
                Arguments.of("IPv6", "\"2001:db8::1\"", "2001:db8::1"),
                Arguments.of("IPv6", "\"::ffff:10.0.0.1\"", "::ffff:10.0.0.1"),
                Arguments.of("Bool", "true", "true"),
                Arguments.of("Bool", "false", "false"),
                Arguments.of("Decimal128(20)", "\"-1.00000000000000000001\"", "-1.00000000000000000001"),
                Arguments.of("Decimal256(40)", "\"12345678901234567890.0000000000000000000000000000000000000001\"",
                        "12345678901234567890.0000000000000000000000000000000000000001"),
                Arguments.of("Enum16('a' = -1000, 'b' = 1000)", "\"b\"", "b"),
                Arguments.of("UUID", "\"61f0c404-5cb3-11e7-907b-a6006ad3dba0\"", "61f0c404-5cb3-11e7-907b-a6006ad3dba0"),
                Arguments.of("LowCardinality(Nullable(String))", "null", null),
                Arguments.of("Nullable(Int256)", "null", null),
                Arguments.of("Array(Array(UInt8))", "[[1, 2], []]", "[[1,2],[]]"),
                Arguments.of("Float64", "-1e-300", "-1e-300"),
                Arguments.of("String", "\"h\\u00e9llo \\u2603\"", "h\u00e9llo \u2603"),
                // The rest of the type model, so that every type lands here.
                Arguments.of("Int8", "-128", "-128"),
                Arguments.of("Int16", "-32768", "-32768"),
                Arguments.of("Int32", "-2147483648", "-2147483648"),
                Arguments.of("UInt8", "255", "255"),
                Arguments.of("UInt16", "65535", "65535"),
                Arguments.of("UInt32", "4294967295", "4294967295"),
                Arguments.of("Float32", "1.5", "1.5"),
                Arguments.of("Date", "\"2024-02-29\"", "2024-02-29"),
                Arguments.of("DateTime", "\"2024-02-29 12:00:00\"", "2024-02-29 12:00:00"),
                Arguments.of("Enum8('a' = 1, 'b' = 2)", "\"b\"", "b"),
                Arguments.of("Decimal32(2)", "\"-1.25\"", "-1.25"),
                Arguments.of("Decimal64(4)", "12345.6789", "12345.6789"),
                Arguments.of("FixedString(3)", "\"abc\"", "abc"),
                Arguments.of("LowCardinality(String)", "\"x\"", "x"),
                Arguments.of("Nullable(Int32)", "7", "7"),
                Arguments.of("Nullable(String)", "\"x\"", "x"),
                Arguments.of("Tuple(Int32, String)", "[1, \"a\"]", "(1,'a')"),
                Arguments.of("Tuple(a Int32, b String)", "{\"b\": \"x\", \"a\": 1}", "(1,'x')"),
                Arguments.of("Array(Tuple(a UInt8, b Nullable(String)))", "[{\"a\": 1}, {\"a\": 2, \"b\": \"y\"}]",
                        "[(1,NULL),(2,'y')]"),
                // Variant: text goes to the String variant, a whole number to an integer one.
                Arguments.of("Variant(String, UInt64)", "\"abc\"", "abc"),
                Arguments.of("Variant(String, UInt64)", "42", "42"),
                Arguments.of("Variant(Array(Int64), Bool, String)", "[1, -2]", "[1,-2]"),
                Arguments.of("Variant(Array(Int64), Bool, String)", "true", "true"));
    }

    /**
     * Nested: kept as one column of type Nested when the table is created with flatten_nested = 0 (a list of
     * objects in, by element name), and the usual flattened form (one Array column per element, named n.a).
     */
    @Test
    void aNestedColumnLandsWhetherOrNotItIsFlattened() throws Exception {
        engine.recreate("nested_whole", "(id UInt64, n Nested(a UInt8, b String)) ENGINE = MergeTree ORDER BY id"
                + " SETTINGS flatten_nested = 0");
        assertEquals("Nested(a UInt8, b String)", engine.value("SELECT type FROM system.columns WHERE table = 'nested_whole'"
                + " AND database = currentDatabase() AND name = 'n'"));
        landAll("nested_whole", List.of("{\"id\": 1, \"n\": [{\"a\": 1, \"b\": \"x\"}, {\"b\": \"y\", \"a\": 2}]}"));
        assertEquals(List.of(List.of("[1,2]", "['x','y']")), engine.rows("SELECT toString(n.a), toString(n.b) FROM nested_whole"));

        engine.recreate("nested_flat", "(id UInt64, n Nested(a UInt8, b String)) ENGINE = MergeTree ORDER BY id");
        landAll("nested_flat", List.of("{\"id\": 1, \"n.a\": [1, 2], \"n.b\": [\"x\", \"y\"]}"));
        assertEquals(List.of(List.of("[1,2]", "['x','y']")), engine.rows("SELECT toString(n.a), toString(n.b) FROM nested_flat"));
    }

    /** The variant a value goes to, as the engine reports it: by the value's kind (VariantEncoder). */
    @Test
    void aVariantValueLandsInTheVariantOfItsKind() throws Exception {
        engine.recreate("variants", "(id UInt64, v Variant(String, UInt64, Float64, Bool)) ENGINE = MergeTree ORDER BY id");
        landAll("variants", List.of("{\"id\": 1, \"v\": \"42\"}", "{\"id\": 2, \"v\": 42}", "{\"id\": 3, \"v\": 1.5}",
                "{\"id\": 4, \"v\": false}", "{\"id\": 5, \"v\": null}", "{\"id\": 6}"));
        assertEquals(List.of(List.of("1", "String", "42"), List.of("2", "UInt64", "42"), List.of("3", "Float64", "1.5"),
                        List.of("4", "Bool", "false"), Arrays.asList("5", "None", null), Arrays.asList("6", "None", null)),
                engine.rows("SELECT id, variantType(v), if(v IS NULL, NULL, toString(v)) FROM variants ORDER BY id"));
        assertEquals(0, engine.longValue("SELECT count() FROM variants_errors"));
    }

    /** A value no variant takes is bad data: an error row naming the column, the other rows land. */
    @Test
    void aValueNoVariantTakesGoesToTheErrorTable() throws Exception {
        engine.recreate("variant_refused", "(id UInt64, v Variant(UInt8, Bool)) ENGINE = MergeTree ORDER BY id");
        landAll("variant_refused", List.of("{\"id\": 1, \"v\": 7}", "{\"id\": 2, \"v\": \"not a number\"}"));
        assertEquals(List.of(List.of("1", "7")), engine.rows("SELECT id, toString(v) FROM variant_refused"));
        assertEquals(1, engine.longValue("SELECT count() FROM variant_refused_errors"));
        String reason = engine.rows("SELECT message FROM variant_refused_errors").get(0).get(0);
        assertTrue(reason.contains("column v: ") && reason.contains("Variant(Bool, UInt8)")
                && reason.contains("accepted by no variant"), reason);
    }

    private static String present(String path) {
        return "if(" + path + " IS NULL, 'missing', toString(" + path + "))";
    }

    /** JSON is sent as text with input_format_binary_read_json_as_string; paths read back as they went in. */
    @Test
    void aJsonObjectLandsAndItsPathsReadBack() throws Exception {
        engine.recreate("json_column", "(id UInt64, v JSON) ENGINE = MergeTree ORDER BY id");
        landAll("json_column", List.of("{\"id\": 1, \"v\": {\"a\": 1, \"b\": {\"c\": \"x\", \"d\": [true, false]}}}",
                "{\"id\": 2, \"v\": {}}"));
        assertEquals(List.of(List.of("1", "1", "x", "[true,false]", "{\"a\":1,\"b\":{\"c\":\"x\",\"d\":[true,false]}}"),
                        List.of("2", "missing", "missing", "missing", "{}")),
                engine.rows("SELECT id, " + present("v.a") + ", " + present("v.b.c") + ", " + present("v.b.d") + ", toString(v)"
                        + " FROM json_column ORDER BY id"));
        assertEquals(0, engine.longValue("SELECT count() FROM json_column_errors"));
    }

    /**
     * Sub-objects of JSON records into a JSON column, read back with toJSONString: escapes and Unicode, the
     * Int64/UInt64 limits and 2^53 + 1 exactly, decimals, nulls (dropped by the engine), arrays of objects,
     * a text object, dotted keys (paths to the engine). What the engine cannot hold is an error row of its own:
     * a number beyond UInt64 or Float64 (MAPPING, refused before the insert), a path given twice (the engine's
     * code 117, INSERT), an array (MAPPING); every other row lands.
     */
    @Test
    void jsonSubObjectsLandInAJsonColumnAsTheyWereSent() throws Exception {
        engine.recreate("json_objects", "(id UInt64, v JSON) ENGINE = MergeTree ORDER BY id");
        landAll("json_objects", List.of(
                "{\"id\": 1, \"v\": {\"s\": \"quote \\\" back \\\\ nl \\n ctl \\u0001 \u00e9 \u2603 \ud83d\ude00\"}}",
                "{\"id\": 2, \"v\": {\"big\": 9007199254740993, \"neg\": -9223372036854775808, \"u\": 18446744073709551615}}",
                "{\"id\": 3, \"v\": {\"d\": 0.1, \"e\": 1.5e3, \"tiny\": 1e-7}}",
                "{\"id\": 4, \"v\": {\"n\": null, \"a\": [1, \"x\", {\"k\": []}], \"o\": {\"p\": {\"q\": true}}}}",
                "{\"id\": 5, \"v\": null}",
                "{\"id\": 6}",
                "{\"id\": 7, \"v\": \"{\\\"t\\\": 1}\"}",
                "{\"id\": 8, \"v\": {\"a.b\": 1, \"arr\": [{\"a\": 1}, {\"a\": \"x\"}], \"m\": [[1, 2], [3]]}}",
                "{\"id\": 9, \"v\": {\"huge\": 18446744073709551616}}",
                "{\"id\": 10, \"v\": {\"x\": 1e400}}",
                "{\"id\": 11, \"v\": {\"a.b\": 1, \"a\": {\"b\": 2}}}",
                "{\"id\": 12, \"v\": [1, 2]}"));
        assertEquals(List.of(
                        List.of("1", "{\"s\":\"quote \\\" back \\\\ nl \\n ctl \\u0001 \u00e9 \u2603 \ud83d\ude00\"}"),
                        List.of("2", "{\"big\":9007199254740993,\"neg\":-9223372036854775808,\"u\":18446744073709551615}"),
                        List.of("3", "{\"d\":0.1,\"e\":1500,\"tiny\":1e-7}"),
                        List.of("4", "{\"a\":[1,\"x\",{\"k\":[]}],\"o\":{\"p\":{\"q\":true}}}"),
                        List.of("5", "{}"),
                        List.of("6", "{}"),
                        List.of("7", "{\"t\":1}"),
                        List.of("8", "{\"a\":{\"b\":1},\"arr\":[{\"a\":1},{\"a\":\"x\"}],\"m\":[[1,2],[3]]}")),
                engine.rows("SELECT id, toJSONString(v) FROM json_objects ORDER BY id"),
                () -> "error rows: " + engine.rows("SELECT message FROM json_objects_errors"));
        assertEquals("{'big':'Int64','neg':'Int64','u':'UInt64'}",
                engine.value("SELECT toString(JSONAllPathsWithTypes(v)) FROM json_objects WHERE id = 2"));
        List<List<String>> errors = engine.rows("SELECT position, error_kind, message FROM json_objects_errors ORDER BY position");
        assertEquals(List.of("s0@10", "s0@11", "s0@8", "s0@9"), errors.stream().map(row -> row.get(0)).toList(), errors::toString);
        assertEquals(List.of("INSERT", "MAPPING", "MAPPING", "MAPPING"), errors.stream().map(row -> row.get(1)).toList(), errors::toString);
        assertTrue(errors.get(0).get(2).contains("Duplicate path"), errors::toString);
        assertTrue(errors.get(1).get(2).startsWith("column v: value [1, 2]"), errors::toString);
        assertTrue(errors.get(2).get(2).contains("18446744073709551616") && errors.get(2).get(2).contains("Int64, UInt64 or Float64"),
                errors::toString);
        assertTrue(errors.get(3).get(2).contains("1E+400") && errors.get(3).get(2).contains("Int64, UInt64 or Float64"),
                errors::toString);
    }

    @ParameterizedTest(name = "{0} <- {1}")
    @MethodSource("modernTypes")
    void aModernTypeLandsThroughTheDefaultMapperWithTheExpectedValue(String type, String json, String expected) throws Exception {
        String table = "modern_" + Integer.toHexString((type + json).hashCode());
        engine.recreate(table, "(id UInt64, v " + type + ") ENGINE = MergeTree ORDER BY id");
        landAll(table, List.of("{\"id\": 1, \"v\": " + json + "}"));
        assertEquals(List.of(Arrays.asList("1", expected)), engine.rows("SELECT id, toString(v) FROM " + table));
        assertEquals(0, engine.longValue("SELECT count() FROM " + table + "_errors"));
    }

    /**
     * A DEFAULT computed from an EPHEMERAL column: the engine refuses an insert that omits the EPHEMERAL
     * column (code 47, which reads as bad data: every row went to the error table), so it is written, and
     * when the record lacks it the engine takes its default too.
     */
    @Test
    void rowBinaryWithDefaultsComputesDefaultsSkipsMaterializedAndAliasAndWritesEphemeral() throws Exception {
        engine.recreate("with_defaults", "(id UInt64, d UInt32 DEFAULT id * 10, s String DEFAULT concat('x', toString(id)),"
                + " e UInt64 EPHEMERAL, from_e UInt64 DEFAULT e + 100, m UInt64 MATERIALIZED id + 1, a UInt64 ALIAS id + 2,"
                + " n Nullable(UInt8) DEFAULT 5) ENGINE = MergeTree ORDER BY id");
        landAll("with_defaults", List.of(
                "{\"id\": 1}",
                "{\"id\": 2, \"d\": 3, \"s\": \"given\", \"n\": 9, \"m\": 1000, \"a\": 1000, \"e\": 7}"));
        assertEquals(List.of(
                        List.of("1", "10", "x1", "100", "2", "3", "5"),
                        List.of("2", "3", "given", "107", "3", "4", "9")),
                engine.rows("SELECT id, d, s, from_e, m, a, n FROM with_defaults ORDER BY id"),
                () -> "error rows: " + engine.rows("SELECT message FROM with_defaults_errors"));
    }

    /**
     * Without a Nullable column that has a DEFAULT, blocks whose rows use DEFAULTs go as Native (the
     * sink's default): such a column goes as Nullable(T) or LowCardinality(Nullable(T)), NULL where
     * the row uses the DEFAULT, and the engine computes the expressions, an EPHEMERAL column's too.
     */
    @Test
    void nativeBlocksCarryDefaultsAsNullsAndTheEngineComputesThem() throws Exception {
        engine.recreate("native_defaults", "(id UInt64, d UInt32 DEFAULT id * 10, s String DEFAULT concat('x', toString(id)),"
                + " lc LowCardinality(String) DEFAULT 'lc', e UInt64 EPHEMERAL, from_e UInt64 DEFAULT e + 100,"
                + " t DateTime64(3, 'UTC') DEFAULT toDateTime64('2020-01-01 00:00:00', 3, 'UTC')) ENGINE = MergeTree ORDER BY id");
        landAll("native_defaults", List.of(
                "{\"id\": 1}",
                "{\"id\": 2, \"d\": 3, \"s\": \"given\", \"lc\": \"z\", \"e\": 7, \"t\": \"2021-02-03T04:05:06.789Z\"}",
                "{\"id\": 3, \"s\": \"only s\"}"));
        assertEquals(List.of(
                        List.of("1", "10", "x1", "lc", "100", "2020-01-01 00:00:00.000"),
                        List.of("2", "3", "given", "z", "107", "2021-02-03 04:05:06.789"),
                        List.of("3", "30", "only s", "lc", "100", "2020-01-01 00:00:00.000")),
                engine.rows("SELECT id, d, s, lc, from_e, t FROM native_defaults ORDER BY id"),
                () -> "error rows: " + engine.rows("SELECT message FROM native_defaults_errors"));
    }

    @Test
    void rowsTheEngineRefusesForTheirDataAreBisectedIntoTheErrorTableAndTheRestLands() throws Exception {
        // A CHECK constraint refuses the batch with the engine's code 469 (VIOLATED_CONSTRAINT): the batch is
        // split until each refused row is alone, and that row goes to the error table.
        engine.recreate("bisected", "(id UInt64, CONSTRAINT not_seven CHECK id % 97 != 7) ENGINE = MergeTree ORDER BY id");
        List<String> records = java.util.stream.IntStream.range(0, 500).mapToObj(i -> "{\"id\": " + i + "}").toList();
        landAll("bisected", records);
        assertEquals(List.of(List.of("494", "0")), engine.rows("SELECT count(), countIf(id % 97 = 7) FROM bisected"));
        List<List<String>> errors = engine.rows("SELECT position, error_kind, message LIKE '%469%' AND message LIKE '%not_seven%'"
                + " FROM bisected_errors ORDER BY toUInt64(splitByChar('@', position)[2])");
        assertEquals(List.of(List.of("s0@7", "INSERT", "1"), List.of("s0@104", "INSERT", "1"), List.of("s0@201", "INSERT", "1"),
                List.of("s0@298", "INSERT", "1"), List.of("s0@395", "INSERT", "1"), List.of("s0@492", "INSERT", "1")), errors);
    }

    @Test
    void aTableDroppedUnderThePipelineStopsItWithTheEngineCodeAndNothingInTheErrorTable() throws Exception {
        engine.recreate("dropped", "(id UInt64) ENGINE = MergeTree ORDER BY id");
        GeneratedSource source = new GeneratedSource(1, 0, 100, i -> utf8("{\"id\": " + i + "}"));
        try (Pipeline pipeline = Pipeline.builder().name("dropped").source(source).decoder(JsonDecoder.create())
                .sink(engine.sink("dropped").maxAge(Duration.ofMillis(100)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            source.add(10);
            await("the first records committed", Duration.ofSeconds(30), () -> source.committedCount() == 10);
            engine.execute("DROP TABLE dropped");
            source.add(10);
            await("the pipeline stopped", Duration.ofSeconds(30), () -> pipeline.state() == Pipeline.State.FAILED);
            PipelineException failure = assertThrows(PipelineException.class, pipeline::awaitTermination);
            String message = failure.getMessage().toLowerCase(Locale.ROOT);
            assertTrue(message.contains("dropped") && (message.contains("code 60") || message.contains("does not exist")),
                    failure.getMessage());
        }
        assertEquals(10, source.committedCount(), "nothing committed after the table went");
        assertEquals(0, engine.longValue("SELECT count() FROM dropped_errors"));
    }

    @Test
    void anUnknownSettingIsFatalWithTheEngineCode() throws Exception {
        engine.recreate("unknown_setting", "(id UInt64) ENGINE = MergeTree ORDER BY id");
        Pipeline pipeline = land("unknown_setting", List.of("{\"id\": 1}"),
                sink -> sink.insertSetting("no_such_setting_anywhere", "1"));
        assertEquals(Pipeline.State.FAILED, pipeline.state());
        PipelineException failure = assertThrows(PipelineException.class, pipeline::awaitTermination);
        assertTrue(failure.getMessage().contains("115") && failure.getMessage().contains("no_such_setting_anywhere"),
                failure.getMessage());
        assertEquals(0, engine.longValue("SELECT count() FROM unknown_setting"));
        assertEquals(0, engine.longValue("SELECT count() FROM unknown_setting_errors"));
    }

    @Test
    void anEngineErrorThatSaysNothingAboutTheRowsIsRetriedNotDiverted() throws Exception {
        // throwIf's code 395 is not known to be the rows' fault: the batch is retried until the cause goes away.
        engine.recreate("retried", "(id UInt64, guard UInt8 MATERIALIZED throwIf(id = 3)) ENGINE = MergeTree ORDER BY id");
        GeneratedSource source = new GeneratedSource(1, 10, 100, i -> utf8("{\"id\": " + i + "}"));
        try (Pipeline pipeline = Pipeline.builder().name("retried").source(source).decoder(JsonDecoder.create())
                .sink(engine.sink("retried").maxAge(Duration.ofMillis(100))
                        .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            try {
                await("the insert retried", Duration.ofSeconds(30), () -> pipeline.metrics().insertRetries() >= 3);
                assertEquals(0, source.committedCount());
                assertEquals(0, engine.longValue("SELECT count() FROM retried"));
            } finally {
                engine.execute("ALTER TABLE retried MODIFY COLUMN guard UInt8 MATERIALIZED 0");
            }
            await("every record committed", Duration.ofSeconds(30), () -> source.committedCount() == 10);
        }
        assertEquals(10, engine.longValue("SELECT count() FROM retried"));
        assertEquals(0, engine.longValue("SELECT count() FROM retried_errors"));
    }

    /** A type the type model has no encoder for: the pipeline stops at start naming the column and the type. */
    @ParameterizedTest
    @ValueSource(strings = {"Dynamic"})
    void aColumnOfATypeTheSinkCannotEncodeStopsThePipelineNamingIt(String type) throws Exception {
        String table = "unencodable_" + Integer.toHexString(type.hashCode());
        engine.recreate(table, "(id UInt64, v " + type + ") ENGINE = MergeTree ORDER BY id");
        Pipeline pipeline = land(table, List.of("{\"id\": 1, \"v\": \"x\"}"), sink -> sink);
        assertEquals(Pipeline.State.FAILED, pipeline.state());
        PipelineException failure = assertThrows(PipelineException.class, pipeline::awaitTermination);
        assertTrue(failure.getMessage().contains("v") && failure.getMessage().contains(type.replaceAll("\\(.*", "")),
                failure.getMessage());
    }

    /**
     * {@code insert_deduplication_token} with an insert reaches the engine through the transport the sink writes
     * with: the same batch replayed (as after a crash before the commit) with its token lands once, on a MergeTree
     * with a deduplication window. (The sink refuses one fixed token for every insert at build(): see
     * ClickHouseSinkBuilderTest; a token per batch is for exactly-once delivery.)
     */
    @Test
    void aBatchReplayedWithItsDeduplicationTokenLandsOnce() throws Exception {
        engine.recreate("dedup", "(id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 100");
        java.nio.ByteBuffer rows = java.nio.ByteBuffer.allocate(50 * Long.BYTES).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long id = 0; id < 50; id++) {
            rows.putLong(id);
        }
        try (ClickHouseTransport transport = engine.target().open()) {
            for (int replay = 0; replay < 3; replay++) {
                transport.insert("`default`.`dedup`", List.of("`id`"), rows.array(), 0, rows.capacity(), "RowBinary",
                        "dedup-replay-" + replay, Map.of("async_insert", "0", "insert_deduplication_token", "dedup-s0-0-49"));
            }
        }
        assertEquals(List.of(List.of("50", "50")), engine.rows("SELECT count(), uniqExact(id) FROM dedup"));
    }

    /** The same replay without a token lands every time: what the token prevents. */
    @Test
    void aBatchReplayedWithoutADeduplicationTokenLandsAgain() throws Exception {
        engine.recreate("no_dedup", "(id UInt64) ENGINE = MergeTree ORDER BY id SETTINGS non_replicated_deduplication_window = 0");
        List<String> records = java.util.stream.IntStream.range(0, 50).mapToObj(i -> "{\"id\": " + i + "}").toList();
        for (int replay = 0; replay < 2; replay++) {
            landAll("no_dedup", records);
        }
        assertEquals(List.of(List.of("100", "50")), engine.rows("SELECT count(), uniqExact(id) FROM no_dedup"));
    }
}
