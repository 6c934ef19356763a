package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import dev.tributary.core.FieldDecodeException;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ProtobufRecord#tree()}: the DynamicMessage as maps, lists and the values of docs/protobuf.md. */
class ProtobufTreeTest {

    private static final Descriptors.Descriptor ORDER = Protos.order();

    @Test
    void everyFieldInDeclarationOrderWithReadableValues() {
        ProtobufRecord record = PbTestSupport.decoded(ORDER, Protos.fullOrder(ORDER, 7).toByteArray());
        Map<?, ?> tree = assertInstanceOf(Map.class, record.tree());
        List<String> declared = new ArrayList<>(ORDER.getFields().stream().map(Descriptors.FieldDescriptor::getName).toList());
        declared.add("choice"); // the oneof by its name, after the fields
        assertEquals(declared, new ArrayList<>(tree.keySet()));
        assertEquals(7L, tree.get("id"));
        assertEquals(new BigInteger("18446744073709551615"), tree.get("u64"));
        assertArrayEquals(new byte[] {0, 1, (byte) 0xFF}, (byte[]) tree.get("raw"));
        assertEquals("SHIPPED", tree.get("status"));
        assertEquals(Instant.ofEpochSecond(1_709_208_000L, 123_456_789), tree.get("at"));
        assertEquals(77L, tree.get("maybe"));
        assertEquals("chosen", tree.get("choice"));
        assertEquals(Map.of("name", "Ann", "address", Map.of("city", "Utrecht", "geo", Map.of("lat", 52.09, "lon", 5.12))),
                tree.get("customer"));
        assertEquals(List.of(Map.of("sku", "A1", "qty", 2L), Map.of("sku", "B2", "qty", 1L)), tree.get("lines"));
        assertTrue(tree.containsKey("number") && tree.get("number") == null, "an unset oneof member is null");
    }

    @Test
    void aBrokenBodyIsRefusedWithTheReason() {
        ProtobufRecord broken = PbTestSupport.decoded(ORDER, new byte[] {(byte) 0x0A, 0x05, 0x41});
        FieldDecodeException refused = assertThrows(FieldDecodeException.class, broken::tree);
        assertTrue(refused.getMessage().startsWith("undecodable Protobuf body (shop.Order"), refused.getMessage());
    }
}
