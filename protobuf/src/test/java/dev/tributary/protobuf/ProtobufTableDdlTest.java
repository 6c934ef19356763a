package dev.tributary.protobuf;

import com.google.protobuf.Descriptors;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProtobufTableDdlTest {

    private static Descriptors.Descriptor message(String text, String name) {
        return ProtoFiles.parse("t.proto", Map.of("t.proto", text)).findMessageTypeByName(name);
    }

    @Test
    void everyTypeOfTheOrderGetsItsColumnTypeOnAModernServer() {
        Map<String, String> types = new java.util.LinkedHashMap<>();
        ProtobufTableDdl.builder().message(Protos.order()).table("t").build().columns()
                .forEach((name, type) -> types.put(name, type.toString()));
        assertEquals("Int32", types.get("s32"));
        assertEquals("UInt64", types.get("u64"));
        assertEquals("UInt32", types.get("f32"));
        assertEquals("Bool", types.get("ok"));
        assertEquals("Enum8('STATUS_UNSPECIFIED' = 0, 'NEW' = 1, 'SHIPPED' = 2)", types.get("status"));
        assertEquals("Array(Int32)", types.get("nums"));
        assertEquals("Tuple(name String, address Tuple(city String, geo Tuple(lat Float64, lon Float64)))", types.get("customer"));
        assertEquals("DateTime64(9)", types.get("at"));
        assertEquals("Int64", types.get("took"));
        assertEquals("Nullable(Int64)", types.get("maybe"));
        assertEquals("Nullable(Int32)", types.get("opt"));
        assertEquals("Nullable(String)", types.get("text"));
        assertEquals("Array(Tuple(sku String, qty Int32))", types.get("lines"));
    }

    @Test
    void on1816TheNearestTypesAndNestedForRepeatedMessages() {
        Map<String, String> types = new java.util.LinkedHashMap<>();
        ProtobufTableDdl.builder().message(Protos.order()).table("t").serverVersion("18.16").build().columns()
                .forEach((name, type) -> types.put(name, type.toString()));
        assertEquals("UInt8", types.get("ok"));
        assertEquals("DateTime", types.get("at"));
        assertEquals("Nested(sku String, qty Int32)", types.get("lines"));
    }

    @Test
    void aMapBefore218AndARecursiveMessageAreRefusedNamingTheField() {
        Descriptors.Descriptor maps = message("syntax = \"proto3\"; message M { map<string, int64> m = 1; }", "M");
        IllegalArgumentException map = assertThrows(IllegalArgumentException.class,
                () -> ProtobufTableDdl.builder().message(maps).table("t").serverVersion("18.16").build());
        assertTrue(map.getMessage().startsWith("ProtobufTableDdl: field m: the Map type needs ClickHouse 21.8"), map.getMessage());
        Descriptors.Descriptor tree = message("syntax = \"proto3\"; message T { int64 id = 1; T child = 2; }", "T");
        IllegalArgumentException recursive = assertThrows(IllegalArgumentException.class,
                () -> ProtobufTableDdl.builder().message(tree).table("t").build());
        assertTrue(recursive.getMessage().contains("field child: a recursive message (T) has no finite ClickHouse type"),
                recursive.getMessage());
    }

    @Test
    void anEnumNumberBeyondEnum16IsAString() {
        Descriptors.Descriptor big = message("syntax = \"proto3\"; message B { E e = 1; } enum E { Z = 0; HUGE = 100000; }", "B");
        assertEquals("String", ProtobufTableDdl.builder().message(big).table("t").build().columns().get("e").toString());
    }

    @Test
    void aOneofAsVariantNeeds253AndDistinctMemberTypes() {
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class,
                () -> ProtobufTableDdl.builder().message(Protos.order()).table("t").oneofsAsVariant(true).build());
        assertTrue(old.getMessage().contains("field choice: a oneof as Variant needs ClickHouse 25.3 or later"), old.getMessage());
        Descriptors.Descriptor twins = message("syntax = \"proto3\"; message W { oneof o { string a = 1; string b = 2; } }", "W");
        IllegalArgumentException same = assertThrows(IllegalArgumentException.class, () -> ProtobufTableDdl.builder().message(twins)
                .table("t").serverVersion("26.5").oneofsAsVariant(true).build());
        assertTrue(same.getMessage().contains("field o: two members map to String"), same.getMessage());
    }
}
