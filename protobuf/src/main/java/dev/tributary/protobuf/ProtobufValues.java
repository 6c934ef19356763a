package dev.tributary.protobuf;

import dev.tributary.core.FieldDecodeException;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Protobuf values as the plain Java values of {@link dev.tributary.core.DecodedRecord} (what core's
 * column encoders take), the one place of these rules ({@code docs/protobuf.md}): integers as Long
 * (uint64/fixed64 above Long.MAX_VALUE as BigInteger), float and double as Double, bytes as byte[],
 * an enum as its name (a number the enum does not declare as Long), a message as a Map by field
 * name (every field: absent ones with presence as null, others as their default), repeated as
 * List, map as Map, {@code google.protobuf.Timestamp} as Instant, {@code Duration} as Long
 * nanoseconds, a wrapper as its value (null when absent).
 */
final class ProtobufValues {

    /** How deep messages may nest in a body (protobuf-java's default recursion limit). */
    static final int MAX_DEPTH = 100;

    static final String TIMESTAMP = "google.protobuf.Timestamp";
    static final String DURATION = "google.protobuf.Duration";

    private ProtobufValues() {
    }

    /** Whether {@code message} is a wrapper ({@code google.protobuf.Int64Value}, ...): one field {@code value}. */
    static boolean isWrapper(Descriptors.Descriptor message) {
        return message.getFile().getName().equals("google/protobuf/wrappers.proto");
    }

    /** Every field of {@code message} by name, converted. */
    static Map<String, Object> message(Message message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            fields.put(field.getName(), field(message, field));
        }
        for (Descriptors.OneofDescriptor oneof : message.getDescriptorForType().getRealOneofs()) {
            if (!fields.containsKey(oneof.getName())) { // a oneof by its name: the value of the member set, or null
                FieldDescriptor set = message.getOneofFieldDescriptor(oneof);
                fields.put(oneof.getName(), set == null ? null : fields.get(set.getName()));
            }
        }
        return fields;
    }

    /** One field of {@code message}: null when it has presence and is absent. */
    static Object field(Message message, FieldDescriptor field) {
        if (field.isMapField()) {
            Map<Object, Object> map = new LinkedHashMap<>();
            FieldDescriptor key = field.getMessageType().findFieldByNumber(1);
            FieldDescriptor value = field.getMessageType().findFieldByNumber(2);
            for (Object entry : (List<?>) message.getField(field)) {
                Message pair = (Message) entry;
                map.put(single(key, pair.getField(key)), field(pair, value));
            }
            return map;
        }
        if (field.isRepeated()) {
            List<?> values = (List<?>) message.getField(field);
            List<Object> out = new ArrayList<>(values.size());
            for (Object value : values) {
                out.add(single(field, value));
            }
            return out;
        }
        if (field.hasPresence() && !message.hasField(field)) {
            return null;
        }
        return single(field, message.getField(field));
    }

    /** One value of {@code field} (an element, for a repeated field). */
    static Object single(FieldDescriptor field, Object value) {
        return switch (field.getType()) {
            case INT32, SINT32, SFIXED32 -> ((Integer) value).longValue();
            case UINT32, FIXED32 -> Integer.toUnsignedLong((Integer) value);
            case INT64, SINT64, SFIXED64 -> value;
            case UINT64, FIXED64 -> unsigned((Long) value);
            case FLOAT -> ((Float) value).doubleValue();
            case DOUBLE, BOOL, STRING -> value;
            case BYTES -> ((ByteString) value).toByteArray();
            case ENUM -> {
                Descriptors.EnumValueDescriptor symbol = (Descriptors.EnumValueDescriptor) value;
                yield symbol.getIndex() < 0 || symbol.getType().findValueByNumber(symbol.getNumber()) == null
                        ? (Object) (long) symbol.getNumber() : symbol.getName();
            }
            case MESSAGE, GROUP -> messageValue((Message) value);
        };
    }

    /** A message value: the well-known types as their Java counterparts, others as a Map. */
    static Object messageValue(Message message) {
        Descriptors.Descriptor type = message.getDescriptorForType();
        if (type.getFullName().equals(TIMESTAMP)) {
            return timestamp(longField(message, 1), (int) longField(message, 2));
        }
        if (type.getFullName().equals(DURATION)) {
            return durationNanos(longField(message, 1), (int) longField(message, 2));
        }
        if (isWrapper(type)) {
            FieldDescriptor value = type.findFieldByNumber(1);
            return single(value, message.getField(value));
        }
        return message(message);
    }

    private static long longField(Message message, int number) {
        return ((Number) message.getField(message.getDescriptorForType().findFieldByNumber(number))).longValue();
    }

    static Object unsigned(long value) {
        return value >= 0 ? (Object) value : new BigInteger(Long.toUnsignedString(value));
    }

    /** The seconds a {@code google.protobuf.Timestamp} may hold: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
    static final long TIMESTAMP_MIN_SECONDS = -62_135_596_800L;
    static final long TIMESTAMP_MAX_SECONDS = 253_402_300_799L;

    /**
     * Why a Timestamp with these {@code seconds} is not one (outside the range its definition
     * allows, where no ClickHouse date-time type reaches either), or null when it is.
     */
    static String invalidTimestamp(long seconds) {
        return seconds < TIMESTAMP_MIN_SECONDS || seconds > TIMESTAMP_MAX_SECONDS
                ? "a google.protobuf.Timestamp with seconds " + seconds + " is outside 0001-01-01..9999-12-31, the range"
                        + " the type allows" : null;
    }

    /**
     * A Timestamp's instant; nanos outside 0..999,999,999 are carried into the seconds. Seconds
     * outside the type's range are broken data ({@link FieldDecodeException}, reported as DECODE).
     */
    static Instant timestamp(long seconds, int nanos) {
        String invalid = invalidTimestamp(seconds);
        if (invalid != null) {
            throw new FieldDecodeException(invalid, null);
        }
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** A Duration in nanoseconds: a Long, or a BigInteger beyond Int64 (which an Int64 column refuses by range). */
    static Object durationNanos(long seconds, int nanos) {
        long high = Math.multiplyHigh(seconds, 1_000_000_000L);
        long low = seconds * 1_000_000_000L;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            long total = low + nanos;
            if (((low ^ total) & (nanos ^ total)) >= 0) {
                return total;
            }
        }
        return BigInteger.valueOf(seconds).multiply(BigInteger.valueOf(1_000_000_000L)).add(BigInteger.valueOf(nanos));
    }
}
