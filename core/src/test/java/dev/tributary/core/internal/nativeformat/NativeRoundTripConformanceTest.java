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

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Blocks made by the writer are inserted into chDB 26.5 tables (one table per column type, every
 * conformance value of that type a row) and read back: the table read back as RowBinary must be
 * the RowBinary rows the block was made of, which is what the RowBinary path inserts.
 */
@ExtendWith(TestServers.class)
class NativeRoundTripConformanceTest {

    static Stream<Arguments> tables() {
        return NativeCases.byType().values().stream().map(cases -> Arguments.of(cases.get(0).type(), cases));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("tables")
    void insertedBlocksReadBackAsTheRowBinaryRows(String type, List<ConformanceCases.Case> cases, ChDb chdb)
            throws ValueConversionException {
        String table = "native_round_trip_" + Integer.toHexString(type.hashCode()) + "_" + Integer.toHexString(cases.hashCode());
        chdb.execute("DROP TABLE IF EXISTS " + table);
        chdb.execute("CREATE TABLE " + table + " (id UInt32, v " + type + ") ENGINE = Memory SETTINGS flatten_nested = 0");
        try {
            String columnType = chdb.rows("SELECT type FROM system.columns WHERE database = currentDatabase() AND table = '"
                    + table + "' AND name = 'v'").get(0).get(0);
            byte[] rows = NativeCases.idValueRows(cases);
            NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("id", "v"),
                    List.of(ClickHouseType.parse("UInt32"), ClickHouseType.parse(columnType)), false, false);
            chdb.insert(table, "Native", NativeCases.block(writer, rows, cases.size()));
            byte[] readBack = chdb.query("SELECT id, v FROM " + table + " ORDER BY id", "RowBinary");
            assertEquals(NativeCases.hex(rows), NativeCases.hex(readBack), type);
        } finally {
            chdb.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /**
     * RowBinaryWithDefaults rows, some using a column's DEFAULT: the block sends those as NULL of
     * Nullable(T) / LowCardinality(Nullable(T)), and the engine (input_format_null_as_default, on by
     * default) computes the DEFAULT expressions: the table holds what the same rows inserted as
     * RowBinaryWithDefaults give.
     */
    @Test
    void defaultsAsNullGiveTheDefaultExpressions(ChDb chdb) {
        String columns = "(id UInt8, s String DEFAULT 'dflt', n UInt32 DEFAULT id * 10, lc LowCardinality(String) DEFAULT"
                + " concat('lc', toString(id)), d DateTime64(3, 'UTC') DEFAULT toDateTime64('2020-01-01 00:00:00', 3, 'UTC'),"
                + " e Enum8('a' = 1, 'b' = 2) DEFAULT 'b', plain Int16)";
        chdb.execute("DROP TABLE IF EXISTS native_defaults");
        chdb.execute("DROP TABLE IF EXISTS native_defaults_rbwd");
        chdb.execute("CREATE TABLE native_defaults " + columns + " ENGINE = Memory");
        chdb.execute("CREATE TABLE native_defaults_rbwd " + columns + " ENGINE = Memory");
        try {
            RowBinaryOutput rows = new RowBinaryOutput();
            for (int row = 1; row <= 4; row++) {
                int id = row;
                boolean useDefaults = id % 2 == 1;
                rows.writeByte(0);
                rows.writeByte(id);
                flagged(rows, useDefaults, () -> rows.writeString("s" + id));
                flagged(rows, useDefaults, () -> rows.writeIntLE(id));
                flagged(rows, id == 3, () -> rows.writeString(id == 4 ? "" : "v" + id));
                flagged(rows, useDefaults, () -> rows.writeLongLE(1_000L * id));
                flagged(rows, useDefaults, () -> rows.writeByte(1));
                rows.writeByte(0);
                rows.writeShortLE(-id);
            }
            byte[] bytes = rows.toByteArray();
            NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("id", "s", "n", "lc", "d", "e", "plain"),
                    Stream.of("UInt8", "String", "UInt32", "LowCardinality(String)", "DateTime64(3, 'UTC')",
                            "Enum8('a' = 1, 'b' = 2)", "Int16").map(ClickHouseType::parse).toList(), true, true);
            RowBinaryOutput block = new RowBinaryOutput();
            assertEquals(true, writer.write(bytes, 0, bytes.length, 4, block));
            chdb.insert("native_defaults", "Native", block.toByteArray());
            chdb.insert("native_defaults_rbwd", "RowBinaryWithDefaults", bytes);
            List<List<String>> expected = chdb.rows("SELECT * FROM native_defaults_rbwd ORDER BY id");
            assertEquals(expected, chdb.rows("SELECT * FROM native_defaults ORDER BY id"));
            assertEquals(List.of("1", "dflt", "10", "v1", "2020-01-01 00:00:00.000", "b", "-1"), expected.get(0));
            assertEquals(List.of("3", "dflt", "30", "lc3", "2020-01-01 00:00:00.000", "b", "-3"), expected.get(2));
            assertEquals(List.of("4", "s4", "4", "", "1970-01-01 00:00:04.000", "a", "-4"), expected.get(3));
        } finally {
            chdb.execute("DROP TABLE IF EXISTS native_defaults");
            chdb.execute("DROP TABLE IF EXISTS native_defaults_rbwd");
        }
    }

    /** A DEFAULT that NULL cannot stand for (a Nullable, Array, LowCardinality(Nullable) column): the block is refused, untouched. */
    @Test
    void aDefaultNullCannotCarryRefusesTheBlock() {
        for (String type : List.of("Nullable(String)", "Array(UInt8)", "LowCardinality(Nullable(String))", "Tuple(UInt8)",
                "Map(String, UInt8)", "Variant(String, UInt8)")) {
            NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("v"), List.of(ClickHouseType.parse(type)), true, true);
            RowBinaryOutput out = new RowBinaryOutput();
            out.writeByte(9);
            assertFalse(writer.write(new byte[] {1}, 0, 1, 1, out), type);
            assertEquals(1, out.size(), type);
        }
        // And any DEFAULT when the server does not take NULL for it.
        NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("v"), List.of(ClickHouseType.parse("String")), true, false);
        assertFalse(writer.write(new byte[] {1}, 0, 1, 1, new RowBinaryOutput()));
    }

    private static void flagged(RowBinaryOutput rows, boolean useDefault, Runnable value) {
        rows.writeByte(useDefault ? 1 : 0);
        if (!useDefault) {
            value.run();
        }
    }
}
