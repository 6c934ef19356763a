package dev.tributary.core.rowbinary;

import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every conformance case: the encoder's bytes for a Java value equal the engine's own RowBinary
 * encoding of the same value, {@code SELECT CAST(<literal> AS <type>) FORMAT RowBinary}, in chDB.
 */
@ExtendWith(TestServers.class)
class GoldenBytesConformanceTest {

    static List<ConformanceCases.Case> cases() {
        return ConformanceCases.all();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void encodesAsTheEngineDoes(ConformanceCases.Case c, ChDb chdb) throws ValueConversionException {
        byte[] golden = chdb.rowBinary(c.literal(), c.goldenType());
        ColumnEncoder encoder = ColumnEncoders.forType(ClickHouseType.parse(c.type()), c.zone());
        RowBinaryOutput out = new RowBinaryOutput(16);
        out.writeByte(0x5A); // a byte before the value: the encoder must append, not overwrite
        encoder.encode(c.value(), out);
        byte[] written = out.toByteArray();
        assertEquals(0x5A, written[0]);
        assertEquals(hex(golden), hex(written, 1), () -> c + " against CAST(" + c.literal() + " AS " + c.goldenType() + ")");
    }

    /** Extra checks against hard-coded bytes, where the layout is easy to get backwards: engine and encoder alike. */
    @ParameterizedTest(name = "{1} <- {0}")
    @CsvSource(delimiter = '|', value = {
        // UUID: the high 64 bits first, each half little-endian (client-v2's writeUUID swaps the halves).
        "61f0c404-5cb3-11e7-907b-a6006ad3dba0 | UUID          | e711b35c04c4f061a0dbd36a00a67b90",
        // IPv4 is a little-endian UInt32; IPv6 is 16 bytes in network order.
        "1.2.3.4                              | IPv4          | 04030201",
        "1.2.3.4                              | IPv6          | 00000000000000000000ffff01020304",
        // Date32 counts days from 1970 with a sign; DateTime64 ticks are signed too.
        "1969-12-31                           | Date32        | ffffffff",
        "1969-12-31 23:59:59.999              | DateTime64(3) | ffffffffffffffff",
        "-1.5                                 | Decimal(20, 1)| f1ffffffffffffffffffffffffffffff",
    })
    void knownLayoutsMatchTheEngine(String text, String type, String expectedHex, ChDb chdb)
            throws ValueConversionException {
        assertEquals(expectedHex, hex(chdb.rowBinary("'" + text + "'", type)));
        RowBinaryOutput out = new RowBinaryOutput();
        ColumnEncoders.forType(ClickHouseType.parse(type), ConformanceCases.ENGINE_ZONE).encode(text, out);
        assertEquals(expectedHex, hex(out.toByteArray()));
    }

    @Test
    void theCatalogueIsLargeAndCoversEveryKindOfType() {
        List<ConformanceCases.Case> all = ConformanceCases.all();
        assertTrue(all.size() >= 200, "only " + all.size() + " cases");
        String kinds = all.stream().map(c -> ClickHouseType.parse(c.type()).kind().name()).distinct().sorted()
                .collect(Collectors.joining(","));
        for (ClickHouseType.Kind kind : ClickHouseType.Kind.values()) {
            assertTrue(kinds.contains(kind.name()), "no case for " + kind + " among " + kinds);
        }
    }

    private static String hex(byte[] bytes) {
        return hex(bytes, 0);
    }

    private static String hex(byte[] bytes, int from) {
        return HexFormat.of().formatHex(bytes, from, bytes.length);
    }
}
