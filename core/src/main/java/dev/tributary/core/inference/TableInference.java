package dev.tributary.core.inference;

import dev.tributary.core.DecodeException;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.clickhouse.TableDdlBuilder;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.types.ClickHouseType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A table proposed from a sample of JSON records: one column per top-level field, typed by
 * {@link TypeInference}'s rules for the server, the chosen virtual columns of the source, and a
 * sorting key suggestion; the DDL is written by core's {@link TableDdlBuilder} (table, database,
 * engine, ORDER BY/PARTITION BY, server version and extra columns are its settings).
 *
 * <pre>{@code
 * List<SourceRecord> sample = sampler.sample(1000, Duration.ofSeconds(10));
 * TableProposal proposal = TableInference.builder()
 *         .table("events")
 *         .serverVersion(ClickHouseTables.serverVersion(target).text())
 *         .virtualColumns(sampler.virtualColumns(), "_partition", "_offset")
 *         .records(sample)
 *         .build();
 * System.out.println(proposal.describe());   // columns, reasons, the DDL
 * proposal.createIfMissing(target);
 * }</pre>
 *
 * <p>Records are decoded with {@link JsonDecoder}'s rules; a record it refuses (not a JSON
 * object, malformed, a tombstone) is counted in {@link TableProposal#malformed()}, not fatal.
 * Top-level rules beyond the per-field ones: a field missing from some records is not made Nullable
 * for that (a missing field gets the column's DEFAULT, or its zero value, when ingested); only
 * nulls make it Nullable. The sorting key suggestion, unless {@code orderBy(...)} is given: up to
 * two non-Nullable low-cardinality text columns, fewest distinct values first, then the first
 * non-Nullable date or date-time column; none of these: the chosen virtual columns, else
 * {@code tuple()}.
 */
public final class TableInference {

    private TableInference() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The sample and the settings of a proposal; {@link #build()} infers it. */
    public static final class Builder extends TableDdlBuilder<Builder> {
        private static final int MALFORMED_EXAMPLES = 5;

        private final TypeInference.Builder rules = TypeInference.builder();
        private final Map<String, VirtualColumn> virtualColumns = new LinkedHashMap<>();
        private List<byte[]> values;
        private List<SourceRecord> records;
        private boolean orderByGiven;
        private int maxNestingDepth = 100;

        private Builder() {
            super("TableInference");
        }

        /** The sample: records whose values are JSON objects. This or {@link #values}. */
        public Builder records(List<? extends SourceRecord> records) {
            this.records = List.copyOf(records);
            return this;
        }

        /** The sample: JSON objects as bytes (null: a tombstone, counted as malformed). This or {@link #records}. */
        public Builder values(List<byte[]> values) {
            this.values = new ArrayList<>(values);
            return this;
        }

        /**
         * The virtual columns of the source to add, chosen by name from {@code available} (a
         * sampler's or source's {@code virtualColumns()}), with their recommended types.
         */
        public Builder virtualColumns(List<VirtualColumn> available, String... names) {
            for (String name : names) {
                VirtualColumn column = available.stream().filter(c -> c.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("TableInference: the source has no virtual column '"
                                + name + "'; it has " + available.stream().map(VirtualColumn::name).toList()));
                virtualColumns.put(name, column);
                column(column.name(), column.type());
            }
            return this;
        }

        /** {@inheritDoc} Given, it replaces the suggestion. */
        @Override
        public Builder orderBy(String... columns) {
            orderByGiven = true;
            return super.orderBy(columns);
        }

        /** See {@link TypeInference.Builder#lowCardinalityMaxDistinct}. */
        public Builder lowCardinalityMaxDistinct(int maxDistinct) {
            rules.lowCardinalityMaxDistinct(maxDistinct);
            return this;
        }

        /** See {@link TypeInference.Builder#integerHeadroomBits}. */
        public Builder integerHeadroomBits(int bits) {
            rules.integerHeadroomBits(bits);
            return this;
        }

        /** See {@link TypeInference.Builder#maxTupleElements}. */
        public Builder maxTupleElements(int max) {
            rules.maxTupleElements(max);
            return this;
        }

        /** The JSON decoder's nesting limit for the sample (default 100, as the decoder's). */
        public Builder maxNestingDepth(int depth) {
            this.maxNestingDepth = depth;
            return this;
        }

        /** Infers the proposal from the sample. */
        public TableProposal build() {
            if ((values == null) == (records == null)) {
                throw new IllegalArgumentException("TableInference: give the sample once, as records(...) (e.g. a sampler's)"
                        + " or as values(...) (JSON bytes)");
            }
            checkTarget();
            TypeInference inference = rules.serverVersion(serverVersion()).build();
            JsonDecoder decoder = JsonDecoder.builder().maxNestingDepth(maxNestingDepth).build();

            Map<String, FieldProfile> fields = new LinkedHashMap<>();
            int total = values != null ? values.size() : records.size();
            int malformed = 0;
            List<String> examples = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                byte[] value = values != null ? values.get(i) : records.get(i).value();
                try {
                    Map<String, Object> object = decoder.decodeObject(value);
                    object.forEach((name, field) -> fields.computeIfAbsent(name, n -> inference.newProfile()).add(field));
                } catch (DecodeException e) {
                    malformed++;
                    if (examples.size() < MALFORMED_EXAMPLES) {
                        examples.add((records != null ? records.get(i).position() : "record " + i) + ": " + e.getMessage());
                    }
                }
            }
            int decoded = total - malformed;

            Map<String, ClickHouseType> columns = new LinkedHashMap<>();
            Map<String, String> reasons = new LinkedHashMap<>();
            List<SkippedField> skipped = new ArrayList<>();
            fields.forEach((name, profile) -> {
                InferredType type = name.isEmpty() ? InferredType.leftOut("an empty name is no column name")
                        : inference.resolve(profile, TypeInference.Place.COLUMN);
                long missing = decoded - profile.present() - profile.nulls;
                String absence = missing == 0 ? "" : "; missing in " + missing + " of " + decoded
                        + " records (ingested as the column's DEFAULT or zero)";
                if (type.isTyped()) {
                    columns.put(name, type.type());
                    reasons.put(name, type.reason() + absence);
                } else {
                    skipped.add(new SkippedField(name, type.reason()));
                }
            });
            virtualColumns.forEach((name, column) -> {
                if (columns.containsKey(name)) {
                    throw new IllegalArgumentException("TableInference: virtual column '" + name + "' has the name of a field of"
                            + " the sample; leave it out of virtualColumns(...)");
                }
            });

            List<String> suggested = new ArrayList<>();
            String orderByReason;
            if (orderByGiven) {
                orderByReason = "as given";
            } else {
                suggested = suggestOrderBy(fields, columns, inference);
                orderByReason = suggested.isEmpty() ? "no low-cardinality text or date-time column: tuple()"
                        : "low-cardinality text columns first (fewest distinct values first), then a date-time column";
                if (suggested.isEmpty() && !virtualColumns.isEmpty()) {
                    suggested = new ArrayList<>(virtualColumns.keySet());
                    orderByReason = "no low-cardinality text or date-time column: the virtual columns";
                }
                super.orderBy(suggested.toArray(new String[0]));
            }
            Statement statement = statement(columns, "drop the nulls from the sample, or give orderBy(...) another column");
            List<ProposedColumn> proposed = new ArrayList<>();
            statement.columns().forEach((name, type) -> {
                String reason = reasons.containsKey(name) ? reasons.get(name)
                        : virtualColumns.containsKey(name) ? "virtual column: " + virtualColumns.get(name).description()
                        : "added by column(...)";
                proposed.add(new ProposedColumn(name, type, reason));
            });
            return new TableProposal(statement.sql(), proposed, skipped, orderByGiven ? null : suggested, orderByReason,
                    total, malformed, examples, serverVersion(), tableName(), databaseName());
        }

        private static List<String> suggestOrderBy(Map<String, FieldProfile> fields, Map<String, ClickHouseType> columns,
                                                   TypeInference inference) {
            List<String> keys = new ArrayList<>();
            columns.entrySet().stream()
                    .filter(column -> !column.getValue().isNullable() && isText(column.getValue())
                            && inference.lowCardinality(fields.get(column.getKey())))
                    .sorted(Comparator.comparingInt(column -> fields.get(column.getKey()).distinctCount()))
                    .limit(2)
                    .forEach(column -> keys.add(column.getKey()));
            columns.entrySet().stream()
                    .filter(column -> switch (column.getValue().kind()) {
                        case DATETIME, DATETIME64, DATE, DATE32 -> true;
                        default -> false;
                    })
                    .findFirst()
                    .ifPresent(column -> keys.add(column.getKey()));
            return keys;
        }

        private static boolean isText(ClickHouseType type) {
            return type.kind() == ClickHouseType.Kind.STRING || type.kind() == ClickHouseType.Kind.LOW_CARDINALITY
                    && type.toString().equals("LowCardinality(String)");
        }
    }
}
