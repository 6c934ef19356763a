package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end against the real ClickHouse 18.16 server: a table with a column of every type 18.16
 * has, rows encoded by the encoders inserted as RowBinary over HTTP, read back as text and
 * compared with the server's own reading of the same values as SQL literals.
 */
@ExtendWith(TestServers.class)
class ClickHouse1816RoundTripIT {

    private static final ZoneId UTC = ZoneId.of("UTC");

    /** A column, and per row a SQL literal and the Java value that should land as that literal's value. */
    private record Column(String name, String type, List<String> literals, List<Object> values) {
    }

    private static Column column(String name, String type, Object... literalsAndValues) {
        List<String> literals = new ArrayList<>();
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < literalsAndValues.length; i += 2) {
            literals.add((String) literalsAndValues[i]);
            values.add(literalsAndValues[i + 1]);
        }
        return new Column(name, type, literals, values);
    }

    private static List<Column> columns() {
        UUID uuid = UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0");
        return List.of(
                column("i8", "Int8", "-128", -128, "127", "127", "0", false),
                column("i16", "Int16", "-32768", (short) -32768, "32767", 32767L, "0", 0),
                column("i32", "Int32", "-2147483648", Integer.MIN_VALUE, "2147483647", "2147483647", "-1", -1.0),
                column("i64", "Int64", "-9223372036854775808", Long.MIN_VALUE, "9223372036854775807", Long.MAX_VALUE, "0", BigInteger.ZERO),
                column("u8", "UInt8", "0", 0, "255", 255, "1", true),
                column("u16", "UInt16", "0", 0, "65535", "65535", "7", 7L),
                column("u32", "UInt32", "0", 0, "4294967295", 4294967295L, "42", "42"),
                column("u64", "UInt64", "0", 0, "'18446744073709551615'", new BigInteger("18446744073709551615"),
                        "'9223372036854775808'", "9223372036854775808"),
                column("f32", "Float32", "1.5", 1.5f, "'-inf'", "-inf", "'nan'", Float.NaN),
                column("f64", "Float64", "0.1", 0.1, "'1e-300'", "1e-300", "-0.", -0.0),
                column("d32", "Decimal(9, 2)", "'9999999.99'", new BigDecimal("9999999.99"), "'-1.5'", -1.5, "0", 0),
                column("d64", "Decimal(18, 6)", "'-123456789012.345678'", "-123456789012.345678", "'1'", 1L, "'0.000001'", "1e-6"),
                column("d128", "Decimal(38, 10)", "'-9999999999999999999999999999.9999999999'", "-9999999999999999999999999999.9999999999",
                        "'123'", 123, "'-9223372036854775808'", Long.MIN_VALUE),
                column("s", "String", "''", "", "'héllo 世界 🎉'", "héllo 世界 🎉", "'tab\\tnl\\n'", "tab\tnl\n"),
                column("fs", "FixedString(3)", "'ab'", "ab", "'abc'", "abc".getBytes(java.nio.charset.StandardCharsets.UTF_8), "''", ""),
                column("d", "Date", "'1970-01-01'", LocalDate.EPOCH, "'2105-12-31'", "2105-12-31", "'2020-02-29'", 18321),
                column("dt", "DateTime", "'1970-01-01 00:00:01'", 1L, "'2023-11-14 22:13:20'", "2023-11-14T22:13:20Z",
                        "'2037-12-31 23:59:59'", Instant.parse("2037-12-31T23:59:59Z")),
                // 18.16 reads a CAST string in the server's zone, whatever the target's: toDateTime(text, zone) does not.
                column("dt_sh", "DateTime('Asia/Shanghai')", "toDateTime('2020-01-01 08:00:00', 'Asia/Shanghai')", "2020-01-01 08:00:00",
                        "toDateTime('2020-06-01 12:00:00', 'Asia/Shanghai')", LocalDateTime.of(2020, 6, 1, 12, 0),
                        "toDateTime('2000-01-01 00:00:00', 'Asia/Shanghai')", "1999-12-31T16:00:00Z"),
                column("e8", "Enum8('a''b' = -1, 'c' = 2)", "'a\\'b'", "a'b", "'c'", 2, "'c'", "c"),
                column("e16", "Enum16('lo' = -32768, 'hi' = 32767)", "'lo'", "lo", "'hi'", 32767, "'lo'", -32768),
                column("uuid", "UUID", "'61f0c404-5cb3-11e7-907b-a6006ad3dba0'", uuid,
                        "'00000000-0000-0000-0000-000000000000'", "00000000-0000-0000-0000-000000000000",
                        "'ffffffff-ffff-ffff-0000-000000000001'", "FFFFFFFFFFFFFFFF0000000000000001"),
                column("lc", "LowCardinality(String)", "'x'", "x", "''", "", "'x'", "x"),
                column("lcn", "LowCardinality(Nullable(String))", "NULL", null, "'y'", "y", "''", ""),
                column("n_i32", "Nullable(Int32)", "NULL", null, "-5", -5, "'7'", "7"),
                column("n_s", "Nullable(String)", "NULL", null, "'ü'", "ü", "''", ""),
                column("n_d", "Nullable(Decimal(10, 2))", "NULL", null, "'12345678.9'", "12345678.9", "0", 0),
                column("n_dt", "Nullable(DateTime)", "NULL", null, "'2020-01-01 00:00:00'", "2020-01-01", "'1970-01-01 00:00:00'", 0),
                column("arr", "Array(Int32)", "[]", List.of(), "[1, -2, 3]", new int[] {1, -2, 3}, "[2147483647]", List.of("2147483647")),
                column("arr_n", "Array(Nullable(String))", "[NULL, 'a', '']", Arrays.asList(null, "a", ""), "[]", List.of(),
                        "['é']", new Object[] {"é"}),
                column("arr2", "Array(Array(UInt8))", "[[1, 2], [], [255]]", List.of(List.of(1, 2), List.of(), List.of(255)),
                        "'[]'", List.of(), "[[0]]", List.of(List.of(0))),
                column("tup", "Tuple(Int32, String)", "(1, 'a')", List.of(1, "a"), "(-1, '')", new Object[] {-1, ""},
                        "(0, 'z')", List.of("0", "z")),
                column("tup_named", "Tuple(a Int32, b Nullable(String))", "(1, 'x')", Map.of("a", 1, "b", "x"),
                        "(0, NULL)", Map.of(), "(-7, NULL)", Arrays.asList(-7, null)),
                column("tup_n", "Tuple(Nullable(UInt8), Array(Date))", "(NULL, ['2020-01-01'])", Arrays.asList(null, List.of("2020-01-01")),
                        "(255, [])", List.of(255, List.of()), "(0, ['1970-01-01', '2000-01-01'])",
                        List.of(0, List.of(LocalDate.EPOCH, LocalDate.of(2000, 1, 1)))));
    }

    @Test
    void everyTypeOf1816RoundTripsThroughRowBinary(ClickHouseServer clickhouse) throws ValueConversionException {
        ClickHouseSql sql = clickhouse.sql();
        assertTrue(sql.version().startsWith("18.16"), "expected the 18.16 server, got " + sql.version());
        List<Column> columns = columns();
        String table = "tributary_types_1816";
        sql.execute("DROP TABLE IF EXISTS " + table);
        sql.execute("CREATE TABLE " + table + " (id UInt32, "
                + columns.stream().map(c -> c.name() + " " + c.type()).collect(Collectors.joining(", "))
                + ") ENGINE = Memory");
        try {
            List<ColumnEncoder> encoders = columns.stream()
                    .map(c -> ColumnEncoders.forType(ClickHouseType.parse(c.type()), UTC)).toList();
            RowBinaryOutput rows = new RowBinaryOutput();
            int rowCount = 3;
            for (int row = 0; row < rowCount; row++) {
                rows.writeIntLE(row);
                for (int c = 0; c < columns.size(); c++) {
                    encoders.get(c).encode(columns.get(c).values().get(row), rows);
                }
            }
            sql.insert(table, "RowBinary", rows.toByteArray());

            List<List<String>> stored = sql.rows("SELECT * FROM " + table + " ORDER BY id");
            assertEquals(rowCount, stored.size());
            for (int row = 0; row < rowCount; row++) {
                assertEquals(String.valueOf(row), stored.get(row).get(0));
                for (int c = 0; c < columns.size(); c++) {
                    Column column = columns.get(c);
                    String literal = column.literals().get(row);
                    String expected = sql.rows("SELECT CAST(" + literal + " AS " + column.type() + ")").get(0).get(0);
                    assertEquals(expected, stored.get(row).get(c + 1),
                            column.name() + " " + column.type() + " row " + row + " (literal " + literal + ")");
                }
            }
            // A few values spelled out, so the check does not rest on the server's reading of literals alone.
            assertEquals(List.of("61f0c404-5cb3-11e7-907b-a6006ad3dba0", "2023-11-14 22:13:20", "a'b", "9999999.99"),
                    List.of(value(stored, 0, columns, "uuid"), value(stored, 1, columns, "dt"), value(stored, 0, columns, "e8"),
                            value(stored, 0, columns, "d32")));
            assertEquals("ab\0", value(stored, 0, columns, "fs"));
            assertEquals(null, value(stored, 0, columns, "n_i32"));
        } finally {
            sql.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    private static String value(List<List<String>> rows, int row, List<Column> columns, String name) {
        for (int c = 0; c < columns.size(); c++) {
            if (columns.get(c).name().equals(name)) {
                return rows.get(row).get(c + 1);
            }
        }
        throw new IllegalArgumentException("no column " + name);
    }
}
