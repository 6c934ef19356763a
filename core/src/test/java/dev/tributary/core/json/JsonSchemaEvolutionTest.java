package dev.tributary.core.json;

import dev.tributary.core.SchemaEvolution.NewColumn;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.core.types.ClickHouseType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonSchemaEvolutionTest {

    private static final ServerVersion OLD = ServerVersion.parse("18.16.1");
    private static final ServerVersion MODERN = ServerVersion.parse("26.5.1");

    private static TableSchema table(ServerVersion version) {
        return new TableSchema("default", "t", List.of(new TableColumn("id", ClickHouseType.parse("UInt64"),
                TableColumn.DefaultKind.NONE, "")), version, ZoneOffset.UTC, false);
    }

    private static List<NewColumn> newColumns(JsonSchemaEvolution evolution, String json, ServerVersion version, String... covered) {
        TestRecord record = new TestRecord(new TestRecord.Position("s0", 0), null, json.getBytes(StandardCharsets.UTF_8), 0);
        return evolution.newColumns(record, null, table(version), Set.of(covered));
    }

    private static String text(List<NewColumn> columns) {
        return columns.toString();
    }

    @Test
    void aRecordWithOnlyCoveredKeysNeedsNothing() {
        assertEquals(List.of(), newColumns(JsonSchemaEvolution.create(), "{\"id\":1,\"actor\":{\"new\":2}}", MODERN, "id", "actor"));
    }

    @Test
    void newTopLevelKeysAreTypedFromTheirValuesAndNestedKeysOfCoveredObjectsAreNot() {
        assertEquals("[n Nullable(Int64), s Nullable(String), f Nullable(Float64), b Nullable(Bool), a Array(String)]",
                text(newColumns(JsonSchemaEvolution.create(), "{\"id\":1,\"actor\":{\"deep\":{\"x\":1}},\"n\":5,\"s\":\"x\","
                        + "\"f\":1.5,\"b\":true,\"a\":[\"p\",\"q\"]}", MODERN, "id", "actor")));
    }

    @Test
    void booleansAreUInt8BeforeBool() {
        assertEquals("[b Nullable(UInt8)]", text(newColumns(JsonSchemaEvolution.create(), "{\"b\":false}", OLD)));
    }

    @Test
    void aNullSaysNothingUntilAValueComes() {
        JsonSchemaEvolution evolution = JsonSchemaEvolution.create();
        assertEquals(List.of(), newColumns(evolution, "{\"id\":1,\"later\":null}", MODERN, "id"));
        assertEquals("[later Nullable(Int64)]", text(newColumns(evolution, "{\"id\":2,\"later\":7}", MODERN, "id")));
    }

    @Test
    void aValueTheRulesLeaveOutGetsNoColumnAndIsNotLookedAtAgain() {
        JsonSchemaEvolution evolution = JsonSchemaEvolution.create();
        // Only empty objects; on 18.16 also an array of objects (before 21.1) and a map-like object.
        assertEquals(List.of(), newColumns(evolution, "{\"empty\":{},\"objs\":[{\"a\":1}]}", OLD));
        assertEquals(List.of(), evolution.unknownKeys("{\"empty\":{\"k\":1},\"objs\":[{\"a\":1}]}"
                .getBytes(StandardCharsets.UTF_8), Set.of()));
    }

    @Test
    void brokenOrNonObjectMessagesNeedNothing() {
        JsonSchemaEvolution evolution = JsonSchemaEvolution.create();
        for (String json : List.of("", "[1,2]", "42", "{\"a\":", "{\"a\":1,}", "not json")) {
            assertEquals(List.of(), newColumns(evolution, json, MODERN), json);
        }
    }

    /** The inference rules' types, with the two choices of evolution: Nullable where it can be, integers Int64. */
    @Test
    void typesAreTheInferenceRulesForOneValue() {
        JsonSchemaEvolution evolution = JsonSchemaEvolution.create();
        assertEquals("Nullable(Int64)", evolution.typeOf(42L, MODERN).type().toString());
        assertEquals("Nullable(Int64)", evolution.typeOf(-42L, OLD).type().toString());
        assertEquals("Nullable(UInt128)", evolution.typeOf(new BigInteger("99999999999999999999"), MODERN).type().toString());
        assertEquals("Nullable(Float64)", evolution.typeOf(new BigDecimal("1.25"), MODERN).type().toString());
        assertEquals("Array(Int64)", evolution.typeOf(List.of(1L, 2L), MODERN).type().toString());
        assertEquals("Tuple(k Int64, s String)", evolution.typeOf(Map.of("k", 1L, "s", "x"), MODERN).type().toString()
                .replace("Tuple(s String, k Int64)", "Tuple(k Int64, s String)"));
        assertEquals("Nullable(DateTime)", evolution.typeOf("2024-01-31 12:34:56", OLD).type().toString());
        assertEquals(false, evolution.typeOf(Map.of(), MODERN).isTyped());
    }
}
