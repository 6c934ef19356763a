package dev.tributary.avro;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableSchema;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tributary.avro.AvroTestSupport.body;
import static dev.tributary.avro.AvroTestSupport.decoded;
import static dev.tributary.avro.AvroTestSupport.parse;
import static dev.tributary.avro.AvroTestSupport.record;
import static dev.tributary.avro.AvroTestSupport.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Avro records, maps and JSON text into JSON columns: a JSON object, the same on the fast and the slow path. */
class AvroJsonColumnTest {

    private static final Schema INNER = parse("""
            {"type": "record", "name": "Inner", "fields": [{"name": "x", "type": "double"}]}""");

    private static final Schema DOC = parse("""
            {"type": "record", "name": "Doc", "fields": [
              {"name": "a", "type": "int"},
              {"name": "b", "type": ["null", "string"]},
              {"name": "when", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "inner", "type": %s}]}""".formatted(INNER));

    private static final Schema EVENT = parse("""
            {"type": "record", "name": "Event", "fields": [
              {"name": "id", "type": "long"},
              {"name": "doc", "type": ["null", %s]},
              {"name": "m", "type": {"type": "map", "values": "long"}},
              {"name": "text", "type": "string"}]}""".formatted(DOC));

    private static GenericData.Record event(GenericData.Record doc, String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("k", 1L);
        m.put("l", -2L);
        GenericData.Record event = record(EVENT, Map.of("id", 1L, "m", m, "text", text));
        event.put("doc", doc);
        return event;
    }

    private static byte[] row(MappingPlan plan, GenericData.Record event) throws MappingException {
        RowBinaryOutput out = new RowBinaryOutput();
        plan.writeRow(decoded(3, EVENT, body(EVENT, event)), AvroTestSupport.sourceRecord(null), out);
        return out.toByteArray();
    }

    private static String json(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        RowBinaryOutput out = new RowBinaryOutput();
        out.writeVarUInt(bytes.length);
        out.writeBytes(bytes);
        return HexFormat.of().formatHex(out.toByteArray());
    }

    @Test
    void aRecordAMapAndJsonTextGoIntoJsonColumnsAsObjectsOnBothPaths() throws Exception {
        TableSchema table = table("id", "Int64", "doc", "JSON", "m", "JSON", "text", "JSON");
        MappingPlan fast = AvroSchemaMapper.create().plan(table, List.of());
        MappingPlan slow = DefaultSchemaMapper.create().plan(table, List.of());
        GenericData.Record doc = record(DOC, Map.of("a", 1, "when", Instant.parse("2024-02-29T12:00:00.123Z"),
                "tags", List.of("x", "y\""), "inner", record(INNER, Map.of("x", 1.5))));
        GenericData.Record event = event(doc, "{\"t\": [1, 2]}");
        String expected = "0100000000000000"
                + json("{\"a\":1,\"when\":\"2024-02-29T12:00:00.123Z\",\"tags\":[\"x\",\"y\\\"\"],\"inner\":{\"x\":1.5}}")
                + json("{\"k\":1,\"l\":-2}") + json("{\"t\": [1, 2]}");
        assertEquals(expected, HexFormat.of().formatHex(row(fast, event)), "fast path");
        assertEquals(expected, HexFormat.of().formatHex(row(slow, event)), "slow path");

        // A null record: the column's zero, an empty object.
        String nullDoc = "0100000000000000" + json("{}") + json("{\"k\":1,\"l\":-2}") + json("{}");
        assertEquals(nullDoc, HexFormat.of().formatHex(row(fast, event(null, "{}"))));
        assertEquals(nullDoc, HexFormat.of().formatHex(row(slow, event(null, "{}"))));
    }

    @Test
    void textThatIsNoJsonObjectIsAnErrorOfItsMessage() throws Exception {
        MappingPlan plan = AvroSchemaMapper.create().plan(table("text", "JSON"), List.of());
        MappingException e = assertThrows(MappingException.class, () -> row(plan, event(null, "[1]")));
        assertEquals(ErrorKind.MAPPING, e.kind());
        assertEquals("text", e.column());
        assertTrue(e.getMessage().contains("is not a JSON object"), e.getMessage());
    }
}
