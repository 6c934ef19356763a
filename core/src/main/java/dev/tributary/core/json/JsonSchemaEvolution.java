package dev.tributary.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.inference.InferredType;
import dev.tributary.core.inference.TypeInference;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.TupleType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
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
 * is handled as that column's encoder handles it (a named Tuple ignores keys it has no element for). Types
 * are the inference rules' ({@link TypeInference}) for the first non-null value, see {@link #typeOf}. A
 * key whose value is null is not added yet (its type is unknown; a later record with a value adds it). A
 * value the rules leave out (e.g. only empty objects, an array of objects on 18.16) leaves the key
 * without a column: its values are ignored, as for any field without a column, and a WARN is logged once
 * per key.
 *
 * <p>Not thread-safe: one per pipeline (the pipeline calls it from its thread).
 */
public final class JsonSchemaEvolution implements SchemaEvolution {

    private static final Logger LOG = LoggerFactory.getLogger(JsonSchemaEvolution.class);

    private final JsonFactory factory = new JsonFactory();
    /**
     * Decodes every field (never told of a projection): the values of new keys, as the pipeline's decoder builds
     * them; at the highest nesting limit a decoder takes, so that no record the pipeline's decoder reads is refused here.
     */
    private final JsonDecoder values = JsonDecoder.builder().maxNestingDepth(1000).build();
    /** Keys that cannot be typed; logged once, then left alone. */
    private final Set<String> untyped = new HashSet<>();
    /** The inference rules for the server of the last table asked about. */
    private TypeInference inference;

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
        Map<String, Object> all;
        try {
            all = values.decodeObject(bytes);
        } catch (DecodeException e) {
            return List.of(); // the mapping reports it (DECODE)
        }
        List<NewColumn> columns = new ArrayList<>(unknown.size());
        for (String key : unknown) {
            Object value = all.get(key);
            if (value == null) {
                continue; // a null says nothing of the type: a later record's value does
            }
            InferredType type = typeOf(value, table.serverVersion());
            if (!type.isTyped()) {
                untyped.add(key);
                LOG.warn("schema evolution: the JSON field '{}' has no column type on ClickHouse {} ({}); no column is"
                        + " added for it and its values are ignored; add a column by hand to keep them", key,
                        table.serverVersion(), type.reason());
                continue;
            }
            columns.add(new NewColumn(key, type.type()));
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
                if (value != JsonToken.VALUE_NULL && !key.isEmpty() && !covered.contains(key) && !untyped.contains(key)) {
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
     * The column type of a new key from its first non-null value, by the inference rules
     * ({@link TypeInference}, docs/schema.md) with two choices of their own, since one value is no sample:
     * the value is typed as if a null had been seen too (scalars Nullable: rows written before the column
     * existed, and records without the key, have no value), and integers are 64 bits wide and signed
     * ({@code Int64}; {@code UInt64} only for a first value beyond Int64) instead of sized to the value.
     */
    InferredType typeOf(Object value, ServerVersion server) {
        if (inference == null || !inference.serverVersion().equals(server)) {
            // Headroom 64: an integer is never sized to the one value seen (UInt64/Int64; UInt64 made signed below).
            inference = TypeInference.builder().serverVersion(server).integerHeadroomBits(64).build();
        }
        InferredType inferred = inference.typeOf(Arrays.asList(value, null));
        if (!inferred.isTyped() || value instanceof BigInteger big && big.bitLength() > 63) {
            return inferred;
        }
        return new InferredType(signed(inferred.type()), inferred.reason());
    }

    /** {@code type} with every UInt64 made Int64: a later negative value fits, one beyond 2^63 would not. */
    static ClickHouseType signed(ClickHouseType type) {
        if (type == SimpleType.UINT64) {
            return SimpleType.INT64;
        }
        if (type instanceof NullableType nullable) {
            return new NullableType(signed(nullable.element()));
        }
        if (type instanceof ArrayType array) {
            return new ArrayType(signed(array.element()));
        }
        if (type instanceof LowCardinalityType low) {
            return new LowCardinalityType(signed(low.element()));
        }
        if (type instanceof MapType map) {
            return new MapType(map.key(), signed(map.value()));
        }
        if (type instanceof TupleType tuple) {
            return new TupleType(tuple.names(), tuple.types().stream().map(JsonSchemaEvolution::signed).toList());
        }
        return type;
    }

    @Override
    public String toString() {
        return "JsonSchemaEvolution";
    }
}
