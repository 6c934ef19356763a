package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.ZoneId;
import java.util.HexFormat;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code encodeZero} writes, byte for byte, what the engine fills in for a column left out of an
 * {@code INSERT} when the column has no DEFAULT: {@code INSERT INTO t (id) VALUES (1)}, then the
 * column read back as RowBinary.
 */
@ExtendWith(TestServers.class)
class DefaultValueConformanceTest {

    static Stream<String> types() {
        Stream<String> extra = Stream.of("Enum8('b' = 5, 'a' = -3)", "Enum16('x' = 300, 'y' = 2)", "Date32",
                "DateTime64(9, 'America/New_York')", "Decimal256(40)", "Map(String, Nullable(UInt8))",
                "Tuple(a Date32, b Tuple(Enum8('z' = 9, 'w' = 10), LowCardinality(Nullable(String)), Array(Int8)))",
                "Nested(x Date32, y Nullable(IPv6))");
        return Stream.concat(ConformanceCases.all().stream().map(ConformanceCases.Case::type), extra).distinct();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("types")
    void zeroIsTheEngineDefault(String type, ChDb chdb) {
        String table = "default_" + Integer.toHexString(type.hashCode());
        chdb.query("DROP TABLE IF EXISTS " + table, "TabSeparated");
        chdb.query("CREATE TABLE " + table + " (id UInt8, v " + type + ") ENGINE = Memory SETTINGS flatten_nested = 0",
                "TabSeparated");
        try {
            chdb.query("INSERT INTO " + table + " (id) VALUES (1)", "TabSeparated");
            // The encoder writes JSON as text (read with input_format_binary_read_json_as_string): compare with its text.
            String asText = type.startsWith("JSON") ? " SETTINGS output_format_binary_write_json_as_string = 1" : "";
            byte[] engineDefault = chdb.query("SELECT v FROM " + table + asText, "RowBinary");
            RowBinaryOutput out = new RowBinaryOutput(16);
            ColumnEncoders.forType(ClickHouseType.parse(type), ZoneId.of("Asia/Kolkata")).encodeZero(out);
            assertEquals(HexFormat.of().formatHex(engineDefault), HexFormat.of().formatHex(out.toByteArray()), type);
        } finally {
            chdb.query("DROP TABLE IF EXISTS " + table, "TabSeparated");
        }
    }
}
