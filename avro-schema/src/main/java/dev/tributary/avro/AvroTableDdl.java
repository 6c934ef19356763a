package dev.tributary.avro;

import dev.tributary.core.clickhouse.TableDdlBuilder;
import dev.tributary.core.types.ClickHouseType;
import org.apache.avro.Schema;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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
 * <p>A union of several types is a {@code Variant} column, which needs {@link Builder#serverVersion
 * serverVersion} 25.3 or later. A field no column type fits (such a union on an older server,
 * time-millis, ...) is refused by {@link Builder#build()} with the field's path and the reason. Names are back-quoted;
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
    public static final class Builder extends TableDdlBuilder<Builder> {
        private Schema schema;

        private Builder() {
            super("AvroTableDdl");
        }

        /** The Avro record schema whose fields become columns. Required. */
        public Builder schema(Schema schema) {
            this.schema = schema;
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
            checkTarget();
            AvroTypeMapping mapping = new AvroTypeMapping(serverVersion());
            Map<String, ClickHouseType> columns = new LinkedHashMap<>();
            for (Schema.Field field : schema.getFields()) {
                try {
                    columns.put(field.name(), mapping.typeOf(field.schema(), field.name()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("AvroTableDdl: " + e.getMessage() + "; leave the field out of the"
                            + " schema, or create the table yourself without it", e);
                }
            }
            Statement statement = statement(columns, "make the field non-null in the schema");
            return new AvroTableDdl(statement.sql(), statement.columns());
        }
    }
}
