package dev.tributary.core.internal;

import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.mapping.DefaultSchemaMapper.ColumnOverride;
import dev.tributary.core.mapping.DefaultSchemaMapper.FromField;
import dev.tributary.core.mapping.DefaultSchemaMapper.FromVirtual;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where each column of a table comes from for a mapper that reads values straight from a message's bytes
 * (Avro's, Protobuf's), by {@link DefaultSchemaMapper}'s rules: a field of the payload (an override's path,
 * else the column's name, dotted for a nested field), or, for a virtual column or a constant,
 * {@link DefaultSchemaMapper}'s own plan for that one column.
 */
public final class FastPathColumns {

    private FastPathColumns() {
    }

    /**
     * One column and where it comes from: {@code path} is the payload field it is read from, or null when
     * {@code delegate} writes it.
     */
    public record Source(TableColumn column, FieldPath path, MappingPlan delegate) {
    }

    /**
     * The slow path's plan for the whole table, made first since it checks every override against the table
     * and the source; refusals are worded as {@code mapper}'s (e.g. "AvroSchemaMapper: ...").
     */
    public static MappingPlan fallback(String mapper, DefaultSchemaMapper rules, TableSchema table,
                                       List<VirtualColumn> virtualColumns) {
        try {
            return rules.plan(table, virtualColumns);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^DefaultSchemaMapper: ", mapper + ": "), e);
        }
    }

    /** Each column of {@code table}, in table order, with where it comes from. */
    public static List<Source> sources(String mapper, DefaultSchemaMapper rules, TableSchema table,
                                       List<VirtualColumn> virtualColumns) {
        Set<String> virtualNames = virtualColumns.stream().map(VirtualColumn::name).collect(Collectors.toSet());
        List<Source> sources = new ArrayList<>();
        for (TableColumn column : table.columns()) {
            ColumnOverride override = rules.overrides().get(column.name());
            FieldPath path = null;
            if (override instanceof FromField field) {
                path = field.path();
            } else if (override == null && !virtualNames.contains(column.name())) {
                path = column.name().indexOf('.') > 0 ? FieldPath.parse(column.name()) : FieldPath.of(column.name());
            }
            if (path != null) {
                sources.add(new Source(column, path, null));
                continue;
            }
            TableSchema alone = new TableSchema(table.database(), table.table(), List.of(column), table.serverVersion(),
                    table.serverTimeZone(), table.withDefaults());
            DefaultSchemaMapper one = rules.withOverrides(Map.of(column.name(),
                    override == null ? new FromVirtual(column.name()) : override));
            sources.add(new Source(column, null, fallback(mapper, one, alone, virtualColumns)));
        }
        return sources;
    }
}
