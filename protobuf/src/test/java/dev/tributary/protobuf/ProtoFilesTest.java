package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtoFilesTest {

    @Test
    void parsesTextWithAnImportAndAWellKnownType() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("common/money.proto", "syntax = \"proto3\"; package common; message Money { string currency = 1; int64 units = 2; }");
        files.put("order.proto", """
                syntax = "proto3";
                package shop;
                import "common/money.proto";
                import "google/protobuf/timestamp.proto";
                message Order {
                  string id = 1;
                  common.Money total = 2;
                  google.protobuf.Timestamp at = 3;
                  map<string, int32> counts = 4;
                  optional sint64 delta = 5;
                  enum Kind { KIND_UNSPECIFIED = 0; WEB = 1; }
                  Kind kind = 6;
                }
                """);
        Descriptors.FileDescriptor file = ProtoFiles.parse("order.proto", files);
        Descriptors.Descriptor order = file.findMessageTypeByName("Order");
        assertEquals("common.Money", order.findFieldByName("total").getMessageType().getFullName());
        assertSame(com.google.protobuf.Timestamp.getDescriptor(), order.findFieldByName("at").getMessageType());
        assertTrue(order.findFieldByName("counts").isMapField());
        assertTrue(order.findFieldByName("delta").hasPresence());
        assertEquals(Descriptors.FieldDescriptor.Type.SINT64, order.findFieldByName("delta").getType());
        assertEquals("WEB", order.findFieldByName("kind").getEnumType().findValueByNumber(1).getName());
    }

    @Test
    void aFileThatDoesNotParseIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProtoFiles.parse("bad.proto", Map.of("bad.proto", "syntax = \"proto3\"; message { }")));
        assertTrue(e.getMessage().startsWith("bad.proto does not parse"), e.getMessage());
    }

    @Test
    void aMissingImportIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProtoFiles.parse("a.proto",
                Map.of("a.proto", "syntax = \"proto3\"; import \"missing.proto\"; message A { Missing m = 1; }")));
        assertTrue(e.getMessage().contains("a.proto"), e.getMessage());
    }
}
