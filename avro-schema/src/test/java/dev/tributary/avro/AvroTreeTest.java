package dev.tributary.avro;

import dev.tributary.core.FieldDecodeException;
import dev.tributary.core.preview.PreviewRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link AvroRecord#tree()}: the generic datum as maps, lists and readable scalars. */
class AvroTreeTest {

    private static Map<?, ?> tree(org.apache.avro.generic.GenericData.Record datum) {
        AvroRecord record = AvroTestSupport.decoded(7, AllTypes.SCHEMA, AvroTestSupport.body(AllTypes.SCHEMA, datum));
        return assertInstanceOf(Map.class, record.tree());
    }

    @Test
    void everyFieldInTheSchemasOrderWithReadableValues() {
        Map<?, ?> tree = tree(AllTypes.typical());
        assertEquals(AllTypes.SCHEMA.getFields().stream().map(org.apache.avro.Schema.Field::name).toList(),
                new ArrayList<>(tree.keySet()));
        assertEquals(1L, tree.get("id"));
        assertEquals(-42, tree.get("i"));
        assertEquals("héllo 世界 🎉", tree.get("s"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF}, (byte[]) tree.get("by"));
        assertArrayEquals("abcd".getBytes(), (byte[]) tree.get("fx"));
        assertEquals("GREEN", tree.get("e"), "an enum as its symbol");
        assertEquals(new BigDecimal("-1234567.891"), tree.get("dec"));
        assertEquals(UUID.fromString("61f0c404-5cb3-11e7-907b-a6006ad3dba0"), tree.get("u"));
        assertEquals(LocalDate.of(2024, 2, 29), tree.get("day"));
        assertEquals(Instant.parse("2024-01-31T12:34:56.789123Z"), tree.get("tsu"));
        assertEquals(Arrays.asList("a", null, "c"), tree.get("arrn"));
        assertEquals(Map.of("x", 7, "y", "why"), tree.get("rec"));
        assertEquals(List.of(Map.of("k", "one", "v", 1.0), Map.of("k", "two", "v", 2.0)), tree.get("items"));
    }

    @Test
    void nullFieldsAreShownAsNull() {
        Map<?, ?> tree = tree(AllTypes.extremes());
        for (String name : List.of("recn", "arrnull", "mapnull", "ns", "nl", "nts")) {
            assertTrue(tree.containsKey(name) && tree.get(name) == null, name + " shown as null: " + tree.get(name));
        }
        Map<?, ?> rec = (Map<?, ?>) tree.get("rec");
        assertTrue(rec.containsKey("y") && rec.get("y") == null, "nested null fields too: " + rec);
    }

    @Test
    void printedAsJsonWithBytesAsTextOrBase64AndTypesAsText() {
        Map<?, ?> tree = tree(AllTypes.typical());
        String json = new PreviewRecord(new dev.tributary.core.SourcePosition() {
            @Override
            public String split() {
                return "t/0";
            }

            @Override
            public String toString() {
                return "t/0@0";
            }
        }, 0, null, null, Map.of(), tree, null).toJson();
        for (String expected : List.of("\"by\":{\"base64\":\"AAH/\"}", "\"fx\":\"abcd\"", "\"e\":\"GREEN\"",
                "\"dec\":-1234567.891", "\"u\":\"61f0c404-5cb3-11e7-907b-a6006ad3dba0\"", "\"day\":\"2024-02-29\"",
                "\"tsm\":\"2024-01-31T12:34:56.789Z\"", "\"m\":{\"k1\":10}", "\"recn\":{\"px\":1.25,\"py\":-2.5}")) {
            assertTrue(json.contains(expected), expected + " in " + json);
        }
    }

    @Test
    void aBrokenBodyIsRefusedWithTheReason() {
        AvroRecord broken = AvroTestSupport.decoded(7, AllTypes.SCHEMA, new byte[] {2});
        FieldDecodeException refused = assertThrows(FieldDecodeException.class, broken::tree);
        assertTrue(refused.getMessage().startsWith("undecodable Avro body"), refused.getMessage());
    }
}
