package dev.tributary.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Duration;
import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import com.google.protobuf.Timestamp;
import dev.tributary.registry.SchemaLookupException;
import dev.tributary.registry.SchemaReference;
import dev.tributary.registry.SchemaRegistryClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The test schemas: an order of every type, a money type it imports (a registry reference), and messages of them. */
final class Protos {

    static final String MONEY = """
            syntax = "proto3";
            package common;
            message Money { string currency = 1; int64 units = 2; }
            """;

    static final String ORDER = """
            syntax = "proto3";
            package shop;
            import "common/money.proto";
            import "google/protobuf/timestamp.proto";
            import "google/protobuf/duration.proto";
            import "google/protobuf/wrappers.proto";

            message Order {
              int64 id = 1;
              int32 i32 = 2;
              sint32 s32 = 3;
              sint64 s64 = 4;
              uint32 u32 = 5;
              uint64 u64 = 6;
              fixed32 f32 = 7;
              fixed64 f64 = 8;
              sfixed32 sf32 = 9;
              sfixed64 sf64 = 10;
              float fl = 11;
              double db = 12;
              bool ok = 13;
              string name = 14;
              bytes raw = 15;
              Status status = 16;
              repeated int32 nums = 17;
              repeated string tags = 18;
              Customer customer = 19;
              google.protobuf.Timestamp at = 20;
              google.protobuf.Duration took = 21;
              google.protobuf.Int64Value maybe = 22;
              google.protobuf.StringValue note = 23;
              optional int32 opt = 24;
              oneof choice { string text = 25; int64 number = 26; }
              common.Money total = 27;
              repeated Line lines = 28;
              enum Status { STATUS_UNSPECIFIED = 0; NEW = 1; SHIPPED = 2; }
            }
            message Customer { string name = 1; Address address = 2; }
            message Address { string city = 1; Geo geo = 2; }
            message Geo { double lat = 1; double lon = 2; }
            message Line { string sku = 1; int32 qty = 2; }
            """;

    private Protos() {
    }

    /** The files as the registry resolves them: the reference under its import path, the main file. */
    static Descriptors.FileDescriptor orderFile() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("common/money.proto", MONEY);
        files.put("order.proto", ORDER);
        return ProtoFiles.parse("order.proto", files);
    }

    static Descriptors.Descriptor order() {
        return orderFile().findMessageTypeByName("Order");
    }

    /** Registers money under {@code <subject>-money} and the order, referencing it, under {@code subject}; the order's id. */
    static int registerOrder(SchemaRegistryClient registry, String subject) throws SchemaLookupException {
        registry.register(subject + "-money", "PROTOBUF", MONEY, List.of());
        return registry.register(subject, "PROTOBUF", ORDER, List.of(new SchemaReference("common/money.proto", subject + "-money", "1")));
    }

    static DynamicMessage message(Descriptors.Descriptor type, Map<String, Object> fields) {
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        fields.forEach((name, value) -> {
            Descriptors.FieldDescriptor field = type.findFieldByName(name);
            if (field == null) {
                throw new IllegalArgumentException("no field " + name + " in " + type.getFullName());
            }
            if (field.getJavaType() == Descriptors.FieldDescriptor.JavaType.ENUM) {
                value = field.getEnumType().findValueByName((String) value);
            }
            if (field.isRepeated() && value instanceof List<?> list) {
                for (Object element : list) {
                    builder.addRepeatedField(field, element);
                }
            } else {
                builder.setField(field, value);
            }
        });
        return builder.build();
    }

    /** An order with a value in every field. */
    static DynamicMessage fullOrder(Descriptors.Descriptor order, long id) {
        Descriptors.FileDescriptor file = order.getFile();
        Descriptors.Descriptor customer = file.findMessageTypeByName("Customer");
        Descriptors.Descriptor address = file.findMessageTypeByName("Address");
        Descriptors.Descriptor geo = file.findMessageTypeByName("Geo");
        Descriptors.Descriptor line = file.findMessageTypeByName("Line");
        Descriptors.Descriptor money = order.findFieldByName("total").getMessageType();
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", id);
        fields.put("i32", -42);
        fields.put("s32", -7);
        fields.put("s64", -9_000_000_000L);
        fields.put("u32", -1); // 4294967295
        fields.put("u64", -1L); // 18446744073709551615
        fields.put("f32", 123);
        fields.put("f64", 1L << 40);
        fields.put("sf32", -123);
        fields.put("sf64", -(1L << 40));
        fields.put("fl", 1.5f);
        fields.put("db", -0.25);
        fields.put("ok", true);
        fields.put("name", "héllo 世界");
        fields.put("raw", ByteString.copyFrom(new byte[] {0, 1, (byte) 0xFF}));
        fields.put("status", "SHIPPED");
        fields.put("nums", List.of(1, -2, 3));
        fields.put("tags", List.of("a", "b"));
        fields.put("customer", message(customer, Map.of("name", "Ann", "address", message(address, Map.of("city", "Utrecht",
                "geo", message(geo, Map.of("lat", 52.09, "lon", 5.12)))))));
        fields.put("at", Timestamp.newBuilder().setSeconds(1_709_208_000L).setNanos(123_456_789).build());
        fields.put("took", Duration.newBuilder().setSeconds(2).setNanos(500_000_000).build());
        fields.put("maybe", Int64Value.of(77));
        fields.put("note", StringValue.of("fragile"));
        fields.put("opt", 5);
        fields.put("text", "chosen");
        fields.put("total", message(money, Map.of("currency", "EUR", "units", 1999L)));
        fields.put("lines", List.of(message(line, Map.of("sku", "A1", "qty", 2)), message(line, Map.of("sku", "B2", "qty", 1))));
        return message(order, fields);
    }
}
