package dev.tributary.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.ValueConversionException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How one field's occurrences in a body become one column's RowBinary. Scalars whose wire value
 * already is the column's binary form (int64 into Int64, string into String, double into
 * Float64, ...) are written directly; everything else becomes the Java value of
 * {@link ProtobufValues} and goes through the column's encoder, which applies core's conversion
 * rules and names the problem. Message-typed values (nested messages, maps, wrappers, Timestamp,
 * Duration) are parsed from their byte ranges by protobuf-java, every occurrence merged in order as
 * the Protobuf rules say.
 */
final class FieldWriters {

    private FieldWriters() {
    }

    /** Writes a field's value from its occurrences (value start positions, in order) in {@code in}'s array. */
    interface FieldWriter {
        void write(WireCursor in, int[] occurrences, int count, RowBinaryOutput out)
                throws MalformedProtobufException, ValueConversionException;
    }

    /** The writer of {@code field} into a column of {@code type} (path: the rest of a column path through a repeated message). */
    static FieldWriter of(FieldDescriptor field, ClickHouseType type, ColumnEncoder encoder, List<String> projection) {
        if (!projection.isEmpty()) {
            return (in, occurrences, count, out) -> encoder.encode(project(javaValue(field, in, occurrences, count), projection), out);
        }
        ClickHouseType target = type instanceof NullableType nullable ? nullable.element() : type;
        if (!field.isRepeated() && field.getType() == FieldDescriptor.Type.ENUM && isInteger(target)) {
            // An enum into an integer column: its number, not its name.
            return (in, occurrences, count, out) -> {
                in.reset(in.array(), occurrences[count - 1], in.limit());
                encoder.encode((long) (int) in.varint(), out);
            };
        }
        if (!field.isRepeated() && field.getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
            FieldWriter direct = direct(field, type);
            if (direct != null) {
                return direct;
            }
        }
        return (in, occurrences, count, out) -> encoder.encode(javaValue(field, in, occurrences, count), out);
    }

    /** The value an absent field without presence has, as the writer of {@link #of} would give it (null for repeated fields). */
    static Object defaultValue(FieldDescriptor field, ClickHouseType type) {
        if (field.isRepeated()) {
            return null;
        }
        ClickHouseType target = type instanceof NullableType nullable ? nullable.element() : type;
        if (field.getType() == FieldDescriptor.Type.ENUM && isInteger(target)) {
            return (long) ((Descriptors.EnumValueDescriptor) field.getDefaultValue()).getNumber();
        }
        return field.getJavaType() == FieldDescriptor.JavaType.MESSAGE ? null : ProtobufValues.single(field, field.getDefaultValue());
    }

    private static boolean isInteger(ClickHouseType type) {
        return switch (type.kind()) {
            case INT8, INT16, INT32, INT64, INT128, INT256, UINT8, UINT16, UINT32, UINT64, UINT128, UINT256 -> true;
            default -> false;
        };
    }

