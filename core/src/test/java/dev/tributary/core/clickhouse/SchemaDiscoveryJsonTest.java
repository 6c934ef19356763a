package dev.tributary.core.clickhouse;

import dev.tributary.core.table.TableSchema;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JSON column is sent as text under input_format_binary_read_json_as_string (ClickHouse 24.10): the schema
 * asks for that setting, and an older server is refused at start naming the column. Scripted answers stand in
 * for servers of versions the test kit does not have (24.9, 24.10); 26.5 runs in ModernEngineIT.
 */
class SchemaDiscoveryJsonTest {

    /** Answers version(), timezone() and system.columns as a server of {@code version} with {@code columns}. */
    private record Server(String version, String columns) implements ClickHouseTransport {
        @Override
        public byte[] query(String sql) {
            String answer = sql.contains("version()") ? "{\"version\":\"" + version + "\"}"
                    : sql.contains("timezone()") ? "{\"zone\":\"UTC\"}" : columns;
            return answer.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void insert(String quotedTable, List<String> columns, byte[] data, int offset, int length,
                           String format, String queryId, Map<String, String> settings) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void execute(String sql) {
            throw new UnsupportedOperationException(sql);
        }

        @Override
        public String describe() {
            return "scripted " + version;
        }

        @Override
        public void close() {
        }
    }

    private static String column(String name, String type) {
        return "{\"name\":\"" + name + "\",\"type\":\"" + type + "\",\"default_kind\":\"\",\"default_expression\":\"\"}\n";
    }

    @Test
    void aTableWithAJsonColumnInsertsWithTheJsonAsStringSetting() throws Exception {
        TableSchema schema = SchemaDiscovery.discover(new Server("24.10.1.2", column("id", "UInt64")
                + column("v", "Array(Variant(JSON, String))")), "db", "t");
        assertEquals(Map.of("input_format_binary_read_json_as_string", "1"), schema.formatSettings());
    }

    @Test
    void aTableWithoutJsonNeedsNoSetting() throws Exception {
        TableSchema schema = SchemaDiscovery.discover(new Server("24.10.1.2", column("id", "UInt64")
                + column("v", "Variant(String, UInt64)")), "db", "t");
        assertEquals(Map.of(), schema.formatSettings());
    }

    @Test
    void aServerBeforeTheSettingIsRefusedNamingTheColumn() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> SchemaDiscovery.discover(
                new Server("24.9.2.42", column("id", "UInt64") + column("doc", "JSON")), "db", "t"));
        assertTrue(e.getMessage().contains("column doc of db.t is JSON") && e.getMessage().contains("24.10"),
                e.getMessage());
    }
}
