package dev.tributary.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.FieldPath;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ServerVersion;
import dev.tributary.core.clickhouse.TableSchema;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schema evolution for JSON records ({@code Pipeline.builder().schemaEvolution(JsonSchemaEvolution.create())}):
 * a top-level key no column covers becomes a column named after it, typed from its value. Each record's
 * top-level keys are read from its bytes (nested values skipped, not built); only a record with a key
 * not seen before is decoded, to type that key's value.
 *
 * <p>What is added and what is not (docs/schema.md, "Schema evolution"): top-level keys only — a new key
 * inside an object that an existing column holds (a Tuple, a Map, a JSON column) changes no column and
 * is handled as that column's encoder handles it (a named Tuple ignores keys it has no element for). A
 * key whose value is null is not added yet (its type is unknown; a later record with a value adds it). A
 * value that has no type here (an object, an empty or mixed array) leaves the key without a column: its
 * values are ignored, as for any field without a column, and a WARN is logged once per key.
 *
 * <p>Not thread-safe: one per pipeline (the pipeline calls it from its thread).
 */
public final class JsonSchemaEvolution implements SchemaEvolution {

    private static final Logger LOG = LoggerFactory.getLogger(JsonSchemaEvolution.class);

    private final JsonFactory factory = new JsonFactory();
    /** Decodes every field (never told of a projection): the values of new keys, as the pipeline's decoder builds them. */
    private final JsonDecoder values = JsonDecoder.create();
    /** Keys that cannot be typed; logged once, then left alone. */
    private final Set<String> untyped = new HashSet<>();

    private JsonSchemaEvolution() {
    }

    public static JsonSchemaEvolution create() {
        return new JsonSchemaEvolution();
    }

    @Override
    public List<NewColumn> newColumns(SourceRecord record, DecodedRecord decoded, TableSchema table, Set<String> covered) {
        byte[] bytes = record.value();
        if (bytes == null || bytes.length == 0) {
            return List.of();
        }
        List<String> unknown = unknownKeys(bytes, covered);
        if (unknown.isEmpty()) {
            return List.of();
        }
        DecodedRecord all;
        try {
            all = values.decodeNow(bytes);
        } catch (DecodeException e) {
            return List.of(); // the mapping reports it (DECODE)
        }
        List<NewColumn> columns = new ArrayList<>(unknown.size());
        for (String key : unknown) {
            Object value = all.field(FieldPath.of(key));
            if (value == null || value == DecodedRecord.MISSING) {
                continue; // a null says nothing of the type: a later record's value does
            }
            ClickHouseType type = typeOf(value, table.serverVersion());
            if (type == null) {
                untyped.add(key);
                LOG.warn("schema evolution: the JSON field '{}' (first value {}) has no column type here (an object, or an"
                        + " empty or mixed array); no column is added for it and its values are ignored; add a column"
                        + " by hand (e.g. String) to keep them", key, describe(value));
                continue;
            }
            columns.add(new NewColumn(key, type));
        }
        return columns;
    }

    /**
     * The top-level keys of the object in {@code bytes} that are neither in {@code covered} nor known to be
     * untyped, and whose value is not null; empty for anything but a readable object (the decoder and the
     * mapping word the refusal of a broken one).
     */
    List<String> unknownKeys(byte[] bytes, Set<String> covered) {
        List<String> unknown = List.of();
        try (JsonParser parser = factory.createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return List.of();
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String key = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value != JsonToken.VALUE_NULL && !covered.contains(key) && !untyped.contains(key)) {
                    if (unknown.isEmpty()) {
                        unknown = new ArrayList<>(2);
                    }
                    if (!unknown.contains(key)) {
                        unknown.add(key);
                    }
                }
                parser.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return unknown;
    }

    /**
     * The column type of a new key from its first non-null value, or null when it has none: scalars
     * Nullable (rows written before the column existed, and records without the key, are NULL there);
     * arrays of one scalar kind {@code Array(T)}. Integers are Int64 (beyond it Float64), other numbers
     * Float64, booleans Bool (UInt8 before 21.12), text String.
     */
    static ClickHouseType typeOf(Object value, ServerVersion server) {
        if (value instanceof List<?> list) {
            ClickHouseType element = null;
            for (Object item : list) {
                ClickHouseType type = item == null || item instanceof List || item instanceof Map ? null : scalar(item, server);
                if (type == null || element != null && !element.equals(type)) {
                    return null; // a null, nested or mixed element: no one element type
                }
                element = type;
            }
            return element == null ? null : new ArrayType(element);
        }
        ClickHouseType scalar = scalar(value, server);
        return scalar == null ? null : new NullableType(scalar);
    }

    private static ClickHouseType scalar(Object value, ServerVersion server) {
        if (value instanceof String) {
            return SimpleType.STRING;
        }
        if (value instanceof Boolean) {
            return server.atLeast(21, 12) ? SimpleType.BOOL : SimpleType.UINT8;
        }
        if (value instanceof Long || value instanceof Integer) {
            return SimpleType.INT64;
        }
        if (value instanceof BigInteger || value instanceof BigDecimal || value instanceof Double) {
            return SimpleType.FLOAT64;
        }
        return null; // an object
    }

    private static String describe(Object value) {
        String text = String.valueOf(value);
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }

    @Override
    public String toString() {
        return "JsonSchemaEvolution";
    }
}
