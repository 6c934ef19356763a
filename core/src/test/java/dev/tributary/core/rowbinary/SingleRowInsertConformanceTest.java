package dev.tributary.core.rowbinary;

import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every golden payload of the conformance cases, inserted alone as a one-row table through the test kit's
 * binding, reads back as the same bytes: the binding passes any RowBinary to the engine without loss.
 */
@ExtendWith(TestServers.class)
class SingleRowInsertConformanceTest {

    static List<ConformanceCases.Case> cases() {
        return ConformanceCases.all();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void theEnginesOwnBytesInsertAndReadBackUnchanged(ConformanceCases.Case c, ChDb chdb) {
        byte[] golden = chdb.rowBinary(c.literal(), c.goldenType());
        chdb.query("DROP TABLE IF EXISTS single_row", "TabSeparated");
        chdb.query("CREATE TABLE single_row (v " + c.goldenType() + ") ENGINE = Memory SETTINGS flatten_nested = 0",
                "TabSeparated");

        chdb.insert("single_row", "RowBinary", golden);

        assertEquals(HexFormat.of().formatHex(golden),
                HexFormat.of().formatHex(chdb.query("SELECT v FROM single_row", "RowBinary")), c::toString);
    }
}
