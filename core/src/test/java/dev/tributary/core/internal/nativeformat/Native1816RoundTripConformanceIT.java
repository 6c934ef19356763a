package dev.tributary.core.internal.nativeformat;

import dev.tributary.core.rowbinary.ConformanceCases;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The conformance cases of every type ClickHouse 18.16 has, as Native blocks over HTTP into the
 * real 18.16 server (one table per type, typed as the server names the column): each table holds
 * what the same rows inserted as RowBinary give, value for value. 18.16 refuses a block whose column
 * type differs from the table's, so this also proves the block names each column's exact type.
 */
@ExtendWith(TestServers.class)
class Native1816RoundTripConformanceIT {

    /** Types (or parts of types) that came after 18.16. */
    private static final Pattern NEWER = Pattern.compile(
            "Bool|Int128|Int256|Date32|DateTime64|IPv4|IPv6|Map\\(|Variant|Nested|Decimal256|Decimal\\((39|[4-7]\\d)|Tuple\\(`?\\w+`? "
                    // 18.16 takes no LowCardinality(UUID) value in any format (code 49; the feature came in 21.2).
                    + "|LowCardinality\\(UUID");

    @Test
    void everyTypeOf1816LandsAsTheRowBinaryRowsDo(ClickHouseServer clickhouse) throws ValueConversionException {
        ClickHouseSql sql = clickhouse.sql();
        assertTrue(sql.version().startsWith("18.16"), "expected the 18.16 server, got " + sql.version());
        int tables = 0;
        int rows = 0;
        List<String> checked = new ArrayList<>();
        for (Map.Entry<String, List<ConformanceCases.Case>> group : NativeCases.byType().entrySet()) {
            List<ConformanceCases.Case> cases = group.getValue();
            String type = ClickHouseType.parse(cases.get(0).type()).toString(); // Decimal(5) as Decimal(5, 0)
            if (NEWER.matcher(type).find()) {
                continue;
            }
            String table = "native_1816_" + tables++;
            sql.execute("DROP TABLE IF EXISTS " + table);
            sql.execute("DROP TABLE IF EXISTS " + table + "_rb");
            sql.execute("CREATE TABLE " + table + " (id UInt32, v " + type + ") ENGINE = Memory");
            sql.execute("CREATE TABLE " + table + "_rb (id UInt32, v " + type + ") ENGINE = Memory");
            try {
                String columnType = sql.value("SELECT type FROM system.columns WHERE database = currentDatabase()"
                        + " AND table = '" + table + "' AND name = 'v'");
                byte[] rowBinary = NativeCases.idValueRows(cases);
                NativeBlockWriter writer = NativeBlockWriter.forColumns(List.of("id", "v"),
                        List.of(ClickHouseType.parse("UInt32"), ClickHouseType.parse(columnType)), false, false);
                sql.insert(table, "Native", NativeCases.block(writer, rowBinary, cases.size()));
                sql.insert(table + "_rb", "RowBinary", rowBinary);
                List<List<String>> expected = sql.rows("SELECT id, v FROM " + table + "_rb ORDER BY id");
                assertEquals(cases.size(), expected.size(), type);
                assertEquals(expected, sql.rows("SELECT id, v FROM " + table + " ORDER BY id"), type);
                rows += cases.size();
                checked.add(type);
            } finally {
                sql.execute("DROP TABLE IF EXISTS " + table);
                sql.execute("DROP TABLE IF EXISTS " + table + "_rb");
            }
        }
        assertTrue(tables >= 40 && rows >= 300, tables + " tables, " + rows + " rows: " + checked);
    }

}
