package dev.tributary.core.json;

import dev.tributary.core.internal.Utf8;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.FieldDecodeException;
import dev.tributary.core.FieldPath;
import dev.tributary.core.SourceRecord;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decodes a record whose value is one JSON object (UTF-8), with Jackson's streaming parser.
 * Fields are addressable by path ({@code actor.login}); fields no column asks for are ignored.
 *
 * <p>Values: objects become {@code Map<String,Object>}, arrays {@code List<Object>}, strings
 * {@code String}, integers {@code Long} (or {@code BigInteger} beyond 64 bits), other numbers
 * {@code BigDecimal} (exact, so that Decimal columns get exactly what was sent), booleans
 * {@code Boolean}, null {@code null}.
 *
 * <p>Refused, each with a reason that lands in the error table: no value (a tombstone), an empty
 * or blank message, malformed or truncated JSON, a top-level value that is not an object, content
 * after the object, duplicate keys, NaN/Infinity, invalid UTF-8, nesting deeper than
 * {@link Builder#maxNestingDepth}, numbers longer than 1000 digits.
 */
public final class JsonDecoder implements Decoder {

    private final JsonFactory factory;
    /** Top-level fields the mapping reads, or null to keep every field; see {@link #onlyFields}. */
    private volatile Projection projection;
    /**
     * Whether {@link #decode} leaves records undecoded ({@link RawJsonRecord}): only while every
     * {@link #onlyFields} call came from a plan that reads JSON straight from the bytes.
     */
    private volatile boolean raw;
    private boolean eagerAsked;

    private final int maxNestingDepth;

    private JsonDecoder(Builder builder) {
        this.maxNestingDepth = builder.maxNestingDepth;
        // Duplicate keys are detected while building the objects (cheaper than Jackson's detector).
        this.factory = JsonFactory.builder()
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(builder.maxNestingDepth)
                        .maxNumberLength(1000)
                        .maxStringLength(Integer.MAX_VALUE)
                        .build())
                .build();
    }

    /** A decoder with the default settings. */
    public static JsonDecoder create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Its settings, so that two decoders configured alike print alike. */
    @Override
    public String toString() {
        return "JsonDecoder{maxNestingDepth=" + maxNestingDepth + "}";
    }

    /**
     * Keeps only these fields (by their top-level name) from now on; fields no column reads are
     * skipped without building them. Calls add up, so a decoder shared by pipelines keeps what
     * any of them reads.
     */
    @Override
    public synchronized void onlyFields(Set<FieldPath> fields) {
        // A plan that reads the bytes itself (DefaultSchemaMapper's) says so with RawJsonFields; any
        // other caller gets decoded records, and then every caller does.
        eagerAsked |= !(fields instanceof RawJsonFields);
        Map<String, Integer> slots = new HashMap<>();
        if (projection != null) {
            slots.putAll(projection.slots());
        }
        for (FieldPath path : fields) {
            slots.putIfAbsent(path.segment(0), slots.size());
        }
        projection = new Projection(slots); // a HashMap: faster lookups than Map.copyOf's table
        raw = !eagerAsked; // after the projection: a raw record always has one
    }

    @Override
    public DecodedRecord decode(SourceRecord record) throws DecodeException {
        byte[] value = record.value();
        // Raw records are checked for UTF-8 by the plan's reader as it reads them (no pass of its own).
        if (raw && value != null && value.length > 0 && !Utf8.isUtf16Or32(value)) {
            Projection kept = projection;
            return new RawJsonRecord(value, this, kept.slots().keySet());
        }
        return decodeNow(value);
    }

    /** The nesting limit: objects and arrays nested deeper are refused. */
    int maxNestingDepth() {
        return maxNestingDepth;
    }


    /** Decodes as {@link #decode} does without {@link RawJsonRecord}s: every check, values built. */
    DecodedRecord decodeNow(byte[] value) throws DecodeException {
        return parse(value, false);
    }

    /**
     * The whole JSON object of a message, every field kept whatever {@link #onlyFields} said, objects
     * in the message's own key order (LinkedHashMap, List, Long, BigInteger, BigDecimal, String,
     * Boolean, null), with every check of {@link #decode}: what {@link DecodedRecord#tree()} shows and
     * what table inference reads. Not on a pipeline's path: it parses again.
     *
     * @throws DecodeException for a message {@link #decode} would refuse, with the same message
     */
    public Map<String, Object> decodeObject(byte[] value) throws DecodeException {
        return ((JsonRecord) parse(value, true)).root();
    }

    /** Every check, values built; {@code ordered}: every field, objects as LinkedHashMaps (a tree to show). */
    private DecodedRecord parse(byte[] value, boolean ordered) throws DecodeException {
        if (value == null) {
            throw new DecodeException("the record has no value (a tombstone)");
        }
        if (value.length == 0) {
            throw new DecodeException("empty message: expected a JSON object");
        }
        int invalid = Utf8.isUtf16Or32(value) ? -1 : Utf8.firstInvalidByte(value);
        if (invalid >= 0) {
            throw new DecodeException("invalid UTF-8 at byte " + invalid + " (0x"
                    + Integer.toHexString(value[invalid] & 0xff) + ")");
        }
        try (JsonParser parser = factory.createParser(value)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new DecodeException("blank message: expected a JSON object");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new DecodeException("expected a JSON object at the top level, found " + describe(first));
            }
            Projection wanted = projection;
            DecodedRecord decoded = ordered || wanted == null ? new JsonRecord(readObject(parser, ordered), value, this)
                    : readProjected(parser, wanted);
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw new DecodeException("unexpected " + describe(trailing) + " after the JSON object at byte "
                        + parser.currentTokenLocation().getByteOffset());
            }
            return decoded;
        } catch (JsonProcessingException e) {
            throw new DecodeException("malformed JSON: " + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            // Invalid UTF-8 and similar surface as plain IOExceptions (CharConversionException).
            throw new DecodeException("unreadable JSON: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            // Jackson reads some numbers lazily and throws this unchecked (e.g. an exponent beyond int).
            throw new DecodeException("malformed JSON: a number cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * The Java value of the JSON value at {@code bytes[from, to)}, built as {@link #decode} builds
     * it; for values {@link RawJsonRecord}'s reader has already checked.
     */
    Object valueAt(byte[] bytes, int from, int to) throws DecodeException {
        try (JsonParser parser = factory.createParser(bytes, from, to - from)) {
            return readValue(parser, parser.nextToken(), false);
        } catch (IOException | RuntimeException e) {
            throw new DecodeException("malformed JSON: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> readObject(JsonParser parser, boolean ordered) throws IOException {
        // Sized for a typical event without rehashing; field names are Jackson's interned strings.
        Map<String, Object> object = ordered ? new LinkedHashMap<>() : new HashMap<>(64);
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            int size = object.size();
            if (object.put(name, readValue(parser, parser.nextToken(), ordered)) != null || object.size() == size) {
                throw new JsonParseException(parser, "Duplicate field '" + name + "'");
            }
        }
        return object;
    }

    /** The top-level object, keeping only the projected fields, in an array by slot. */
    private static DecodedRecord readProjected(JsonParser parser, Projection projection) throws IOException {
        Object[] values = new Object[projection.slots().size()];
        Arrays.fill(values, DecodedRecord.MISSING);
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken token = parser.nextToken();
            Integer slot = projection.slots().get(name);
            if (slot == null) {
                parser.skipChildren(); // still tokenized, so malformed content is still refused
            } else if (values[slot] != DecodedRecord.MISSING) {
                throw new JsonParseException(parser, "Duplicate field '" + name + "'");
            } else {
                values[slot] = readValue(parser, token, false);
            }
        }
        return new ProjectedRecord(projection, values);
    }

    private static Object readValue(JsonParser parser, JsonToken token, boolean ordered) throws IOException {
        switch (token) {
            case START_OBJECT:
                return readObject(parser, ordered);
            case START_ARRAY: {
                List<Object> array = new ArrayList<>();
                for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                    array.add(readValue(parser, element, ordered));
                }
                return array;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    BigInteger big = parser.getBigIntegerValue();
                    return big;
                }
                return parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDecimalValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected token " + token);
        }
    }

    private static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
        };
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (at byte " + e.getLocation().getByteOffset() + ")";
    }

    /** Settings of a {@link JsonDecoder}. */
    public static final class Builder {
        private static final int MAX_NESTING_DEPTH = 1000;

        private int maxNestingDepth = 100;

        private Builder() {
        }

        /** Objects and arrays nested deeper than this are refused (default 100, at most 1000). */
        public Builder maxNestingDepth(int depth) {
            this.maxNestingDepth = depth;
            return this;
        }

        public JsonDecoder build() {
            // The decoder recurses once per level: 1000 levels fit in half the default thread stack
            // (JsonDecoderTest); deeper would risk a StackOverflowError instead of a DECODE row.
            if (maxNestingDepth < 1 || maxNestingDepth > MAX_NESTING_DEPTH) {
                throw new IllegalArgumentException("JsonDecoder: maxNestingDepth must be 1.." + MAX_NESTING_DEPTH + ", was "
                        + maxNestingDepth + "; records nested deeper are refused (DECODE)");
            }
            return new JsonDecoder(this);
        }
    }

    /** The value at {@code path} below {@code current}, starting at segment {@code from}. */
    private static Object descend(Object current, FieldPath path, int from) {
        for (int i = from; i < path.size(); i++) {
            if (!(current instanceof Map<?, ?> map)) {
                return DecodedRecord.MISSING;
            }
            String segment = path.segment(i);
            current = map.get(segment);
            if (current == null && !map.containsKey(segment)) {
                return DecodedRecord.MISSING;
            }
        }
        return current;
    }

    /** Top-level field names the mapping reads, each with its slot. */
    private record Projection(Map<String, Integer> slots) {
    }

    /** A decoded JSON object with every field; the message is kept for {@link #tree()} only. */
    private record JsonRecord(Map<String, Object> root, byte[] message, JsonDecoder decoder) implements DecodedRecord {
        @Override
        public Object field(FieldPath path) {
            return descend(root, path, 0);
        }

        @Override
        public Object tree() {
            if (root instanceof LinkedHashMap) {
                return root; // already in the message's order
            }
            try {
                return decoder.decodeObject(message);
            } catch (DecodeException e) {
                throw new FieldDecodeException(e.getMessage(), e); // not expected: it decoded once
            }
        }
    }

    /** A decoded JSON object with only the projected fields. */
    private record ProjectedRecord(Projection projection, Object[] values) implements DecodedRecord {
        @Override
        public Object field(FieldPath path) {
            Integer slot = projection.slots().get(path.segment(0));
            if (slot == null) {
                return MISSING;
            }
            Object top = values[slot];
            return top == MISSING || path.size() == 1 ? top : descend(top, path, 1);
        }

        /** Only the fields the decoder keeps (it was told which), in the order it was told of them. */
        @Override
        public Object tree() {
            String[] names = new String[values.length];
            projection.slots().forEach((name, slot) -> names[slot] = name);
            Map<String, Object> kept = new LinkedHashMap<>();
            for (int slot = 0; slot < values.length; slot++) {
                if (values[slot] != MISSING) {
                    kept.put(names[slot], values[slot]);
                }
            }
            return kept;
        }
    }
}
