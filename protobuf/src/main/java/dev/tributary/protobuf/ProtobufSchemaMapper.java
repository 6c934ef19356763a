package dev.tributary.protobuf;

import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.mapping.DefaultSchemaMapper.ColumnOverride;
import dev.tributary.core.mapping.DefaultSchemaMapper.FromField;
import dev.tributary.core.mapping.DefaultSchemaMapper.FromVirtual;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.ColumnEncoders;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

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
        Set<String> virtualNames = virtualColumns.stream().map(VirtualColumn::name).collect(Collectors.toSet());
        // The slow path's plan checks every override against the table and the source first.
        MappingPlan fallback = planOf(rules, table, virtualColumns);
                List<ProtobufMappingPlan.Column> columns = new ArrayList<>();
        List<MessageReader.PayloadColumn> payload = new ArrayList<>();
        for (TableColumn column : table.columns()) {
            ColumnOverride override = rules.overrides().get(column.name());
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
                columns.add(new ProtobufMappingPlan.Delegated(planOf(rules.withOverrides(Map.of(column.name(), override == null
                        ? new FromVirtual(column.name()) : override)), alone, virtualColumns)));
            } else {
                columns.add(new ProtobufMappingPlan.FromPayload(payload.size(), column, ColumnEncoders.forType(column.type(), table.serverTimeZone()),
                        table.withDefaults(), table.withDefaults() && column.hasDefaultExpression(), rules.strict()));
                payload.add(new MessageReader.PayloadColumn(column.name(), column.type(), path));
            }
        }
        return new ProtobufMappingPlan(columns.toArray(ProtobufMappingPlan.Column[]::new), payload, table.serverTimeZone(), fallback);
    }

    /** The delegate's plan; its refusals (a constant that does not fit) are worded as this mapper's. */
    private static MappingPlan planOf(DefaultSchemaMapper mapper, TableSchema table, List<VirtualColumn> virtualColumns) {
        try {
            return mapper.plan(table, virtualColumns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^DefaultSchemaMapper: ", "ProtobufSchemaMapper: "), e);
        }
    }

    @Override
    public String toString() {
        return "ProtobufSchemaMapper[" + rules.overrides().size() + " overrides" + (rules.strict() ? ", strict" : "") + "]";
    }
}
