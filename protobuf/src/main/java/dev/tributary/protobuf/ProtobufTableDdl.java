package dev.tributary.protobuf;

import dev.tributary.core.VirtualColumn;
import dev.tributary.core.clickhouse.Identifiers;
import dev.tributary.core.clickhouse.ServerVersion;
import dev.tributary.core.types.ClickHouseType;
import com.google.protobuf.Descriptors;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code CREATE TABLE} statement made from a Protobuf message type: one column per field, typed
 * as {@code docs/protobuf.md} says, plus any extra columns (e.g. the source's virtual columns).
 * Give it to {@link dev.tributary.core.clickhouse.ClickHouseSink.Builder#createTableIfMissing(String)}.
 *
 * <pre>{@code
 * ProtobufTableDdl ddl = ProtobufTableDdl.builder()
 *         .message(ProtobufSchemas.latest(registry, "orders-value").file().getMessageTypes().get(0))
 *         .table("orders")
 *         .orderBy("id")
 *         .build();
 * }</pre>
 *
 * <p>A field no column type fits (a recursive message, a map before 21.8, ...) is refused by
 * {@link Builder#build()} with the field's path and the reason. Names are back-quoted.
 */
public final class ProtobufTableDdl {

    private final String sql;
    private final Map<String, ClickHouseType> columns;

    private ProtobufTableDdl(String sql, Map<String, ClickHouseType> columns) {
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
        private Descriptors.Descriptor message;
        private boolean oneofsAsVariant;
        private String database;
        private String table;
        private String engine = "MergeTree";
        private List<String> orderBy = List.of();
        private String partitionBy;
        private ServerVersion serverVersion = ServerVersion.parse("24.8");
        private final Map<String, String> extraColumns = new LinkedHashMap<>();

        private Builder() {
        }

        /** The message type whose fields become columns. Required. */
        public Builder message(Descriptors.Descriptor message) {
            this.message = message;
            return this;
        }

        /**
         * Whether each {@code oneof} becomes one Variant column named after it (25.3+) instead of a
         * Nullable column per member (the default, for every server).
         */
        public Builder oneofsAsVariant(boolean asVariant) {
            this.oneofsAsVariant = asVariant;
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
                throw new IllegalArgumentException("ProtobufTableDdl: column '" + name + "' is added twice");
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

        public ProtobufTableDdl build() {
            if (message == null) {
                throw new IllegalArgumentException("ProtobufTableDdl: the message type is not set; call message(...), e.g."
                        + " message(Order.getDescriptor())");
            }
            if (table == null || table.isBlank()) {
                throw new IllegalArgumentException("ProtobufTableDdl: the table is not set; call table(\"events\")");
            }
            if (engine == null || engine.isBlank()) {
                throw new IllegalArgumentException("ProtobufTableDdl: the engine is empty; call engine(\"MergeTree\")");
            }
            ProtobufTypeMapping mapping = new ProtobufTypeMapping(serverVersion);
            Map<String, ClickHouseType> columns = new LinkedHashMap<>();
            for (Descriptors.FieldDescriptor field : message.getFields()) {
                Descriptors.OneofDescriptor oneof = oneofsAsVariant ? field.getRealContainingOneof() : null;
                try {
                    if (oneof != null) {
                        if (oneof.getField(0) == field) { // the oneof's column where its first member is
                            columns.put(oneof.getName(), mapping.oneofType(oneof));
                        }
                        continue;
                    }
                    columns.put(field.getName(), mapping.typeOf(field));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("ProtobufTableDdl: " + e.getMessage() + " (" + message.getFullName()
                            + "); leave the field out, or create the table yourself without it", e);
                }
            }
            extraColumns.forEach((name, type) -> {
                if (columns.putIfAbsent(name, ClickHouseType.parse(type)) != null) {
                    throw new IllegalArgumentException("ProtobufTableDdl: extra column '" + name + "' has the name of a field");
                }
            });
            for (String key : orderBy) {
                ClickHouseType type = columns.get(key);
                if (type == null) {
                    throw new IllegalArgumentException("ProtobufTableDdl: orderBy names '" + key + "', which is no column; columns: "
                            + columns.keySet());
                }
                if (type.isNullable()) {
                    throw new IllegalArgumentException("ProtobufTableDdl: orderBy names '" + key + "', whose type " + type
                            + " is Nullable, which a sorting key cannot be; give the field no presence (no optional, oneof or wrapper)");
                }
            }
            return new ProtobufTableDdl(sql(columns), columns);
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
