package dev.tributary.core;

import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SchemaEvolutionCoveredNamesTest {

    @Test
    void columnsTheirDottedHeadsPathsReadAndNamesNotAddedAreCovered() {
        TableSchema table = new TableSchema("default", "t", List.of(
                new TableColumn("id", ClickHouseType.parse("UInt64"), TableColumn.DefaultKind.NONE, ""),
                new TableColumn("actor.login", ClickHouseType.parse("String"), TableColumn.DefaultKind.NONE, "")),
                ServerVersion.parse("18.16.1"), ZoneOffset.UTC, false);
        assertEquals(Set.of("id", "actor.login", "actor", "payload", "computed"),
                Pipeline.coveredNames(table, Set.of(FieldPath.parse("payload.size"), FieldPath.of("id")), Set.of("computed")));
        assertEquals(Set.of("id", "actor.login", "actor"), Pipeline.coveredNames(table, null, Set.of()));
    }
}
