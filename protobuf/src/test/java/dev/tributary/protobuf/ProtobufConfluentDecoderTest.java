package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import dev.tributary.core.DecodeException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder's checks and plain framing with a descriptor given in code (the framed cases run against a registry in the ITs). */
class ProtobufConfluentDecoderTest {

    private static final Descriptors.Descriptor ORDER = Protos.order();

    @Test
    void aDescriptorReadsPlainBodies() throws DecodeException {
        ProtobufConfluentDecoder decoder = ProtobufConfluentDecoder.builder().descriptor(ORDER).build();
        byte[] body = Protos.message(ORDER, Map.of("id", 7L, "name", "x")).toByteArray();
        ProtobufRecord record = (ProtobufRecord) decoder.decode(PbTestSupport.sourceRecord(body));
        assertEquals(-1, record.schemaId());
        assertEquals(7L, record.field(dev.tributary.core.FieldPath.of("id")));
        assertEquals("x", record.field(dev.tributary.core.FieldPath.of("name")));
    }

    @Test
    void aTombstoneIsADecodeError() {
        ProtobufConfluentDecoder decoder = ProtobufConfluentDecoder.builder().descriptor(ORDER).build();
        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(PbTestSupport.sourceRecord(null)));
        assertEquals("the record has no value (a tombstone)", e.getMessage());
    }

    @Test
    void badSettingsFailAtBuildNamingTheFix() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProtobufConfluentDecoder.builder().build())
                .getMessage().contains("the schema registry is not set; call registryUrl("));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProtobufConfluentDecoder.builder().descriptor(ORDER)
                .framing(ProtobufConfluentDecoder.Framing.CONFLUENT).build()).getMessage().contains("use framing(Framing.PLAIN)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProtobufConfluentDecoder.builder()
                .registryUrl("http://127.0.0.1:1").framing(ProtobufConfluentDecoder.Framing.PLAIN).build())
                .getMessage().contains("needs a fixed schema"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ProtobufConfluentDecoder.builder()
                .registryUrl("http://127.0.0.1:1").messageType("shop.Order").build())
                .getMessage().contains("messageType(...) is for framing PLAIN"));
    }
}
