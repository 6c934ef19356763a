package dev.tributary.core.clickhouse;

import dev.tributary.core.SchemaEvolution.NewColumn;
import dev.tributary.core.types.ClickHouseType;
import org.junit.jupiter.api.Test;

import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ColumnAdderTest {

    private static TableSchema table(String version) {
        return new TableSchema("db `x`", "t'; DROP TABLE t; --", List.of(new TableColumn("id", ClickHouseType.parse("UInt64"),
                TableColumn.DefaultKind.NONE, "")), ServerVersion.parse(version), ZoneOffset.UTC, false);
    }

    @Test
    void addsIfNotExistsWhereTheServerHasItAndQuotesEveryName() {
        NewColumn column = new NewColumn("we`ird ' name", ClickHouseType.parse("Nullable(Int64)"));
        assertEquals("ALTER TABLE `db \\`x\\``.`t'; DROP TABLE t; --` ADD COLUMN IF NOT EXISTS `we\\`ird ' name` Nullable(Int64)",
                ColumnAdder.statement(table("26.5.1"), column));
        assertEquals("ALTER TABLE `db \\`x\\``.`t'; DROP TABLE t; --` ADD COLUMN `we\\`ird ' name` Nullable(Int64)",
                ColumnAdder.statement(table("18.16.1"), column));
    }
}
