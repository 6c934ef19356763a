package dev.tributary.core.table;

import dev.tributary.core.types.ClickHouseType;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which tables get Native inserts, and the settings each format needs. */
class TableSchemaNativeTest {

    private static TableSchema schema(String version, boolean withDefaults, String... types) {
        List<TableColumn> columns = new java.util.ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            columns.add(new TableColumn("c" + i, ClickHouseType.parse(types[i]),
                    withDefaults ? TableColumn.DefaultKind.DEFAULT : TableColumn.DefaultKind.NONE, withDefaults ? "1" : ""));
        }
        return new TableSchema("default", "t", columns, ServerVersion.parse(version), ZoneId.of("UTC"), withDefaults);
    }

    @Test
    void everyTypeButJsonGoesAsNative() {
        assertTrue(schema("18.16.1", false, "UInt64", "LowCardinality(String)", "Array(Nullable(String))").nativeInserts());
        assertTrue(schema("26.5.1", false, "Variant(String, UInt64)", "Map(String, Tuple(a UInt8))", "Nested(x UInt8)").nativeInserts());
        assertFalse(schema("26.5.1", false, "UInt64", "JSON").nativeInserts());
        assertFalse(schema("26.5.1", false, "Array(Tuple(a JSON))").nativeInserts());
    }

    @Test
    void nativeBlocksThatMayCarryDefaultsAsNullsAskForNullAsDefault() {
        assertEquals(Map.of("input_format_null_as_default", "1"), schema("23.3.1", true, "String").formatSettings("Native"));
        assertEquals(Map.of(), schema("23.2.1", true, "String").formatSettings("Native"));
        assertEquals(Map.of(), schema("26.5.1", false, "String").formatSettings("Native"));
        assertEquals(Map.of(), schema("26.5.1", true, "String").formatSettings("RowBinaryWithDefaults"));
        assertEquals(Map.of("input_format_binary_read_json_as_string", "1"),
                schema("26.5.1", true, "JSON").formatSettings("RowBinaryWithDefaults"));
        assertEquals(schema("26.5.1", true, "JSON").formatSettings(), schema("26.5.1", true, "JSON").formatSettings("RowBinaryWithDefaults"));
    }
}
