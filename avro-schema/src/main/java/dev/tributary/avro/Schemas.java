package dev.tributary.avro;

import org.apache.avro.LogicalType;
import org.apache.avro.Schema;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/** Questions about Avro schemas that the decoder, the mapper and the DDL generator share. */
final class Schemas {

    private Schemas() {
    }

    /** The index of the null branch of a union of null and one other type, or -1 for any other schema. */
    static int nullBranch(Schema schema) {
        if (schema.getType() != Schema.Type.UNION) {
            return -1;
        }
        List<Schema> types = schema.getTypes();
        if (types.size() != 2) {
            return -1;
        }
        if (types.get(0).getType() == Schema.Type.NULL && types.get(1).getType() != Schema.Type.NULL) {
            return 0;
        }
        if (types.get(1).getType() == Schema.Type.NULL && types.get(0).getType() != Schema.Type.NULL) {
            return 1;
        }
        return -1;
    }

    /** The non-null branch of {@code [null, T]}, or the schema itself. */
    static Schema nonNull(Schema schema) {
        int nullBranch = nullBranch(schema);
        return nullBranch < 0 ? schema : schema.getTypes().get(1 - nullBranch);
    }

    /** The logical type's name, or null. */
    static String logicalName(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        return logical == null ? null : logical.getName();
    }

    /**
     * Why values of {@code schema}'s logical type cannot be mapped, or null when they can: the
     * managed service refuses time-of-day, local timestamps and durations, and so does Tributary.
     */
    static String unsupportedLogicalType(Schema schema) {
        String name = logicalName(schema);
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "time-millis", "time-micros" -> "Avro logical type " + name
                    + " (a time of day) is not supported; ClickHouse has no matching type before 25.6";
            case "local-timestamp-millis", "local-timestamp-micros", "local-timestamp-nanos" -> "Avro logical type " + name
                    + " (a timestamp without a time zone) is not supported; use timestamp-millis/micros (UTC)";
            case "duration" -> "Avro logical type duration is not supported; ClickHouse has no matching type";
            default -> null;
        };
    }

    /** A short description for messages: {@code long}, {@code long (timestamp-millis)}, {@code record Event}. */
    static String describe(Schema schema) {
        String logical = logicalName(schema);
        String base = switch (schema.getType()) {
            case RECORD, ENUM, FIXED -> schema.getType().getName() + " " + schema.getName();
            case UNION -> "union " + schema.getTypes().stream().map(Schemas::describe).toList();
            case ARRAY -> "array<" + describe(schema.getElementType()) + ">";
            case MAP -> "map<" + describe(schema.getValueType()) + ">";
            default -> schema.getType().getName();
        };
        return logical == null ? base : base + " (" + logical + ")";
    }

    /** Whether a value of {@code schema} can take no bytes at all (null, a record of such fields, fixed(0)). */
    static boolean mayBeEmpty(Schema schema) {
        return mayBeEmpty(schema, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private static boolean mayBeEmpty(Schema schema, Set<Schema> visiting) {
        return switch (schema.getType()) {
            case NULL -> true;
            case FIXED -> schema.getFixedSize() == 0;
            case RECORD -> visiting.add(schema)
                    && schema.getFields().stream().allMatch(field -> mayBeEmpty(field.schema(), visiting));
            default -> false;
        };
    }
}