    /** The Java value of a field from its occurrences: the last for a scalar, all for repeated, merged for a message. */
    static Object javaValue(FieldDescriptor field, WireCursor in, int[] occurrences, int count) throws MalformedProtobufException {
        if (field.isMapField()) {
            Map<Object, Object> map = new LinkedHashMap<>();
            FieldDescriptor key = field.getMessageType().findFieldByNumber(1);
            FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
            for (int i = 0; i < count; i++) {
                DynamicMessage entry = message(field.getMessageType(), in, occurrences[i], null);
                map.put(ProtobufValues.single(key, entry.getField(key)), ProtobufValues.field(entry, value));
            }
            return map;
        }
        if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
            if (field.isRepeated()) {
                List<Object> list = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    list.add(ProtobufValues.messageValue(message(field.getMessageType(), in, occurrences[i], null)));
                }
                return list;
            }
            DynamicMessage.Builder merged = DynamicMessage.newBuilder(field.getMessageType());
            for (int i = 0; i < count; i++) {
                message(field.getMessageType(), in, occurrences[i], merged);
            }
            return ProtobufValues.messageValue(merged.build());
        }
        if (field.isRepeated()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int at = occurrences[i];
                in.reset(in.array(), at & ~PACKED_FLAG, in.limit());
                if ((at & PACKED_FLAG) != 0) { // packed: a length-delimited run of values
                    int length = in.length();
                    int end = in.position() + length;
                    WireCursor run = new WireCursor();
                    run.reset(in.array(), in.position(), end);
                    while (!run.atEnd()) {
                        list.add(scalar(field, run));
                    }
                } else {
                    list.add(scalar(field, in));
                }
            }
            return list;
        }
        in.reset(in.array(), occurrences[count - 1], in.limit());
        return scalar(field, in);
    }

    /** Marks an occurrence of a repeated scalar field that is packed (length-delimited); positions stay below 2^30. */
    static final int PACKED_FLAG = 1 << 30;

    /** One scalar value at the cursor, as {@link ProtobufValues} gives it. */
    static Object scalar(FieldDescriptor field, WireCursor in) throws MalformedProtobufException {
        return switch (field.getType()) {
            case INT32 -> (long) (int) in.varint();
            case SINT32 -> (long) zigZag32((int) in.varint());
            case SFIXED32 -> (long) in.fixed32();
            case UINT32 -> in.varint() & 0xFFFF_FFFFL;
            case FIXED32 -> Integer.toUnsignedLong(in.fixed32());
            case INT64 -> in.varint();
            case SINT64 -> zigZag64(in.varint());
            case SFIXED64 -> in.fixed64();
            case UINT64 -> ProtobufValues.unsigned(in.varint());
            case FIXED64 -> ProtobufValues.unsigned(in.fixed64());
            case FLOAT -> (double) Float.intBitsToFloat(in.fixed32());
            case DOUBLE -> Double.longBitsToDouble(in.fixed64());
            case BOOL -> in.varint() != 0;
            case STRING -> {
                int length = in.length();
                String text = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
                in.skip(length);
                yield text;
            }
            case BYTES -> {
                int length = in.length();
                byte[] copy = new byte[length];
                System.arraycopy(in.array(), in.position(), copy, 0, length);
                in.skip(length);
                yield copy;
            }
            case ENUM -> {
                int number = (int) in.varint();
                Descriptors.EnumValueDescriptor symbol = field.getEnumType().findValueByNumber(number);
                yield symbol == null ? (Object) (long) number : symbol.getName();
            }
            case MESSAGE, GROUP -> throw new IllegalStateException("messages are not scalars");
        };
    }

    /** The wire type a field's (unpacked) values have. */
    static int wireType(FieldDescriptor field) {
        return switch (field.getType()) {
            case INT32, SINT32, UINT32, INT64, SINT64, UINT64, BOOL, ENUM -> WireCursor.VARINT;
            case FIXED32, SFIXED32, FLOAT -> WireCursor.I32;
            case FIXED64, SFIXED64, DOUBLE -> WireCursor.I64;
            case STRING, BYTES, MESSAGE -> WireCursor.LEN;
            case GROUP -> WireCursor.SGROUP;
        };
    }

    private static DynamicMessage message(Descriptors.Descriptor type, WireCursor in, int at, DynamicMessage.Builder into)
            throws MalformedProtobufException {
        in.reset(in.array(), at, in.limit());
        int length = in.length();
        CodedInputStream stream = CodedInputStream.newInstance(in.array(), in.position(), length);
        stream.setRecursionLimit(ProtobufValues.MAX_DEPTH);
        try {
            if (into != null) {
                into.mergeFrom(stream);
                return null;
            }
            return DynamicMessage.parseFrom(type, stream);
        } catch (InvalidProtocolBufferException e) {
            throw new MalformedProtobufException("a " + type.getFullName() + " does not decode: " + e.getMessage());
        } catch (IOException e) {
            throw new MalformedProtobufException("a " + type.getFullName() + " does not decode: " + e);
        }
    }

    private static Object project(Object value, List<String> path) {
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object element : list) {
                out.add(project(element, path));
            }
            return out;
        }
        Object current = value;
        for (String segment : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(segment);
        }
        return current;
    }

    static int zigZag32(int n) {
        return (n >>> 1) ^ -(n & 1);
    }

    static long zigZag64(long n) {
        return (n >>> 1) ^ -(n & 1);
    }

    /** A writer that copies the wire value as the column's binary form, or null where a conversion is needed. */
    private static FieldWriter direct(FieldDescriptor field, ClickHouseType type) {
        if (!(type instanceof SimpleType simple)) {
            return null;
        }
        FieldDescriptor.Type wire = field.getType();
        return switch (simple.kind()) {
            case INT64 -> switch (wire) {
                case INT64, INT32 -> last((in, out) -> out.writeLongLE(in.varint()));
                case SINT64 -> last((in, out) -> out.writeLongLE(zigZag64(in.varint())));
                case SINT32 -> last((in, out) -> out.writeLongLE(zigZag32((int) in.varint())));
                case SFIXED64 -> last((in, out) -> out.writeLongLE(in.fixed64()));
                case SFIXED32 -> last((in, out) -> out.writeLongLE(in.fixed32()));
                case UINT32 -> last((in, out) -> out.writeLongLE(in.varint() & 0xFFFF_FFFFL));
                case FIXED32 -> last((in, out) -> out.writeLongLE(Integer.toUnsignedLong(in.fixed32())));
                default -> null;
            };
            case INT32 -> switch (wire) {
                case INT32 -> last((in, out) -> out.writeIntLE((int) in.varint()));
                case SINT32 -> last((in, out) -> out.writeIntLE(zigZag32((int) in.varint())));
                case SFIXED32 -> last((in, out) -> out.writeIntLE(in.fixed32()));
                default -> null;
            };
            case UINT64 -> switch (wire) {
                case UINT64, UINT32 -> last((in, out) -> out.writeLongLE(in.varint()));
                case FIXED64 -> last((in, out) -> out.writeLongLE(in.fixed64()));
                case FIXED32 -> last((in, out) -> out.writeLongLE(Integer.toUnsignedLong(in.fixed32())));
                default -> null;
            };
            case UINT32 -> switch (wire) {
                case UINT32 -> last((in, out) -> out.writeIntLE((int) in.varint()));
                case FIXED32 -> last((in, out) -> out.writeIntLE(in.fixed32()));
                default -> null;
            };
            case FLOAT64 -> switch (wire) {
                case DOUBLE -> last((in, out) -> out.writeLongLE(in.fixed64()));
                case FLOAT -> last((in, out) -> out.writeLongLE(Double.doubleToRawLongBits(Float.intBitsToFloat(in.fixed32()))));
                default -> null;
            };
            case FLOAT32 -> wire == FieldDescriptor.Type.FLOAT ? last((in, out) -> out.writeIntLE(in.fixed32())) : null;
            case BOOL, UINT8 -> wire == FieldDescriptor.Type.BOOL ? last((in, out) -> out.writeByte(in.varint() != 0 ? 1 : 0)) : null;
            case STRING -> wire == FieldDescriptor.Type.STRING || wire == FieldDescriptor.Type.BYTES ? last((in, out) -> {
                int length = in.length();
                out.writeVarUInt(length);
                out.writeBytes(in.array(), in.position(), length);
                in.skip(length);
            }) : null;
            default -> null;
        };
    }

    /** A scalar written from the last occurrence (a later value of a singular field replaces an earlier one). */
    private interface ScalarWriter {
        void write(WireCursor in, RowBinaryOutput out) throws MalformedProtobufException;
    }

    private static FieldWriter last(ScalarWriter writer) {
        return (in, occurrences, count, out) -> {
            in.reset(in.array(), occurrences[count - 1], in.limit());
            writer.write(in, out);
        };
    }
}
