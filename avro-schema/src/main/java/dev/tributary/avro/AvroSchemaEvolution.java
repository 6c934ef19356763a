package dev.tributary.avro;

import dev.tributary.core.DecodedRecord;
import dev.tributary.core.SchemaEvolution;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Schema evolution for Avro records ({@code Pipeline.builder().schemaEvolution(AvroSchemaEvolution.create())},
 * with {@link AvroConfluentDecoder}): a top-level field of a new schema version that no column covers
 * becomes a column, typed as {@link AvroTableDdl} types it for the server ({@code AvroTypeMapping}: a
 * {@code [null, T]} union Nullable(T), any other field T; no DEFAULT clause: rows written before get
 * the type's zero or NULL). The fields are those of the schema the record is read as (the reader schema
 * when the decoder has one, else the writer schema), worked out once per writer schema id and mapping.
 *
 * <p>A field the server cannot type (a map before 21.8, a union of several types, time-millis...) gets
 * no column: its values are ignored, as for any field without a column, and a WARN is logged once per
 * field. Rules and limits: docs/schema.md, "Schema evolution". Not thread-safe: one per pipeline.
 */
public final class AvroSchemaEvolution implements SchemaEvolution {

    private static final Logger LOG = LoggerFactory.getLogger(AvroSchemaEvolution.class);

    /** Per writer schema id, the answer for the mapping whose covered names it was worked out against. */
    private final Map<Integer, Answer> bySchemaId = new HashMap<>();
    private final Set<String> warned = new HashSet<>();

    private AvroSchemaEvolution() {
    }

    public static AvroSchemaEvolution create() {
        return new AvroSchemaEvolution();
    }

    private record Answer(Set<String> covered, TableSchema table, List<NewColumn> columns) {
    }

    @Override
    public List<NewColumn> newColumns(SourceRecord record, DecodedRecord decoded, TableSchema table, Set<String> covered) {
        if (!(decoded instanceof AvroRecord avro)) {
            return List.of();
        }
        Answer answer = bySchemaId.get(avro.schemaId());
        if (answer == null || answer.covered != covered || answer.table != table) { // a new mapping: asked again
            answer = new Answer(covered, table, columnsFor(avro.readerSchema(), table, covered));
            bySchemaId.put(avro.schemaId(), answer);
        }
        return answer.columns;
    }

    /** The fields of {@code schema} that {@code covered} lacks, typed for {@code table}'s server. */
    List<NewColumn> columnsFor(Schema schema, TableSchema table, Set<String> covered) {
        if (schema.getType() != Schema.Type.RECORD) {
            return List.of();
        }
        List<NewColumn> columns = new ArrayList<>();
        AvroTypeMapping mapping = new AvroTypeMapping(table.serverVersion());
        for (Schema.Field field : schema.getFields()) {
            if (covered.contains(field.name())) {
                continue;
            }
            try {
                ClickHouseType type = mapping.typeOf(field.schema(), field.name());
                columns.add(new NewColumn(field.name(), type));
            } catch (IllegalArgumentException e) {
                if (warned.add(field.name())) {
                    LOG.warn("schema evolution: no column is added for the Avro field {} of {}: {}; its values are"
                            + " ignored (add a column by hand to keep them)", field.name(), schema.getFullName(), e.getMessage());
                }
            }
        }
        return List.copyOf(columns);
    }

    @Override
    public String toString() {
        return "AvroSchemaEvolution";
    }
}
