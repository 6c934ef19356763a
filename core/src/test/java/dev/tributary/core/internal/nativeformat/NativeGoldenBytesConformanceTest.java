package dev.tributary.core.internal.nativeformat;

import dev.tributary.core.rowbinary.ConformanceCases;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every RowBinary conformance case (but JSON) as a Native block: the writer's block made of the
 * encoder's RowBinary bytes equals, byte for byte, the engine's own
 * {@code SELECT CAST(<literal> AS <type>) AS v FORMAT Native} in chDB 26.5 — header (the column's
 * name and the engine's text of its type, which the writer prints from the parsed type) and data.
 */
@ExtendWith(TestServers.class)
class NativeGoldenBytesConformanceTest {

    static List<ConformanceCases.Case> cases() {
        return Stream.concat(NativeCases.all().stream(), nestedDictionaries().stream()).toList();
    }

    /** Dictionaries and prefixes inside other types: where the prefix goes before the data of every element. */
    static List<ConformanceCases.Case> nestedDictionaries() {
        java.time.ZoneId utc = ConformanceCases.ENGINE_ZONE;
        return List.of(
                new ConformanceCases.Case("Tuple(a UInt8, b LowCardinality(String))", "(1, 'a')",
                        "Tuple(a UInt8, b LowCardinality(String))", utc, List.of(1, "a")),
                new ConformanceCases.Case("Variant(LowCardinality(String), UInt8)", "'x'::LowCardinality(String)",
                        "Variant(LowCardinality(String), UInt8)", utc, "x"),
                new ConformanceCases.Case("Array(Tuple(LowCardinality(String), Nullable(UInt8)))", "[('a', NULL), ('b', 1), ('a', 2)]",
                        "Array(Tuple(LowCardinality(String), Nullable(UInt8)))", utc,
                        List.of(java.util.Arrays.asList("a", null), List.of("b", 1), List.of("a", 2))),
                new ConformanceCases.Case("Map(String, LowCardinality(Nullable(String)))", "map('k', NULL, 'j', 'v')",
                        "Map(String, LowCardinality(Nullable(String)))", utc, orderedMap("k", null, "j", "v")),
                new ConformanceCases.Case("Tuple(LowCardinality(String), Array(LowCardinality(Nullable(String))))",
                        "('p', ['q', NULL, 'p'])", "Tuple(LowCardinality(String), Array(LowCardinality(Nullable(String))))", utc,
                        List.of("p", java.util.Arrays.asList("q", null, "p"))),
                new ConformanceCases.Case("LowCardinality(Nullable(FixedString(2)))", "NULL", "LowCardinality(Nullable(FixedString(2)))",
                        utc, null),
                new ConformanceCases.Case("LowCardinality(Int32)", "-5", "LowCardinality(Int32)", utc, -5),
                new ConformanceCases.Case("LowCardinality(Date)", "'2020-01-01'", "LowCardinality(Date)", utc, "2020-01-01"));
    }

    private static java.util.Map<Object, Object> orderedMap(Object... keysAndValues) {
        java.util.Map<Object, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void oneValueIsTheEnginesBlock(ConformanceCases.Case c, ChDb chdb) throws ValueConversionException {
        byte[] golden = chdb.query("SELECT CAST(" + c.literal() + " AS " + c.goldenType() + ") AS v"
                + " SETTINGS allow_suspicious_low_cardinality_types = 1", "Native");
        // The column type as the engine names it: what system.columns gives the sink for such a column.
        ClickHouseType type = ClickHouseType.parse(NativeCases.firstColumnType(golden));
        NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("v"), List.of(type), false, false);
        byte[] written = NativeCases.block(writer, NativeCases.rowBinary(c), 1);
        assertEquals(NativeCases.hex(golden), NativeCases.hex(written),
                () -> c + " against CAST(" + c.literal() + " AS " + c.goldenType() + ")");
    }

    static Stream<Arguments> types() {
        return NativeCases.byType().values().stream().map(cases -> Arguments.of(cases.get(0).type(), cases));
    }

    /**
     * All the values of a type in one block, in catalogue order, against the engine's
     * {@code SELECT arrayJoin([CAST(l1 AS T), CAST(l2 AS T), ...]) AS v}: one block, in that order
     * (LowCardinality dictionaries included: keys by first appearance after the default).
     */
    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("types")
    void allValuesOfATypeAreTheEnginesBlock(String typeText, List<ConformanceCases.Case> cases, ChDb chdb)
            throws ValueConversionException {
        String goldenType = cases.get(0).goldenType();
        String array = cases.stream().map(c -> "CAST(" + c.literal() + " AS " + goldenType + ")")
                .collect(Collectors.joining(", ", "[", "]"));
        byte[] golden = chdb.query("SELECT arrayJoin(" + array + ") AS v", "Native");
        ClickHouseType type = ClickHouseType.parse(NativeCases.firstColumnType(golden));
        RowBinaryOutput rows = new RowBinaryOutput();
        for (ConformanceCases.Case c : cases) {
            rows.writeBytes(NativeCases.rowBinary(c));
        }
        NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("v"), List.of(type), false, false);
        byte[] written = NativeCases.block(writer, rows.toByteArray(), cases.size());
        assertEquals(NativeCases.hex(golden), NativeCases.hex(written), typeText + " x " + cases.size());
        // The writer is reused block after block: a second block is the same bytes.
        assertEquals(NativeCases.hex(written), NativeCases.hex(NativeCases.block(writer, rows.toByteArray(), cases.size())));
    }

    /** The dictionary's index width follows its size: UInt8 up to 255 keys (the default included), UInt16 up to 65535, then UInt32. */
    @ParameterizedTest(name = "{0} distinct values")
    @ValueSource(ints = {1, 253, 254, 255, 65533, 65534, 70000})
    void lowCardinalityIndexWidthIsTheEngines(int distinct, ChDb chdb) {
        RowBinaryOutput rows = new RowBinaryOutput();
        for (int i = 0; i < distinct; i++) {
            rows.writeString(Integer.toString(i));
        }
        rows.writeString("0"); // a repeated key
        rows.writeString("");  // the default key
        byte[] golden = chdb.query("SELECT CAST(arrayJoin(arrayConcat(arrayMap(x -> toString(x), range(" + distinct
                + ")), ['0', ''])) AS LowCardinality(String)) AS v", "Native");
        NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("v"),
                List.of(ClickHouseType.parse("LowCardinality(String)")), false, false);
        byte[] written = NativeCases.block(writer, rows.toByteArray(), distinct + 2);
        assertEquals(golden.length, written.length);
        assertEquals(NativeCases.hex(golden), NativeCases.hex(written));
    }

    /** Several columns in one block: each column's name, type and data, in the table's order. */
    @Test
    void severalColumnsAreTheEnginesBlock(ChDb chdb) throws ValueConversionException {
        byte[] golden = chdb.query("SELECT CAST(7 AS UInt32) AS id, CAST('x' AS LowCardinality(String)) AS `a b`,"
                + " CAST([1, 2] AS Array(Nullable(Int8))) AS arr", "Native");
        RowBinaryOutput rows = new RowBinaryOutput();
        rows.writeIntLE(7);
        rows.writeString("x");
        rows.writeBytes(new byte[] {2, 0, 1, 0, 2});
        NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("id", "a b", "arr"), List.of(
                ClickHouseType.parse("UInt32"), ClickHouseType.parse("LowCardinality(String)"),
                ClickHouseType.parse("Array(Nullable(Int8))")), false, false);
        assertEquals(NativeCases.hex(golden), NativeCases.hex(NativeCases.block(writer, rows.toByteArray(), 1)));
    }

    /**
     * Rows that use a column's DEFAULT (RowBinaryWithDefaults) as NULL in a Nullable column: the
     * block the engine writes for the same values with NULL where the DEFAULT is.
     */
    @Test
    void defaultsAreNullsOfTheNullableType(ChDb chdb) {
        chdb.execute("DROP TABLE IF EXISTS native_golden_nulls");
        chdb.execute("CREATE TABLE native_golden_nulls (i UInt8, n Nullable(UInt16), lc LowCardinality(Nullable(String)),"
                + " s String) ENGINE = Memory");
        chdb.execute("INSERT INTO native_golden_nulls VALUES (1, NULL, NULL, 'q'), (2, 5, 'y', 'r')");
        byte[] golden = chdb.query("SELECT * FROM native_golden_nulls ORDER BY i", "Native");
        chdb.execute("DROP TABLE native_golden_nulls");
        RowBinaryOutput rows = new RowBinaryOutput();
        // Row 1: i = 1, n and lc use their DEFAULT, s = 'q'; row 2: i = 2, n = 5, lc = 'y', s = 'r'.
        rows.writeBytes(new byte[] {0, 1, 1, 1, 0, 1, 'q'});
        rows.writeBytes(new byte[] {0, 2, 0, 5, 0, 0, 1, 'y', 0, 1, 'r'});
        NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("i", "n", "lc", "s"), List.of(
                ClickHouseType.parse("UInt8"), ClickHouseType.parse("UInt16"), ClickHouseType.parse("LowCardinality(String)"),
                ClickHouseType.parse("String")), true, true);
        assertEquals(NativeCases.hex(golden), NativeCases.hex(NativeCases.block(writer, rows.toByteArray(), 2)));
    }

    @Test
    void theCatalogueIsLargeAndCoversEveryTypeButJson() {
        List<ConformanceCases.Case> all = NativeCases.all();
        assertTrue(all.size() >= 200, "only " + all.size() + " cases");
        Map<ClickHouseType.Kind, Long> kinds = all.stream()
                .collect(Collectors.groupingBy(c -> ClickHouseType.parse(c.type()).kind(), Collectors.counting()));
        for (ClickHouseType.Kind kind : ClickHouseType.Kind.values()) {
            assertEquals(kind != ClickHouseType.Kind.JSON, kinds.containsKey(kind), kind + " among " + kinds.keySet());
        }
    }
}
