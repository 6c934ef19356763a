package dev.tributary.core.mapping;

import dev.tributary.core.DecodedRecord;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.FieldDecodeException;
import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.json.RawJsonFields;
import dev.tributary.core.json.RawJsonRecord;
import dev.tributary.core.rowbinary.ColumnEncoder;
import dev.tributary.core.rowbinary.ColumnEncoders;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ValueConversionException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps decoded fields onto table columns:
 * <ol>
 *   <li>an explicit override for the column ({@link Builder#columnFromField},
 *       {@link Builder#columnFromVirtual}, {@link Builder#constant});</li>
 *   <li>else a virtual column of the same name ({@code _offset}, {@code _key}, ...);</li>
 *   <li>else the top-level field of the same name, or, for a column name with dots
 *       ({@code actor.login}), the nested field at that path.</li>
 * </ol>
 * A value that is missing, or null for a column that is not Nullable, takes the column's DEFAULT
 * when the table has one and the server takes RowBinaryWithDefaults; otherwise the type's zero
 * value — or, with {@link Builder#strict(boolean)}, the record goes to the error table.
 *
 * <p>With a {@link JsonDecoder}, records come raw ({@link RawJsonRecord}) and the plan reads them
 * straight from their bytes into the row ({@code JsonRowPlan}): the same rows and errors as
 * decoded records give, without a String or boxed number per value.
 */
public final class DefaultSchemaMapper implements SchemaMapper {

    private final Map<String, ColumnOverride> overrides;
    private final boolean strict;

    private DefaultSchemaMapper(Map<String, ColumnOverride> overrides, boolean strict) {
        this.overrides = Map.copyOf(overrides);
        this.strict = strict;
    }

    /** The overrides, by column name. */
    public Map<String, ColumnOverride> overrides() {
        return overrides;
    }

    /** Whether a missing or null value without DEFAULT is an error rather than the zero value. */
    public boolean strict() {
        return strict;
    }

    /** A mapper with the same strictness and only {@code only} as its overrides. */
    public DefaultSchemaMapper withOverrides(Map<String, ColumnOverride> only) {
        return new DefaultSchemaMapper(only, strict);
    }

    /** Maps by name, with no overrides, not strict. */
    public static DefaultSchemaMapper create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public MappingPlan plan(TableSchema table, List<VirtualColumn> virtualColumns) {
        Set<String> virtualNames = virtualColumns.stream().map(VirtualColumn::name).collect(Collectors.toSet());
        Map<String, TableColumn> byName = new LinkedHashMap<>();
        table.columns().forEach(column -> byName.put(column.name(), column));
        for (String column : overrides.keySet()) {
            if (!byName.containsKey(column)) {
                throw new IllegalArgumentException("DefaultSchemaMapper: an override names column '" + column
                        + "', which " + table.qualifiedName() + " does not have (or cannot be inserted: MATERIALIZED"
                        + " and ALIAS columns are computed by the server); columns: " + byName.keySet());
            }
        }
        List<ColumnPlan> columns = new ArrayList<>();
        Set<FieldPath> fieldsRead = new java.util.HashSet<>();
        // The JSON fast path: per column its field slots (exact path, then the dotted one) and direct writer.
        List<FieldPath> slotPaths = new ArrayList<>();
        List<JsonRowPlan.Column> jsonColumns = new ArrayList<>();
        for (TableColumn column : table.columns()) {
            int slot = -1;
            int dottedSlot = -1;
            ColumnEncoder encoder = ColumnEncoders.forType(column.type(), table.serverTimeZone());
            ColumnOverride override = overrides.get(column.name());
            ValueSource source;
            if (override instanceof FromVirtual virtual) {
                if (!virtualNames.contains(virtual.name())) {
                    throw new IllegalArgumentException("DefaultSchemaMapper: column '" + column.name()
                            + "' is mapped to virtual column '" + virtual.name() + "', which this source does not offer;"
                            + " it offers " + virtualNames);
                }
                source = (decoded, record) -> record.virtualColumn(virtual.name());
            } else if (override instanceof FromField field) {
                fieldsRead.add(field.path());
                slot = slotOf(slotPaths, field.path());
                source = (decoded, record) -> decoded.field(field.path());
            } else if (override instanceof Constant constant) {
                RowBinaryOutput bytes = new RowBinaryOutput(64);
                try {
                    encoder.encode(constant.value(), bytes);
                } catch (ValueConversionException e) {
                    throw new IllegalArgumentException("DefaultSchemaMapper: the constant for column '" + column.name()
                            + "' does not fit its type " + column.type() + ": " + e.getMessage(), e);
                }
                Object value = constant.value();
                source = (decoded, record) -> value;
            } else if (virtualNames.contains(column.name())) {
                String name = column.name();
                source = (decoded, record) -> record.virtualColumn(name);
            } else {
                FieldPath exact = FieldPath.of(column.name());
                FieldPath dotted = column.name().indexOf('.') > 0 ? FieldPath.parse(column.name()) : null;
                fieldsRead.add(exact);
                slot = slotOf(slotPaths, exact);
                if (dotted != null) {
                    fieldsRead.add(dotted);
                    dottedSlot = slotOf(slotPaths, dotted);
                }
                source = dotted == null
                        ? (decoded, record) -> decoded.field(exact)
                        : (decoded, record) -> {
                            Object value = decoded.field(exact);
                            return value == DecodedRecord.MISSING ? decoded.field(dotted) : value;
                        };
            }
            ColumnPlan columnPlan = new ColumnPlan(column, encoder, source, table.withDefaults(),
                    table.withDefaults() && column.hasDefaultExpression(), strict);
            columns.add(columnPlan);
            jsonColumns.add(new JsonRowPlan.Column(columnPlan, slot, dottedSlot,
                    slot < 0 ? null : JsonValueWriters.forType(column.type(), table.serverTimeZone()), table.withDefaults()));
        }
        Plan plan = new Plan(columns.toArray(ColumnPlan[]::new), Set.copyOf(fieldsRead), null);
        JsonRowPlan json = JsonRowPlan.create(jsonColumns, slotPaths, plan);
        return json == null ? plan : new Plan(plan.columns(), new RawJsonFields(fieldsRead), json);
    }

    private static int slotOf(List<FieldPath> slotPaths, FieldPath path) {
        int slot = slotPaths.indexOf(path);
        if (slot < 0) {
            slot = slotPaths.size();
            slotPaths.add(path);
        }
        return slot;
    }

    @FunctionalInterface
    private interface ValueSource {
        Object get(DecodedRecord decoded, SourceRecord record);
    }

    /** How one column gets its bytes. */
    static final class ColumnPlan {
        private final String name;
        private final ColumnEncoder encoder;
        private final ValueSource source;
        private final boolean withDefaultsFormat;
        private final boolean useServerDefault;
        private final boolean nullable;
        private final boolean strict;
        private final String typeText;

        ColumnPlan(TableColumn column, ColumnEncoder encoder, ValueSource source, boolean withDefaultsFormat,
                   boolean useServerDefault, boolean strict) {
            this.name = column.name();
            this.encoder = encoder;
            this.source = source;
            this.withDefaultsFormat = withDefaultsFormat;
            this.useServerDefault = useServerDefault;
            this.nullable = column.type().isNullable();
            this.strict = strict;
            this.typeText = column.type().toString();
        }

        void write(DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException {
            Object value;
            try {
                value = source.get(decoded, record);
            } catch (FieldDecodeException e) {
                throw new MappingException(null, e.getMessage(), e, ErrorKind.DECODE);
            }
            write(value, out);
        }

        /** Writes {@code value} (a value, null, or {@link DecodedRecord#MISSING}). */
        void write(Object value, RowBinaryOutput out) throws MappingException {
            boolean missing = value == DecodedRecord.MISSING;
            if (missing || (value == null && !nullable)) {
                if (useServerDefault) {
                    out.writeByte(1); // RowBinaryWithDefaults: "use the column's DEFAULT"
                    return;
                }
                if (missing && nullable) {
                    value = null; // a missing value of a Nullable column without DEFAULT is NULL
                } else {
                    if (strict) {
                        throw new MappingException(name, (missing ? "missing" : "null") + " value for " + typeText
                                + " column without a DEFAULT (strict mode)");
                    }
                    if (withDefaultsFormat) {
                        out.writeByte(0);
                    }
                    encoder.encodeZero(out);
                    return;
                }
            }
            if (withDefaultsFormat) {
                out.writeByte(0);
            }
            try {
                encoder.encode(value, out);
            } catch (ValueConversionException e) {
                throw new MappingException(name, e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new MappingException(name, "cannot convert " + describe(value) + " to " + typeText + ": " + e, e);
            }
        }

        private static String describe(Object value) {
            String text = String.valueOf(value);
            return text.length() > 100 ? text.substring(0, 100) + "…" : text;
        }
    }

    /**
     * The plan; with {@code json}, records a {@link JsonDecoder} left raw are read straight from their
     * bytes. Not thread-safe (the JSON reader's state), as plans need not be.
     */
    private record Plan(ColumnPlan[] columns, Set<FieldPath> fieldsRead, JsonRowPlan json) implements MappingPlan {
        @Override
        public void writeRow(DecodedRecord decoded, SourceRecord record, RowBinaryOutput out) throws MappingException {
            if (decoded instanceof RawJsonRecord raw) {
                if (json != null) {
                    json.writeRow(raw, record, out);
                } else {
                    writeRow(JsonRowPlan.decode(raw), record, out);
                }
                return;
            }
            for (ColumnPlan column : columns) {
                column.write(decoded, record, out);
            }
        }
    }

    /** Where an overridden column takes its value from. */
    public sealed interface ColumnOverride permits FromField, FromVirtual, Constant {
    }

    /** The field at a path. */
    public record FromField(FieldPath path) implements ColumnOverride {
    }

    /** A virtual column of the source. */
    public record FromVirtual(String name) implements ColumnOverride {
    }

    /** The same value in every row. */
    public record Constant(Object value) implements ColumnOverride {
    }

    /** Overrides for particular columns; every other column is mapped by name. */
    public static final class Builder {
        private final Map<String, ColumnOverride> overrides = new LinkedHashMap<>();
        private boolean strict;

        private Builder() {
        }

        /** {@code column} takes the field at {@code dottedPath}, e.g. {@code "actor.login"}. */
        public Builder columnFromField(String column, String dottedPath) {
            return put(column, new FromField(FieldPath.parse(dottedPath)));
        }

        /** {@code column} takes the field at {@code path}. */
        public Builder columnFromField(String column, FieldPath path) {
            return put(column, new FromField(Objects.requireNonNull(path, "path")));
        }

        /** {@code column} takes the source's virtual column {@code virtualColumn}, e.g. {@code _offset}. */
        public Builder columnFromVirtual(String column, String virtualColumn) {
            return put(column, new FromVirtual(Objects.requireNonNull(virtualColumn, "virtualColumn")));
        }

        /** {@code column} takes the same value in every row. */
        public Builder constant(String column, Object value) {
            return put(column, new Constant(value));
        }

        /**
         * When true, a missing or null value for a non-Nullable column without DEFAULT sends the
         * record to the error table instead of writing the type's zero value (default false).
         */
        public Builder strict(boolean strict) {
            this.strict = strict;
            return this;
        }

        private Builder put(String column, ColumnOverride override) {
            if (column == null || column.isBlank()) {
                throw new IllegalArgumentException("DefaultSchemaMapper: an override needs a column name");
            }
            if (overrides.putIfAbsent(column, override) != null) {
                throw new IllegalArgumentException("DefaultSchemaMapper: column '" + column + "' is overridden twice");
            }
            return this;
        }

        public DefaultSchemaMapper build() {
            return new DefaultSchemaMapper(overrides, strict);
        }
    }
}
