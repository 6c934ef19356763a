package dev.tributary.protobuf;

import dev.tributary.core.clickhouse.TableDdlBuilder;
import dev.tributary.core.types.ClickHouseType;
import com.google.protobuf.Descriptors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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
    public static final class Builder extends TableDdlBuilder<Builder> {
        private Descriptors.Descriptor message;
        private boolean oneofsAsVariant;

        private Builder() {
            super("ProtobufTableDdl");
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

        public ProtobufTableDdl build() {
            if (message == null) {
                throw new IllegalArgumentException("ProtobufTableDdl: the message type is not set; call message(...), e.g."
                        + " message(Order.getDescriptor())");
            }
            checkTarget();
            ProtobufTypeMapping mapping = new ProtobufTypeMapping(serverVersion());
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
            Statement statement = statement(columns, "give the field no presence (no optional, oneof or wrapper)");
            return new ProtobufTableDdl(statement.sql(), statement.columns());
        }
    }
}
