package dev.tributary.avro;

import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.clickhouse.TableColumn;
import dev.tributary.core.clickhouse.TableSchema;
import dev.tributary.core.mapping.DefaultSchemaMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Maps Avro records onto a table's columns, decoding each message's Avro body straight into the
 * row (the fast path: no GenericRecord, no per-message object tree). Use it with
 * {@link AvroConfluentDecoder}:
 *
 * <pre>{@code
 * Pipeline.builder()
 *         .decoder(AvroConfluentDecoder.builder().registryUrl(url).build())
 *         .mapper(AvroSchemaMapper.create())
 *         ...
 * }</pre>
 *
 * <p>Columns are filled like {@link DefaultSchemaMapper} fills them: an override
 * ({@link Builder#columnFromField}, {@link Builder#columnFromVirtual}, {@link Builder#constant}),
 * else a virtual column of the column's name ({@code _offset}, ...), else the record field of that
 * name, or for a name with dots ({@code user.id}) the field at that path through nested records.
 * Fields no column names are skipped unread. A missing field, or a null for a column that is not
 * Nullable, takes the column's DEFAULT when the server takes RowBinaryWithDefaults, else the type's
 * zero value (or, in {@link Builder#strict strict} mode, sends the record to the error table).
 *
 * <p>For each writer schema (each schema id) a reader plan is compiled on its first message: which
 * fields to read, how each is written to its column type, with the range checks of narrowing
 * conversions. A field that cannot go into its column at all — a union other than {@code [null, T]},
 * time-millis, time-micros, local timestamps, duration, a record into a number — makes every
 * message of that schema go to the error table with the reason; a value that does not fit (out of
 * range, an enum symbol the column lacks) sends its message there. Broken bytes are DECODE errors.
 * The Avro-to-ClickHouse type rules are in {@code docs/avro.md}.
 */
public final class AvroSchemaMapper implements SchemaMapper {

    private final Map<String, ColumnOverride> overrides;
    private final boolean strict;

    private sealed interface ColumnOverride permits FromField, FromVirtual, Constant {
    }

    private record FromField(FieldPath path) implements ColumnOverride {
    }

    private record FromVirtual(String name) implements ColumnOverride {
    }

    private record Constant(Object value) implements ColumnOverride {
    }

    private AvroSchemaMapper(Builder builder) {
        this.overrides = Map.copyOf(builder.overrides);
        this.strict = builder.strict;
    }

    /** Maps by name, with no overrides, not strict. */
    public static AvroSchemaMapper create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public MappingPlan plan(TableSchema table, List<VirtualColumn> virtualColumns) {
        Set<String> virtualNames = virtualColumns.stream().map(VirtualColumn::name).collect(Collectors.toSet());
        Set<String> columnNames = table.columns().stream().map(TableColumn::name).collect(Collectors.toSet());
        for (Map.Entry<String, ColumnOverride> entry : overrides.entrySet()) {
            if (!columnNames.contains(entry.getKey())) {
                throw new IllegalArgumentException("AvroSchemaMapper: an override names column '" + entry.getKey() + "', which "
                        + table.qualifiedName() + " does not have (or cannot be inserted: MATERIALIZED, ALIAS and EPHEMERAL"
                        + " columns are computed by the server); columns: " + columnNames);
            }
            if (entry.getValue() instanceof FromVirtual virtual && !virtualNames.contains(virtual.name())) {
                throw new IllegalArgumentException("AvroSchemaMapper: column '" + entry.getKey() + "' is mapped to virtual column '"
                        + virtual.name() + "', which this source does not offer; it offers " + virtualNames);
            }
        }
        ReaderCompiler compiler = new ReaderCompiler(table.serverTimeZone());
        List<AvroMappingPlan.Column> columns = new ArrayList<>();
        List<RowReader.PayloadColumn> payload = new ArrayList<>();
        for (TableColumn column : table.columns()) {
            ColumnOverride override = overrides.get(column.name());
            FieldPath path = null;
            if (override instanceof FromField field) {
                path = field.path();
            } else if (override == null && !virtualNames.contains(column.name())) {
                path = column.name().indexOf('.') > 0 ? FieldPath.parse(column.name()) : FieldPath.of(column.name());
            }
            if (path == null) {
                // A virtual column or a constant: DefaultSchemaMapper's own plan for just this column.
                TableSchema alone = new TableSchema(table.database(), table.table(), List.of(column), table.serverVersion(),
                        table.serverTimeZone(), table.withDefaults());
                columns.add(new AvroMappingPlan.Delegated(planOf(defaultMapper(Map.of(column.name(), override == null
                        ? new FromVirtual(column.name()) : override)), alone, virtualColumns)));
            } else {
                columns.add(new AvroMappingPlan.FromPayload(payload.size(), column, compiler.encoder(column.type()),
                        table.withDefaults(), table.withDefaults() && column.hasDefaultExpression(), strict));
                payload.add(new RowReader.PayloadColumn(column.name(), column.type(), path));
            }
        }
        MappingPlan fallback = planOf(defaultMapper(overrides), table, virtualColumns);
        return new AvroMappingPlan(columns.toArray(AvroMappingPlan.Column[]::new), payload, compiler, fallback);
    }

    /** The delegate's plan; its refusals (a constant that does not fit) are worded as this mapper's. */
    private static MappingPlan planOf(DefaultSchemaMapper mapper, TableSchema table, List<VirtualColumn> virtualColumns) {
        try {
            return mapper.plan(table, virtualColumns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^DefaultSchemaMapper: ", "AvroSchemaMapper: "), e);
        }
    }

    /** A DefaultSchemaMapper with these overrides and this mapper's strictness. */
    private DefaultSchemaMapper defaultMapper(Map<String, ColumnOverride> columns) {
        DefaultSchemaMapper.Builder builder = DefaultSchemaMapper.builder().strict(strict);
        columns.forEach((column, override) -> {
            if (override instanceof FromField field) {
                builder.columnFromField(column, field.path());
            } else if (override instanceof FromVirtual virtual) {
                builder.columnFromVirtual(column, virtual.name());
            } else {
                builder.constant(column, ((Constant) override).value());
            }
        });
        return builder.build();
    }

    @Override
    public String toString() {
        return "AvroSchemaMapper[" + overrides.size() + " overrides" + (strict ? ", strict" : "") + "]";
    }

    /** Overrides for particular columns; every other column is mapped by name. */
    public static final class Builder {
        private final Map<String, ColumnOverride> overrides = new LinkedHashMap<>();
        private boolean strict;

        private Builder() {
        }

        /** {@code column} takes the field at {@code dottedPath}, e.g. {@code "user.id"}. */
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

        /** {@code column} takes the same value in every row (checked against the column's type at start). */
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
                throw new IllegalArgumentException("AvroSchemaMapper: an override needs a column name");
            }
            if (overrides.putIfAbsent(column, override) != null) {
                throw new IllegalArgumentException("AvroSchemaMapper: column '" + column + "' is overridden twice");
            }
            return this;
        }

        public AvroSchemaMapper build() {
            return new AvroSchemaMapper(this);
        }
    }
}
