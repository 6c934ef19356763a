package dev.tributary.core.clickhouse;

import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.Identifiers;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.types.ClickHouseType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What every {@code CREATE TABLE} made from a schema (Avro's, Protobuf's) is set up with — table,
 * database, engine, sorting and partition keys, the server it is for, extra columns — and how the
 * statement is checked and written. A format module's builder extends it and turns its schema's
 * fields into columns ({@link #statement}). Names are back-quoted; nothing is spliced into the
 * statement unquoted but the engine and the PARTITION BY expression, which are configuration, never
 * data.
 *
 * @param <B> the builder itself, so that the setters chain
 */
public abstract class TableDdlBuilder<B extends TableDdlBuilder<B>> {

    private final String owner;
    private String database;
    private String table;
    private String engine = "MergeTree";
    private List<String> orderBy = List.of();
    private String partitionBy;
    private ServerVersion serverVersion = ServerVersion.parse("24.8");
    private final Map<String, String> extraColumns = new LinkedHashMap<>();

    /** {@code owner} names the statement's class in messages, e.g. {@code "AvroTableDdl"}. */
    protected TableDdlBuilder(String owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The table's name. Required. */
    public B table(String table) {
        this.table = table;
        return self();
    }

    /** The database (default: the connection's current database). */
    public B database(String database) {
        this.database = database;
        return self();
    }

    /** The table engine, e.g. {@code ReplacingMergeTree(version)} (default {@code MergeTree}). */
    public B engine(String engine) {
        this.engine = engine;
        return self();
    }

    /** The sorting key's columns (default: none, {@code ORDER BY tuple()}). */
    public B orderBy(String... columns) {
        this.orderBy = List.of(columns);
        return self();
    }

    /** A PARTITION BY expression, e.g. {@code toYYYYMM(ts)} (default: none). */
    public B partitionBy(String expression) {
        this.partitionBy = expression;
        return self();
    }

    /**
     * The server the table is for, e.g. {@code "18.16"}: types it lacks are replaced by the
     * nearest it has (default: a modern server, 24.8).
     */
    public B serverVersion(String version) {
        this.serverVersion = ServerVersion.parse(Objects.requireNonNull(version, "version"));
        return self();
    }

    /** One more column after the fields, e.g. {@code column("_offset", "Int64")}. */
    public B column(String name, String type) {
        ClickHouseType.parse(type); // refuses a type that does not parse
        if (extraColumns.putIfAbsent(Objects.requireNonNull(name, "name"), type) != null) {
            throw new IllegalArgumentException(owner + ": column '" + name + "' is added twice");
        }
        return self();
    }

    /** The source's virtual columns ({@code _topic}, {@code _offset}, ...), with their recommended types. */
    public B virtualColumns(List<VirtualColumn> virtualColumns) {
        for (VirtualColumn column : virtualColumns) {
            column(column.name(), column.type());
        }
        return self();
    }

    /** The server the columns are typed for. */
    protected final ServerVersion serverVersion() {
        return serverVersion;
    }

    /** The table's name as set (null until {@link #table} is called). */
    protected final String tableName() {
        return table;
    }

    /** The database as set (null: the connection's current database). */
    protected final String databaseName() {
        return database;
    }

    /** Refuses a missing table or engine; call before mapping the schema's fields. */
    protected final void checkTarget() {
        if (table == null || table.isBlank()) {
            throw new IllegalArgumentException(owner + ": the table is not set; call table(\"events\")");
        }
        if (engine == null || engine.isBlank()) {
            throw new IllegalArgumentException(owner + ": the engine is empty; call engine(\"MergeTree\")");
        }
    }

    /**
     * The statement for the schema's {@code fieldColumns} (in order) and the extra columns after them,
     * once the sorting key is checked against them; {@code nullableKeyFix} says how to make a field
     * usable in a sorting key in the schema's own terms.
     */
    protected final Statement statement(Map<String, ClickHouseType> fieldColumns, String nullableKeyFix) {
        checkTarget();
        Map<String, ClickHouseType> columns = new LinkedHashMap<>(fieldColumns);
        extraColumns.forEach((name, type) -> {
            if (columns.putIfAbsent(name, ClickHouseType.parse(type)) != null) {
                throw new IllegalArgumentException(owner + ": extra column '" + name + "' has the name of a field");
            }
        });
        for (String key : orderBy) {
            ClickHouseType type = columns.get(key);
            if (type == null) {
                throw new IllegalArgumentException(owner + ": orderBy names '" + key + "', which is no column; columns: "
                        + columns.keySet());
            }
            if (type.kind() == ClickHouseType.Kind.VARIANT) {
                throw new IllegalArgumentException(owner + ": orderBy names '" + key + "', whose type " + type + " is a Variant,"
                        + " which ClickHouse keeps out of sorting keys (code 549); order by other columns");
            }
            if (type.isNullable()) {
                throw new IllegalArgumentException(owner + ": orderBy names '" + key + "', whose type " + type
                        + " is Nullable, which a sorting key cannot be; " + nullableKeyFix);
            }
        }
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
        return new Statement(sql.toString(), Collections.unmodifiableMap(columns));
    }

    /** A checked statement and its columns, in order, with their types. */
    protected record Statement(String sql, Map<String, ClickHouseType> columns) {
    }
}
