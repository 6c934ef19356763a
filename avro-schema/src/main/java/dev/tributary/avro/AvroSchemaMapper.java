package dev.tributary.avro;

import dev.tributary.core.MappingPlan;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.FastPathColumns;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
 * ({@link DefaultSchemaMapper.Builder#columnFromField}, {@code columnFromVirtual}, {@code constant}, given with {@link #of}),
 * else a virtual column of the column's name ({@code _offset}, ...), else the record field of that
 * name, or for a name with dots ({@code user.id}) the field at that path through nested records.
 * Fields no column names are skipped unread. A missing field, or a null for a column that is not
 * Nullable, takes the column's DEFAULT when the server takes RowBinaryWithDefaults, else the type's
 * zero value (or, in {@link DefaultSchemaMapper.Builder#strict strict} mode, sends the record to the error table).
 *
 * <p>For each writer schema (each schema id) a reader plan is compiled on its first message: which
 * fields to read, how each is written to its column type, with the range checks of narrowing
 * conversions; a union's branch goes into its variant of a Variant column. A field that cannot go
 * into its column at all — a union branch the column has no variant for (or cannot convert), time-millis, time-micros, local timestamps, duration, a record into a number — makes every
 * message of that schema go to the error table with the reason; a value that does not fit (out of
 * range, an enum symbol the column lacks) sends its message there. Broken bytes are DECODE errors.
 * The Avro-to-ClickHouse type rules are in {@code docs/avro.md}.
 */
public final class AvroSchemaMapper implements SchemaMapper {

    /** The column rules (overrides, strictness), shared with the slow path. */
    private final DefaultSchemaMapper rules;

    private AvroSchemaMapper(DefaultSchemaMapper rules) {
        this.rules = rules;
    }

    /** Maps by name, with no overrides, not strict. */
    public static AvroSchemaMapper create() {
        return of(DefaultSchemaMapper.create());
    }

    /**
     * The fast path with the column rules of {@code rules}: its overrides
     * ({@link DefaultSchemaMapper.Builder#columnFromField}, {@code columnFromVirtual}, {@code constant})
     * and its strictness, e.g. {@code AvroSchemaMapper.of(DefaultSchemaMapper.builder().strict(true).build())}.
     */
    public static AvroSchemaMapper of(DefaultSchemaMapper rules) {
        return new AvroSchemaMapper(Objects.requireNonNull(rules, "rules"));
    }

    @Override
    public MappingPlan plan(TableSchema table, List<VirtualColumn> virtualColumns) {
        MappingPlan fallback = FastPathColumns.fallback("AvroSchemaMapper", rules, table, virtualColumns);
        ReaderCompiler compiler = new ReaderCompiler(table.serverTimeZone(), table.serverVersion());
        List<AvroMappingPlan.Column> columns = new ArrayList<>();
        List<RowReader.PayloadColumn> payload = new ArrayList<>();
        for (FastPathColumns.Source source : FastPathColumns.sources("AvroSchemaMapper", rules, table, virtualColumns)) {
            TableColumn column = source.column();
            if (source.path() == null) {
                columns.add(new AvroMappingPlan.Delegated(source.delegate()));
            } else {
                columns.add(new AvroMappingPlan.FromPayload(payload.size(), column, compiler.encoder(column.type()),
                        table.withDefaults(), table.withDefaults() && column.hasDefaultExpression(), rules.strict()));
                payload.add(new RowReader.PayloadColumn(column.name(), column.type(), source.path()));
            }
        }
        return new AvroMappingPlan(columns.toArray(AvroMappingPlan.Column[]::new), payload, compiler, fallback);
    }

    @Override
    public String toString() {
        return "AvroSchemaMapper[" + rules.overrides().size() + " overrides" + (rules.strict() ? ", strict" : "") + "]";
    }
}
