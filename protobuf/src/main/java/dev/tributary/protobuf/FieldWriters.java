package dev.tributary.protobuf;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DateTime64Type;
import dev.tributary.core.types.DateTimeType;
import dev.tributary.core.types.EnumType;
import dev.tributary.core.types.LowCardinalityType;
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
            FieldWriter direct = direct(field, type, encoder);
            if (direct != null) {
                return direct;
            }
        }
        if (!field.isRepeated() && field.getJavaType() == FieldDescriptor.JavaType.MESSAGE
                && field.getMessageType().getFullName().equals(ProtobufValues.TIMESTAMP)) {
            FieldWriter timestamp = timestamp(type, encoder);
            if (timestamp != null) {
                return timestamp;
            }
        }
        if (field.isRepeated() && !field.isMapField() && type.kind() == ClickHouseType.Kind.ARRAY
                && plain(((ArrayType) type).element()).kind() == ClickHouseType.Kind.STRING
                && (field.getType() == FieldDescriptor.Type.STRING || field.getType() == FieldDescriptor.Type.BYTES)) {
            boolean checksUtf8 = field.getType() == FieldDescriptor.Type.STRING && field.needsUtf8Check();
            return (in, occurrences, count, out) -> { // each occurrence is one element, its bytes as they are
                out.writeVarUInt(count);
                for (int i = 0; i < count; i++) {
                    in.reset(in.array(), occurrences[i], in.limit());
                    int length = in.length();
                    if (checksUtf8) {
                        checkUtf8(field, in.array(), in.position(), length);
                    }
                    out.writeVarUInt(length);
                    out.writeBytes(in.array(), in.position(), length);
                }
            };
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

    /**
     * A whole {@code oneof} into one column (a Variant): the occurrences are tag positions of any
     * member; the last one is the member set (Protobuf's rule), whose value goes through the
     * column's encoder (the Variant picks its type by the value's kind).
     */
    static FieldWriter oneof(Descriptors.OneofDescriptor oneof, ColumnEncoder encoder) {
        return (in, occurrences, count, out) -> {
            int at = occurrences[count - 1];
            in.reset(in.array(), at, in.limit());
            int number = (int) (in.tag() >>> 3);
            FieldDescriptor member = oneof.getContainingType().findFieldByNumber(number);
            int valueAt = in.position();
            encoder.encode(javaValue(member, in, new int[] {valueAt}, 1), out);
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

    /** Refuses a string field whose bytes are not well-formed UTF-8, naming the field and the byte. */
    private static void checkUtf8(FieldDescriptor field, byte[] bytes, int from, int length) throws MalformedProtobufException {
        int bad = dev.tributary.core.internal.Utf8.firstInvalidByte(bytes, from, from + length);
        if (bad >= 0) {
            throw new MalformedProtobufException("string field '" + field.getName() + "' is not valid UTF-8 (byte "
                    + (bad - from) + " of the string is 0x" + Integer.toHexString(bytes[bad] & 0xff) + ")");
        }
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
                if (field.needsUtf8Check()) {
                    checkUtf8(field, in.array(), in.position(), length);
                }
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

    /** 10^0 .. 10^9. */
    private static final long[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
            1_000_000_000};
    /** DateTime64 holds 1900-01-01 .. 2299-12-31 local time; a day less on each side is safe in any zone (2262 for nanoseconds). */
    private static final long SAFE_MIN_SECOND = java.time.LocalDate.of(1900, 1, 2).toEpochDay() * 86_400;
    private static final long SAFE_MAX_SECOND = java.time.LocalDate.of(2299, 12, 30).toEpochDay() * 86_400;
    private static final long SAFE_MAX_SECOND_NANOS = java.time.LocalDate.of(2262, 4, 10).toEpochDay() * 86_400;

    /**
     * A {@code google.protobuf.Timestamp} into DateTime or DateTime64: seconds and nanos read from
     * the occurrences (merged: a later one's fields win) and the ticks written directly where they
     * are safely in range; otherwise the Instant goes through the encoder, which checks the exact
     * range. Other column types: null (the Java value path).
     */
    private static FieldWriter timestamp(ClickHouseType type, ColumnEncoder encoder) {
        int precision;
        if (type instanceof DateTimeType) {
            precision = -1;
        } else if (type instanceof DateTime64Type dateTime64) {
            precision = dateTime64.precision();
        } else {
            return null;
        }
        long perSecond = precision < 0 ? 1 : POWERS_OF_TEN[precision];
        long nanosPerTick = precision < 0 ? 1_000_000_000L : POWERS_OF_TEN[9 - precision];
        long min = precision < 0 ? 0 : SAFE_MIN_SECOND;
        long max = precision < 0 ? 0xFFFF_FFFFL - 1 : precision == 9 ? SAFE_MAX_SECOND_NANOS : SAFE_MAX_SECOND;
        return (in, occurrences, count, out) -> {
            long seconds = 0;
            long nanos = 0;
            for (int i = 0; i < count; i++) {
                in.reset(in.array(), occurrences[i], in.limit());
                int length = in.length();
                int end = in.position() + length;
                in.reset(in.array(), in.position(), end);
                while (!in.atEnd()) {
                    long tag = in.tag();
                    int wireType = (int) (tag & 7);
                    int number = (int) (tag >>> 3);
                    if (number == 1 && wireType == WireCursor.VARINT) {
                        seconds = in.varint();
                    } else if (number == 2 && wireType == WireCursor.VARINT) {
                        nanos = (int) in.varint();
                    } else {
                        in.skipValue(wireType, number, ProtobufValues.MAX_DEPTH);
                    }
                }
            }
            if (seconds < min || seconds > max || nanos < 0 || nanos > 999_999_999) {
                String invalid = ProtobufValues.invalidTimestamp(seconds);
                if (invalid != null) {
                    throw new MalformedProtobufException(invalid);
                }
                encoder.encode(ProtobufValues.timestamp(seconds, (int) nanos), out);
            } else if (precision < 0) {
                out.writeIntLE((int) seconds);
            } else {
                out.writeLongLE(seconds * perSecond + nanos / nanosPerTick);
            }
        };
    }

    /** A writer that copies the wire value as the column's binary form, or null where a conversion is needed. */
    private static FieldWriter direct(FieldDescriptor field, ClickHouseType declared, ColumnEncoder encoder) {
        ClickHouseType type = plain(declared);
        if (type instanceof EnumType column && field.getType() == FieldDescriptor.Type.ENUM) {
            return enumWriter(field.getEnumType(), column, encoder);
        }
        if (!(type instanceof SimpleType simple)) {
            return null;
        }
        FieldWriter exact = exact(field, simple);
        return exact != null ? exact : rangeChecked(field.getType(), simple, encoder);
    }

    /** LowCardinality(T) is written as T in RowBinary. */
    private static ClickHouseType plain(ClickHouseType type) {
        return type instanceof LowCardinalityType low ? low.element() : type;
    }

    /**
     * A signed or 32-bit unsigned Protobuf integer into an integer column of at most 64 bits that
     * may not hold every value (int64 into UInt32, ...): written directly when in range; otherwise
     * the encoder raises the error that names the range.
     */
    private static FieldWriter rangeChecked(FieldDescriptor.Type wire, SimpleType column, ColumnEncoder encoder) {
        ScalarLong read = switch (wire) {
            case INT32, INT64 -> WireCursor::varint;
            case SINT32 -> in -> zigZag32((int) in.varint());
            case SINT64 -> in -> zigZag64(in.varint());
            case SFIXED32 -> in -> in.fixed32();
            case SFIXED64 -> WireCursor::fixed64;
            case UINT32 -> in -> in.varint() & 0xFFFF_FFFFL;
            case FIXED32 -> in -> Integer.toUnsignedLong(in.fixed32());
            default -> null;
        };
        int bits = column.bits();
        boolean integer = switch (column.kind()) {
            case INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64 -> true;
            default -> false;
        };
        if (read == null || !integer) {
            return null;
        }
        long min = column.isSigned() ? (bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1))) : 0;
        long max = bits == 64 ? Long.MAX_VALUE : column.isSigned() ? (1L << (bits - 1)) - 1 : (1L << bits) - 1;
        return (in, occurrences, count, out) -> {
            in.reset(in.array(), occurrences[count - 1], in.limit());
            long value = read.read(in);
            if (value < min || value > max) {
                encoder.encode(value, out); // raises the range error
                return;
            }
            switch (bits) {
                case 8 -> out.writeByte((int) value);
                case 16 -> out.writeShortLE((int) value);
                case 32 -> out.writeIntLE((int) value);
                default -> out.writeLongLE(value);
            }
        };
    }

    private interface ScalarLong {
        long read(WireCursor in) throws MalformedProtobufException;
    }

    /** Where the wire value is exactly the column's binary form, no conversion needed. */
    private static FieldWriter exact(FieldDescriptor field, SimpleType simple) {
        FieldDescriptor.Type wire = field.getType();
        // A proto3 (or UTF-8-verified) string holds UTF-8 by contract: protobuf-java refuses a message
        // that breaks it, and so does this path; bytes (and unverified proto2 strings) go as they are.
        boolean checksUtf8 = wire == FieldDescriptor.Type.STRING && field.needsUtf8Check();
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
                if (checksUtf8) {
                    checkUtf8(field, in.array(), in.position(), length);
                }
                out.writeVarUInt(length);
                out.writeBytes(in.array(), in.position(), length);
                in.skip(length);
            }) : null;
            default -> null;
        };
    }

    /**
     * An enum into an Enum8/16 column: the column's value of the same name, looked up by number in a
     * table made at plan time; a number without a name there goes through the encoder (which maps
     * it by name, or refuses it naming the column's values).
     */
    private static FieldWriter enumWriter(Descriptors.EnumDescriptor type, EnumType column, ColumnEncoder encoder) {
        Map<String, Integer> byName = new java.util.HashMap<>();
        for (EnumType.Value value : column.values()) {
            byName.put(value.name(), value.number());
        }
        Map<Integer, Integer> byNumber = new java.util.HashMap<>();
        for (Descriptors.EnumValueDescriptor value : type.getValues()) {
            Integer columnValue = byName.get(value.getName());
            if (columnValue != null) {
                byNumber.putIfAbsent(value.getNumber(), columnValue);
            }
        }
        boolean eight = column.bits() == 8;
        return (in, occurrences, count, out) -> {
            in.reset(in.array(), occurrences[count - 1], in.limit());
            int number = (int) in.varint();
            Integer value = byNumber.get(number);
            if (value == null) {
                Descriptors.EnumValueDescriptor symbol = type.findValueByNumber(number);
                encoder.encode(symbol == null ? (Object) (long) number : symbol.getName(), out);
            } else if (eight) {
                out.writeByte(value);
            } else {
                out.writeShortLE(value);
            }
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
