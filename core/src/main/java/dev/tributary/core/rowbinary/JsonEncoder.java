package dev.tributary.core.rowbinary;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * {@code JSON}: the value as compact JSON text, written as a String, which the engine reads with
 * {@code input_format_binary_read_json_as_string = 1} (the sink sets it when a table has a JSON
 * column). A Map is written as a JSON object (nested Maps, Lists, arrays, text, numbers, Booleans
 * and nulls as themselves, any other value as its text); text is written as it is when it is one
 * JSON object. The engine's JSON is an object at the top: anything else is refused, and so is a
 * number beyond Int64/UInt64 (integers) or Float64, which the engine cannot hold.
 */
final class JsonEncoder extends BaseEncoder {

    /** Nesting deeper than this is refused rather than risking the stack. */
    private static final int MAX_DEPTH = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
            .build();

    /** The engine refuses the whole insert (code 117) for any other number: refused here, only its record fails. */
    private static final String NUMBERS = "a JSON column holds numbers as Int64, UInt64 or Float64 (send it as text)";
    private static final BigInteger INT64_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    JsonEncoder(ClickHouseType type) {
        super(type, new byte[] {2, '{', '}'});
    }

    @Override
    public void encode(Object value, RowBinaryOutput out) throws ValueConversionException {
        if (value instanceof Map<?, ?> map) {
            StringWriter text = new StringWriter();
            try (JsonGenerator generator = JSON.createGenerator(text)) {
                write(map, generator, 0);
            } catch (IOException e) {
                throw fail(value, "cannot be written as JSON", String.valueOf(e.getMessage()));
            }
            out.writeString(text.toString());
        } else if (value instanceof CharSequence text) {
            checkObject(value, text.toString());
            out.writeString(text);
        } else {
            throw notAccepted(value, "a Map (a JSON object) or the text of one JSON object");
        }
    }

    private void write(Object value, JsonGenerator generator, int depth) throws IOException, ValueConversionException {
        if (depth > MAX_DEPTH) {
            throw fail(value, "is nested deeper than " + MAX_DEPTH + " levels");
        }
        if (value == null) {
            generator.writeNull();
        } else if (value instanceof Map<?, ?> map) {
            generator.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                generator.writeFieldName(String.valueOf(entry.getKey()));
                write(entry.getValue(), generator, depth + 1);
            }
            generator.writeEndObject();
        } else if (value instanceof List<?> list) {
            generator.writeStartArray();
            for (Object element : list) {
                write(element, generator, depth + 1);
            }
            generator.writeEndArray();
        } else if (value instanceof Object[] array) {
            write(List.of(array), generator, depth);
        } else if (value instanceof CharSequence text) {
            generator.writeString(text.toString());
        } else if (value instanceof Boolean bool) {
            generator.writeBoolean(bool);
        } else if (value instanceof BigDecimal decimal) {
            if (!Double.isFinite(decimal.doubleValue())) {
                throw fail(decimal, "is beyond Float64: " + NUMBERS);
            }
            generator.writeNumber(decimal);
        } else if (value instanceof BigInteger big) {
            if (big.compareTo(INT64_MIN) < 0 || big.compareTo(UINT64_MAX) > 0) {
                throw fail(big, "is beyond Int64 and UInt64: " + NUMBERS);
            }
            generator.writeNumber(big);
        } else if (value instanceof Double || value instanceof Float) {
            double number = ((Number) value).doubleValue();
            if (!Double.isFinite(number)) {
                throw fail(value, "is not a finite number, which JSON cannot hold");
            }
            generator.writeNumber(number);
        } else if (value instanceof Number number) {
            generator.writeNumber(number.longValue());
        } else if (value instanceof byte[] || value.getClass().isArray()) {
            throw notAccepted(value, "JSON values: Maps, Lists, text, numbers, Booleans, null");
        } else {
            generator.writeString(value.toString());
        }
    }

    /** Text must be exactly one JSON object. */
    private void checkObject(Object value, String text) throws ValueConversionException {
        try (JsonParser parser = JSON.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw fail(value, "is not a JSON object");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                throw fail(value, "has text after its JSON object");
            }
        } catch (IOException e) {
            throw fail(value, "is not valid JSON", String.valueOf(e.getMessage()));
        }
    }
}
