package dev.tributary.avro;

import dev.tributary.core.VirtualColumn;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AvroTableDdlTest {

    private static final Schema ORDER = AvroTestSupport.parse("""
            {"type": "record", "name": "Order", "fields": [
              {"name": "id", "type": "long"},
              {"name": "placed", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "paid", "type": "boolean"},
              {"name": "note", "type": ["null", "string"]},
              {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
                {"name": "sku", "type": "string"}, {"name": "qty", "type": "int"}]}}},
              {"name": "attrs", "type": ["null", {"type": "map", "values": "string"}]}]}""");

    @Test
    void aModernTableHasTheInferredTypes() {
        AvroTableDdl ddl = AvroTableDdl.builder().schema(ORDER).database("shop").table("orders").orderBy("id", "placed")
                .partitionBy("toYYYYMM(placed)").virtualColumns(List.of(new VirtualColumn("_offset", "UInt64", "offset"))).build();
        assertEquals("""
                CREATE TABLE IF NOT EXISTS `shop`.`orders`
                (
                    `id` Int64,
                    `placed` DateTime64(3),
                    `paid` Bool,
                    `note` Nullable(String),
                    `lines` Array(Tuple(sku String, qty Int32)),
                    `attrs` Map(String, String),
                    `_offset` UInt64
                )
                ENGINE = MergeTree
                PARTITION BY toYYYYMM(placed)
                ORDER BY (`id`, `placed`)""", ddl.sql());
    }

    @Test
    void anOldServerGetsTheTypesItHas() {
        Schema withoutMap = AvroTestSupport.parse(ORDER.toString().replace(",{\"name\":\"attrs\",\"type\":[\"null\",{\"type\":\"map\",\"values\":\"string\"}]}", ""));
        AvroTableDdl ddl = AvroTableDdl.builder().schema(withoutMap).table("orders").serverVersion("18.16.1").build();
        assertEquals("""
                CREATE TABLE IF NOT EXISTS `orders`
                (
                    `id` Int64,
                    `placed` DateTime,
                    `paid` UInt8,
                    `note` Nullable(String),
                    `lines` Nested(sku String, qty Int32)
                )
                ENGINE = MergeTree
                ORDER BY tuple()""", ddl.sql());
        IllegalArgumentException map = assertThrows(IllegalArgumentException.class,
                () -> AvroTableDdl.builder().schema(ORDER).table("orders").serverVersion("18.16").build());
        assertTrue(map.getMessage().contains("field attrs (Avro map<string>): the Map type needs ClickHouse 21.8 or later (the server is 18.16)"),
                map.getMessage());
    }

    @Test
    void settingsAreChecked() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AvroTableDdl.builder().table("t").build())
                .getMessage().contains("the Avro schema is not set"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AvroTableDdl.builder().schema(ORDER).build())
                .getMessage().contains("the table is not set"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AvroTableDdl.builder().schema(ORDER).table("t").orderBy("note").build())
                .getMessage().contains("is Nullable"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AvroTableDdl.builder().schema(ORDER).table("t").orderBy("x").build())
                .getMessage().contains("which is no column"));
        Schema union = AvroTestSupport.parse("""
                {"type": "record", "name": "U", "fields": [{"name": "v", "type": ["int", "string"]}]}""");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AvroTableDdl.builder().schema(union).table("t").build())
                .getMessage().startsWith("AvroTableDdl: field v (Avro union [int, string]): a union of several types maps to a Variant"
                        + " column (Variant(Int32, String)), which needs ClickHouse 25.3 or later (the server is 24.8)"));
    }
}
