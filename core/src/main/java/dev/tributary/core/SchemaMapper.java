package dev.tributary.core;

import dev.tributary.core.table.TableSchema;

import java.util.List;

/**
 * Decides where each column's value comes from. Compiled once per target table into a
 * {@link MappingPlan}; configuration mistakes (an override naming a column the table lacks, a
 * virtual column the source does not offer) fail here, at start, with a message naming them.
 */
public interface SchemaMapper {

    MappingPlan plan(TableSchema table, List<VirtualColumn> virtualColumns);
}
