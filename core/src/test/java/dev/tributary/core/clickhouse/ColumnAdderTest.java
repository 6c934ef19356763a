package dev.tributary.core.clickhouse;

import dev.tributary.core.SchemaEvolution.NewColumn;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
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

    /** A server stand-in: refuses the ALTERs whose text contains a key with a code, and lists the columns it has. */
    private static ClickHouseTransport server(List<String> columns, java.util.Map<String, Integer> refusals) {
        return new ClickHouseTransport() {
            @Override
            public void execute(String sql) throws ClickHouseException {
                for (var refusal : refusals.entrySet()) {
                    if (sql.contains(refusal.getKey())) {
                        throw new ClickHouseException(refusal.getValue(), 500, "Code: " + refusal.getValue() + ". refused", null);
                    }
                }
            }

            @Override
            public byte[] query(String sql) {
                StringBuilder rows = new StringBuilder();
                for (String column : columns) {
                    rows.append("{\"name\":\"").append(column).append("\",\"type\":\"Nullable(Int64)\",\"default_kind\":\"\","
                            + "\"default_expression\":\"\"}\n");
                }
                return rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            }

            @Override
            public void insert(String quotedTable, List<String> quotedColumns, byte[] data, int offset, int length,
                               String format, String queryId, java.util.Map<String, String> settings) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String describe() {
                return "stand-in";
            }

            @Override
            public void close() {
            }
        };
    }

    private static final Backoff NO_WAIT = new Backoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1));

    @Test
    void aColumnTheServerRefusesIsLeftOutAndOneThatExistsIsTakenAsAdded() {
        NewColumn refused = new NewColumn("bad", ClickHouseType.parse("Nullable(Int64)"));
        NewColumn exists = new NewColumn("there", ClickHouseType.parse("Nullable(Int64)"));
        TableSchema now = ColumnAdder.add(server(List.of("id", "there"), java.util.Map.of("`bad`", 62, "`there`", 44)),
                table("18.16.1"), List.of(refused, exists), NO_WAIT, "p");
        assertEquals(List.of("id", "there"), now.columns().stream().map(TableColumn::name).toList());
    }

    @Test
    void aUserWhoMayNotAlterTheTableStopsThePipelineNamingTheFix() {
        IllegalStateException error = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> ColumnAdder.add(server(List.of("id"), java.util.Map.of("`c`", 497)), table("26.5.1"),
                        List.of(new NewColumn("c", ClickHouseType.parse("String"))), NO_WAIT, "p"));
        org.junit.jupiter.api.Assertions.assertTrue(error.getMessage().contains("ALTER ADD COLUMN grant"), error.getMessage());
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
