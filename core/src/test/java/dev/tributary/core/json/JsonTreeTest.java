package dev.tributary.core.json;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.FieldDecodeException;
import dev.tributary.core.FieldPath;
import dev.tributary.core.testing.TestRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link DecodedRecord#tree()} of the JSON decoder's records: every field, in the message's key order. */
class JsonTreeTest {

    private static final String MESSAGE = "{\"zeta\":1,\"alpha\":{\"y\":\"b\",\"x\":[1,2.50,null,{\"q\":true,\"p\":false}]},"
            + "\"mid\":123456789012345678901234567890,\"nil\":null,\"m\":\"text\"}";

    private static TestRecord record(String json) {
        return new TestRecord(new TestRecord.Position("s0", 0), null, json.getBytes(StandardCharsets.UTF_8), 0);
    }

    private static List<String> keys(Object map) {
        return new ArrayList<>(((Map<?, ?>) map).keySet().stream().map(String::valueOf).toList());
    }

    private static void assertFullTree(Object tree) {
        Map<?, ?> root = assertInstanceOf(Map.class, tree);
        assertEquals(List.of("zeta", "alpha", "mid", "nil", "m"), keys(root), "the message's key order");
        assertEquals(1L, root.get("zeta"));
        assertEquals(new BigInteger("123456789012345678901234567890"), root.get("mid"));
        assertTrue(root.containsKey("nil"));
        assertEquals(null, root.get("nil"));
        Map<?, ?> alpha = (Map<?, ?>) root.get("alpha");
        assertEquals(List.of("y", "x"), keys(alpha));
        List<?> x = (List<?>) alpha.get("x");
        assertEquals(Arrays.asList(1L, new BigDecimal("2.50"), null), x.subList(0, 3));
        assertEquals(List.of("q", "p"), keys(x.get(3)), "nested objects in order too");
        assertEquals("text", root.get("m"));
    }

    @Test
    void aDecodedRecordShowsEveryFieldInTheMessagesOrder() throws DecodeException {
        DecodedRecord record = JsonDecoder.create().decode(record(MESSAGE));
        assertFullTree(record.tree());
        assertEquals("b", record.field(FieldPath.of("alpha", "y")), "fields read as before");
    }

    @Test
    void aRawRecordShowsItsTreeAndWordsABrokenMessageAsTheDecoderDoes() throws DecodeException {
        JsonDecoder decoder = JsonDecoder.create();
        decoder.onlyFields(new RawJsonFields(Set.of(FieldPath.of("zeta"))));
        DecodedRecord raw = decoder.decode(record(MESSAGE));
        assertInstanceOf(RawJsonRecord.class, raw);
        assertFullTree(raw.tree());

        DecodedRecord broken = decoder.decode(record("{\"a\":1,\"a\":2}"));
        FieldDecodeException refused = assertThrows(FieldDecodeException.class, broken::tree);
        assertTrue(refused.getMessage().contains("Duplicate field 'a'"), refused.getMessage());
    }

    @Test
    void aProjectedRecordShowsOnlyTheFieldsItKeeps() throws DecodeException {
        JsonDecoder decoder = JsonDecoder.create();
        decoder.onlyFields(Set.of(FieldPath.of("m"), FieldPath.of("zeta"), FieldPath.of("absent")));
        Object tree = decoder.decode(record(MESSAGE)).tree();
        assertEquals(Map.of("m", "text", "zeta", 1L), tree);
    }

    @Test
    void decodeObjectKeepsEveryFieldWhateverTheProjectionWithDecodesChecks() throws DecodeException {
        JsonDecoder decoder = JsonDecoder.create();
        decoder.onlyFields(Set.of(FieldPath.of("m")));
        assertFullTree(decoder.decodeObject(MESSAGE.getBytes(StandardCharsets.UTF_8)));
        byte[] trailing = "{\"a\":1} x".getBytes(StandardCharsets.UTF_8);
        DecodeException refused = assertThrows(DecodeException.class, () -> decoder.decodeObject(trailing));
        assertEquals(assertThrows(DecodeException.class, () -> decoder.decode(record("{\"a\":1} x"))).getMessage(),
                refused.getMessage(), "the same refusal as decode");
    }
}
