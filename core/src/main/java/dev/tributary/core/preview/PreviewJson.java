package dev.tributary.core.preview;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tributary.core.internal.Utf8;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/**
 * Prints {@link PreviewRecord}s as JSON, one object per record and per line:
 *
 * <pre>{@code
 * {"position":"events/0@41","timestamp":"2026-11-28T16:40:00.123Z","decoded":{"id":7,"kind":"push"},
 *  "key":"user-7","value":"{\"id\":7,\"kind\":\"push\"}","virtual_columns":{"_partition":0,"_offset":41}}
 * }</pre>
 *
 * {@code decoded} is the decoded tree, or {@code decode_error} says why the record did not decode
 * (neither when the decoder shows no tree). Bytes, raw ({@code key}, {@code value}) or inside a
 * value, are printed as a string when they are valid UTF-8, else as {@code {"base64": "..."}}; a
 * JSON string is always text. Integers and decimals are printed exactly; a float that is not
 * finite, times, UUIDs and anything else as their text.
 */
public final class PreviewJson {

    private static final JsonFactory FACTORY = new JsonFactory();

    private PreviewJson() {
    }

    /** One record as one line of JSON (no line break). */
    public static String toJson(PreviewRecord record) {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            write(record, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not from a StringWriter
        }
        return out.toString();
    }

    /** The records as JSON lines, each ended by {@code \n}. */
    public static void writeLines(Iterable<PreviewRecord> records, Writer out) throws IOException {
        for (PreviewRecord record : records) {
            out.write(toJson(record));
            out.write('\n');
        }
        out.flush();
    }

    private static void write(PreviewRecord record, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("position", String.valueOf(record.position()));
        json.writeStringField("timestamp", Instant.ofEpochMilli(record.timestampMillis()).toString());
        if (record.decodeError() != null) {
            json.writeStringField("decode_error", record.decodeError());
        } else if (record.decoded() != null) {
            json.writeFieldName("decoded");
            writeValue(record.decoded(), json);
        }
        json.writeFieldName("key");
        writeValue(record.key(), json);
        json.writeFieldName("value");
        writeValue(record.value(), json);
        json.writeFieldName("virtual_columns");
        writeValue(record.virtualColumns(), json);
        json.writeEndObject();
    }

    private static void writeValue(Object value, JsonGenerator json) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof CharSequence text) {
            json.writeString(text.toString());
        } else if (value instanceof Boolean bool) {
            json.writeBoolean(bool);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof BigInteger big) {
            json.writeNumber(big);
        } else if (value instanceof BigDecimal decimal) {
            json.writeNumber(decimal);
        } else if (value instanceof Float number) {
            if (Float.isFinite(number)) {
                json.writeNumber(number); // as the float prints, not widened (0.1, not 0.10000000149011612)
            } else {
                json.writeString(number.toString()); // NaN, Infinity: not JSON numbers
            }
        } else if (value instanceof Double number) {
            if (Double.isFinite(number)) {
                json.writeNumber(number);
            } else {
                json.writeString(number.toString());
            }
        } else if (value instanceof byte[] bytes) {
            writeBytes(bytes, json);
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                json.writeFieldName(String.valueOf(entry.getKey()));
                writeValue(entry.getValue(), json);
            }
            json.writeEndObject();
        } else if (value instanceof Collection<?> collection) {
            json.writeStartArray();
            for (Object element : collection) {
                writeValue(element, json);
            }
            json.writeEndArray();
        } else if (value instanceof Object[] array) {
            json.writeStartArray();
            for (Object element : array) {
                writeValue(element, json);
            }
            json.writeEndArray();
        } else {
            json.writeString(value.toString()); // java.time values, UUID, other numbers
        }
    }

    private static void writeBytes(byte[] bytes, JsonGenerator json) throws IOException {
        if (Utf8.firstInvalidByte(bytes) < 0) {
            json.writeString(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        } else {
            json.writeStartObject();
            json.writeStringField("base64", Base64.getEncoder().encodeToString(bytes));
            json.writeEndObject();
        }
    }
}
