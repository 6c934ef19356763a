package dev.tributary.avro;

import dev.tributary.core.FieldPath;
import dev.tributary.core.SchemaEvolution.NewColumn;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableSchema;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class AvroSchemaEvolutionTest {

    private static final Schema V2 = AvroTestSupport.parse("""
            {"type": "record", "name": "R", "fields": [
              {"name": "id", "type": "long"},
              {"name": "score", "type": ["null", "int"], "default": null},
              {"name": "ok", "type": "boolean", "default": false},
              {"name": "at", "type": {"type": "long", "logicalType": "timestamp-millis"}, "default": 0},
              {"name": "m", "type": {"type": "map", "values": "string"}, "default": {}},
              {"name": "either", "type": ["int", "string"], "default": 0}]}""");

    private static TableSchema on(String version) {
        TableSchema table = AvroTestSupport.table("id", "Int64");
        return new TableSchema(table.database(), table.table(), table.columns(), ServerVersion.parse(version),
                table.serverTimeZone(), false);
    }

    @Test
    void newFieldsAreTypedAsTheTableDdlTypesThemForTheServer() {
        AvroSchemaEvolution evolution = AvroSchemaEvolution.create();
        assertEquals("[score Nullable(Int32), ok Bool, at DateTime64(3), m Map(String, String), either Variant(Int32, String)]",
                evolution.columnsFor(V2, on("26.5.1"), Set.of("id")).toString());
        // Before 25.3 a union of two types has no column (Variant needs 25.3): left out, logged.
        assertEquals("[score Nullable(Int32), ok Bool, at DateTime64(3), m Map(String, String)]",
                evolution.columnsFor(V2, on("24.8.1"), Set.of("id")).toString());
        // 18.16: Bool → UInt8, DateTime64 → DateTime, no Map, no Variant (both left out, logged).
        assertEquals("[score Nullable(Int32), ok UInt8, at DateTime]",
                evolution.columnsFor(V2, on("18.16.1"), Set.of("id")).toString());
        assertEquals(List.of(), evolution.columnsFor(V2, on("26.5.1"), Set.of("id", "score", "ok", "at", "m", "either")));
    }

    /** The pipeline takes the first segment of each path read as covered: a field an override maps elsewhere is not new. */
    @Test
    void thePlanNamesThePathsItReadsOverridesIncluded() {
        TableSchema table = AvroTestSupport.table("id", "Int64", "user_name", "String");
        assertEquals(Set.of(FieldPath.of("id"), FieldPath.of("name")), AvroSchemaMapper.of(DefaultSchemaMapper.builder()
                .columnFromField("user_name", "name").build()).plan(table, List.of()).fieldsRead());
    }

    @Test
    void theAnswerIsWorkedOutOncePerSchemaIdAndMapping() {
        AvroSchemaEvolution evolution = AvroSchemaEvolution.create();
        byte[] body = AvroTestSupport.body(V2, AvroTestSupport.record(V2, Map.of("id", 1L, "ok", true, "at", 5L,
                "m", Map.of(), "either", 3)));
        AvroRecord record = AvroTestSupport.decoded(7, V2, body);
        TableSchema table = on("26.5.1");
        Set<String> covered = new HashSet<>(Set.of("id"));
        List<NewColumn> first = evolution.newColumns(AvroTestSupport.sourceRecord(record.bytes()), record, table, covered);
        assertEquals(5, first.size());
        assertSame(first, evolution.newColumns(AvroTestSupport.sourceRecord(record.bytes()), record, table, covered));
        Set<String> after = Set.of("id", "score", "ok", "at", "m", "either");
        assertEquals(List.of(), evolution.newColumns(AvroTestSupport.sourceRecord(record.bytes()), record, table, after));
        assertEquals(List.of(), evolution.newColumns(AvroTestSupport.sourceRecord(record.bytes()), null, table, covered));
    }
}
