package dev.tributary.avro;

import dev.tributary.core.VirtualColumn;
import dev.tributary.core.clickhouse.Identifiers;
import dev.tributary.core.clickhouse.ServerVersion;
import dev.tributary.core.types.ClickHouseType;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code CREATE TABLE} statement made from an Avro record schema: one column per field, typed as
 * {@code docs/avro.md} says (the types the managed service infers), plus any extra columns (e.g.
 * the source's virtual columns). Give it to
 * {@link dev.tributary.core.clickhouse.ClickHouseSink.Builder#createTableIfMissing(String)} to have
 * the table created when it does not exist.
 *
 * <pre>{@code
 * AvroTableDdl ddl = AvroTableDdl.builder()
 *         .schema(registry.latest("events-value").schema())
 *         .table("events")
 *         .orderBy("user_id", "ts")
 *         .build();
 * ClickHouseSink.builder()....table("events").createTableIfMissing(ddl.sql())
 * }</pre>
 *
 * <p>A field no column type fits (a union other than {@code [null, T]}, time-millis, ...) is
 * refused by {@link Builder#build()} with the field's path and the reason. Names are back-quoted;
 * nothing is spliced into the statement unquoted but the engine and the ORDER BY/PARTITION BY
 * expressions, which are configuration, never data.
 */
public final class AvroTableDdl {

    private final String sql;
    private final Map<String, ClickHouseType> columns;

    private AvroTableDdl(String sql, Map<String, ClickHouseType> columns) {
        this.sql = sql;
        this.columns = Collections.unmodifiableMap(columns);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The statement: {@code CREATE TABLE IF NOT EXISTS ...}. */
    public String sql() {
        return sql;
    }

    /** The columns, in order, with their types. */
    public Map<String, ClickHouseType> columns() {
        return columns;
    }

    @Override
    public String toString() {
        return sql;
    }

    /** Settings of the statement; {@link #build()} checks them and names the wrong one. */
    public static final class Builder {
        private Schema schema;
        private String database;
        private String table;
        private String engine = "MergeTree";
        private List<String> orderBy = List.of();
        private String partitionBy;
        private ServerVersion serverVersion = ServerVersion.parse("24.8");
        private final Map<String, String> extraColumns = new LinkedHashMap<>();

        private Builder() {
        }

        /** The Avro record schema whose fields become columns. Required. */
        public Builder schema(Schema schema) {
            this.schema = schema;
            return this;
        }

        /** The table's name. Required. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** The database (default: the connection's current database). */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /** The table engine, e.g. {@code ReplacingMergeTree(version)} (default {@code MergeTree}). */
        public Builder engine(String engine) {
            this.engine = engine;
            return this;
        }

        /** The sorting key's columns (default: none, {@code ORDER BY tuple()}). */
        public Builder orderBy(String... columns) {
            this.orderBy = List.of(columns);
            return this;
        }

        /** A PARTITION BY expression, e.g. {@code toYYYYMM(ts)} (default: none). */
        public Builder partitionBy(String expression) {
            this.partitionBy = expression;
            return this;
        }

        /**
         * The server the table is for, e.g. {@code "18.16"}: types it lacks are replaced by the
         * nearest it has (default: a modern server, 24.8).
         */
        public Builder serverVersion(String version) {
            this.serverVersion = ServerVersion.parse(Objects.requireNonNull(version, "version"));
            return this;
        }

        /** One more column after the fields, e.g. {@code column("_offset", "Int64")}. */
        public Builder column(String name, String type) {
            ClickHouseType.parse(type); // refuses a type that does not parse
            if (extraColumns.putIfAbsent(Objects.requireNonNull(name, "name"), type) != null) {
                throw new IllegalArgumentException("AvroTableDdl: column '" + name + "' is added twice");
            }
            return this;
        }

        /** The source's virtual columns ({@code _topic}, {@code _offset}, ...), with their recommended types. */
        public Builder virtualColumns(List<VirtualColumn> virtualColumns) {
            for (VirtualColumn column : virtualColumns) {
                column(column.name(), column.type());
            }
            return this;
        }

        public AvroTableDdl build() {
            if (schema == null) {
                throw new IllegalArgumentException("AvroTableDdl: the Avro schema is not set; call schema(...), e.g."
                        + " schema(registry.latest(\"events-value\").schema())");
            }
            if (schema.getType() != Schema.Type.RECORD) {
                throw new IllegalArgumentException("AvroTableDdl: the schema is " + Schemas.describe(schema)
                        + ", not a record; columns are made from a record's fields");
            }
            if (table == null || table.isBlank()) {
                throw new IllegalArgumentException("AvroTableDdl: the table is not set; call table(\"events\")");
            }
            if (engine == null || engine.isBlank()) {
                throw new IllegalArgumentException("AvroTableDdl: the engine is empty; call engine(\"MergeTree\")");
            }
            AvroTypeMapping mapping = new AvroTypeMapping(serverVersion);
            Map<String, ClickHouseType> columns = new LinkedHashMap<>();
            for (Schema.Field field : schema.getFields()) {
                try {
                    columns.put(field.name(), mapping.typeOf(field.schema(), field.name()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("AvroTableDdl: " + e.getMessage() + "; leave the field out of the"
                            + " schema, or create the table yourself without it", e);
                }
            }
            extraColumns.forEach((name, type) -> {
                if (columns.putIfAbsent(name, ClickHouseType.parse(type)) != null) {
                    throw new IllegalArgumentException("AvroTableDdl: extra column '" + name + "' has the name of a field");
                }
            });
            for (String key : orderBy) {
                ClickHouseType type = columns.get(key);
                if (type == null) {
                    throw new IllegalArgumentException("AvroTableDdl: orderBy names '" + key + "', which is no column; columns: "
                            + columns.keySet());
                }
                if (type.isNullable()) {
                    throw new IllegalArgumentException("AvroTableDdl: orderBy names '" + key + "', whose type " + type
                            + " is Nullable, which a sorting key cannot be; make the field non-null in the schema");
                }
            }
            return new AvroTableDdl(sql(columns), columns);
        }

        private String sql(Map<String, ClickHouseType> columns) {
            StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ")
                    .append(database == null ? Identifiers.quote(table) : Identifiers.qualified(database, table))
                    .append("\n(\n");
            List<String> lines = new ArrayList<>();
            columns.forEach((name, type) -> lines.add("    " + Identifiers.quote(name) + " " + type));
            sql.append(String.join(",\n", lines)).append("\n)\nENGINE = ").append(engine);
            if (partitionBy != null) {
                sql.append("\nPARTITION BY ").append(partitionBy);
            }
            sql.append("\nORDER BY ");
            if (orderBy.isEmpty()) {
                sql.append("tuple()");
            } else {
                sql.append('(').append(String.join(", ", orderBy.stream().map(Identifiers::quote).toList())).append(')');
            }
            return sql.toString();
        }
    }
}
