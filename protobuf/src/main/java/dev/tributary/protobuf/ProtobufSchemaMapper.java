package dev.tributary.protobuf;

import dev.tributary.core.MappingPlan;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.FastPathColumns;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.ColumnEncoders;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maps Protobuf messages onto a table's columns, reading each message's body straight into the
 * row (the fast path: no DynamicMessage for scalar fields, no per-message object tree). Use it
 * with {@link ProtobufConfluentDecoder}:
 *
 * <pre>{@code
 * Pipeline.builder()
 *         .decoder(ProtobufConfluentDecoder.builder().registryUrl(url).build())
 *         .mapper(ProtobufSchemaMapper.create())
 *         ...
 * }</pre>
 *
 * <p>Columns are filled like {@link DefaultSchemaMapper} fills them: an override
 * ({@link DefaultSchemaMapper.Builder#columnFromField}, {@code columnFromVirtual}, {@code constant}, given with {@link #of}),
 * else a virtual column of the column's name ({@code _offset}, ...), else the message field of that
 * name (or number), or for a name with dots ({@code customer.id}) the field at that path through
 * nested messages. Fields no column names, and unknown fields, are skipped unread. A field the
 * message type does not declare is missing: the column's DEFAULT under RowBinaryWithDefaults, else
 * the type's zero value (or, in strict mode, the error table); absent fields follow Protobuf's
 * presence rules ({@link MessageReader}).
 *
 * <p>For each message type (per schema id) a reader plan is compiled on its first message. A
 * field that cannot go into its column at all (a message into a number, a repeated field into a
 * scalar) makes every message of that type go to the error table with the reason; a value that
 * does not fit (out of range, an enum name the column lacks) sends its message there. Broken bytes
 * are DECODE errors. The Protobuf-to-ClickHouse rules are in {@code docs/protobuf.md}.
 */
public final class ProtobufSchemaMapper implements SchemaMapper {

    /** The column rules (overrides, strictness), shared with the slow path. */
    private final DefaultSchemaMapper rules;

    private ProtobufSchemaMapper(DefaultSchemaMapper rules) {
        this.rules = rules;
    }

    /** Maps by name, with no overrides, not strict. */
    public static ProtobufSchemaMapper create() {
        return of(DefaultSchemaMapper.create());
    }

    /**
     * The fast path with the column rules of {@code rules}: its overrides
     * ({@link DefaultSchemaMapper.Builder#columnFromField}, {@code columnFromVirtual}, {@code constant})
     * and its strictness, e.g. {@code ProtobufSchemaMapper.of(DefaultSchemaMapper.builder().strict(true).build())}.
     */
    public static ProtobufSchemaMapper of(DefaultSchemaMapper rules) {
        return new ProtobufSchemaMapper(Objects.requireNonNull(rules, "rules"));
    }

    @Override
    public MappingPlan plan(TableSchema table, List<VirtualColumn> virtualColumns) {
        MappingPlan fallback = FastPathColumns.fallback("ProtobufSchemaMapper", rules, table, virtualColumns);
        List<ProtobufMappingPlan.Column> columns = new ArrayList<>();
        List<MessageReader.PayloadColumn> payload = new ArrayList<>();
        for (FastPathColumns.Source source : FastPathColumns.sources("ProtobufSchemaMapper", rules, table, virtualColumns)) {
            TableColumn column = source.column();
            if (source.path() == null) {
                columns.add(new ProtobufMappingPlan.Delegated(source.delegate()));
            } else {
                columns.add(new ProtobufMappingPlan.FromPayload(payload.size(), column, ColumnEncoders.forType(column.type(), table.serverTimeZone()),
                        table.withDefaults(), table.withDefaults() && column.hasDefaultExpression(), rules.strict()));
                payload.add(new MessageReader.PayloadColumn(column.name(), column.type(), source.path()));
            }
        }
        return new ProtobufMappingPlan(columns.toArray(ProtobufMappingPlan.Column[]::new), payload, table.serverTimeZone(), fallback);
    }

    @Override
    public String toString() {
        return "ProtobufSchemaMapper[" + rules.overrides().size() + " overrides" + (rules.strict() ? ", strict" : "") + "]";
    }
}
