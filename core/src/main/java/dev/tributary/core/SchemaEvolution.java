package dev.tributary.core;

import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Opt-in schema evolution ({@link Pipeline.Builder#schemaEvolution}): which columns a record needs that
 * the table lacks. The pipeline asks before it maps each record; when the answer is not empty the sink
 * adds the columns ({@code ALTER TABLE ... ADD COLUMN}), the open batch is sealed and the mapping is
 * compiled again for the table as it is then, and the record is mapped with it. Called on the pipeline
 * thread only. Implementations: {@code JsonSchemaEvolution} (core), {@code AvroSchemaEvolution}
 * (avro-schema). Rules and limits: docs/schema.md, "Schema evolution".
 */
public interface SchemaEvolution {

    /**
     * The columns {@code record} needs that the table lacks, typed for {@code table}'s server; empty in
     * the common case (which must stay cheap). A field the implementation cannot type is left out (and
     * logged once); so is every top-level name in {@code covered}.
     *
     * @param decoded what the pipeline's decoder made of the record (for the current mapping)
     * @param table   the table the current mapping writes
     * @param covered top-level field names the mapping already reads or that are settled (a column of
     *                that name, the first segment of a path the mapping reads, a name that could not be
     *                added): never to be returned
     */
    List<NewColumn> newColumns(SourceRecord record, DecodedRecord decoded, TableSchema table, Set<String> covered);

    /** A column to add: its name (the field's) and type. */
    record NewColumn(String name, ClickHouseType type) {
        public NewColumn {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(type, "type");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a new column needs a name");
            }
        }

        @Override
        public String toString() {
            return name + " " + type;
        }
    }
}
