package dev.tributary.core.mapping;

import dev.tributary.core.DecodeException;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn.DefaultKind;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mapper's rows against a modern engine (chDB 26.5): with RowBinaryWithDefaults a missing
 * field takes the column's DEFAULT expression; virtual columns, overrides and constants land.
 */
@ExtendWith(TestServers.class)
class DefaultSchemaMapperChDbTest {

    private static final List<VirtualColumn> VIRTUAL = List.of(
            new VirtualColumn("_offset", "UInt64", "offset"), new VirtualColumn("_split", "String", "split"));

    private static TableColumn column(String name, String type, DefaultKind kind, String expression) {
        return new TableColumn(name, ClickHouseType.parse(type), kind, expression);
    }

    private static TableSchema schema(String table, boolean withDefaults, TableColumn... columns) {
        return new TableSchema("default", table, List.of(columns), ServerVersion.parse("26.5.3"), ZoneOffset.UTC, withDefaults);
    }

    /**
     * The rows of the JSON records as the pipeline writes them (records left raw by the decoder,
     * read straight from the bytes), checked to be those of the decoded records, error for error.
     */
    private static byte[] rows(MappingPlan plan, String... json) throws DecodeException, MappingException {
        JsonDecoder raw = JsonDecoder.create();
        raw.onlyFields(plan.fieldsRead());
        JsonDecoder decoding = JsonDecoder.create(); // told of no fields: decoded records
        RowBinaryOutput out = new RowBinaryOutput();
        RowBinaryOutput decodedOut = new RowBinaryOutput();
        for (int i = 0; i < json.length; i++) {
            TestRecord record = new TestRecord(new TestRecord.Position("s0", 100 + i), null,
                    json[i].getBytes(StandardCharsets.UTF_8), 0);
            MappingException decodedError = null;
            try {
                plan.writeRow(decoding.decode(record), record, decodedOut);
            } catch (MappingException e) {
                decodedError = e;
            }
            try {
                plan.writeRow(raw.decode(record), record, out);
            } catch (MappingException e) {
                assertEquals(decodedError == null ? null : decodedError.getMessage(), e.getMessage());
                throw e;
            }
            assertEquals(null, decodedError, "the decoded path refused what the raw path took");
        }
        assertArrayEquals(decodedOut.toByteArray(), out.toByteArray(), "raw and decoded paths give the same rows");
        return out.toByteArray();
    }

    @Test
    void missingFieldsTakeTheColumnDefaultWithRowBinaryWithDefaults(ChDb chdb) throws Exception {
        chdb.query("DROP TABLE IF EXISTS with_defaults", "TabSeparated");
        chdb.query("CREATE TABLE with_defaults (id UInt64, name String DEFAULT 'anonymous', n Nullable(Int32) DEFAULT 7,"
                + " score Int32, offset UInt64) ENGINE = MergeTree ORDER BY id", "TabSeparated");
        TableSchema schema = schema("with_defaults", true,
                column("id", "UInt64", DefaultKind.NONE, ""),
                column("name", "String", DefaultKind.DEFAULT, "'anonymous'"),
                column("n", "Nullable(Int32)", DefaultKind.DEFAULT, "7"),
                column("score", "Int32", DefaultKind.NONE, ""),
                column("offset", "UInt64", DefaultKind.NONE, ""));
        MappingPlan plan = DefaultSchemaMapper.builder().columnFromVirtual("offset", "_offset").build().plan(schema, VIRTUAL);

        chdb.insert("with_defaults", "RowBinaryWithDefaults", rows(plan,
                "{\"id\":1}",
                "{\"id\":2,\"name\":\"bob\",\"n\":null,\"score\":5}",
                "{\"id\":3,\"name\":null}"));

        assertEquals("""
                {"id":1,"name":"anonymous","n":7,"score":0,"offset":100}
                {"id":2,"name":"bob","n":null,"score":5,"offset":101}
                {"id":3,"name":"anonymous","n":7,"score":0,"offset":102}
                """, chdb.queryText("SELECT * FROM with_defaults ORDER BY id", "JSONEachRow"));
    }

    @Test
    void withoutTheDefaultsFormatMissingFieldsTakeTheZeroValue(ChDb chdb) throws Exception {
        chdb.query("DROP TABLE IF EXISTS zeros", "TabSeparated");
        chdb.query("CREATE TABLE zeros (id UInt64, name String DEFAULT 'x', tags Array(String), at DateTime64(3, 'UTC'),"
                + " source String) ENGINE = MergeTree ORDER BY id", "TabSeparated");
        TableSchema schema = schema("zeros", false,
                column("id", "UInt64", DefaultKind.NONE, ""),
                column("name", "String", DefaultKind.DEFAULT, "'x'"),
                column("tags", "Array(String)", DefaultKind.NONE, ""),
                column("at", "DateTime64(3, 'UTC')", DefaultKind.NONE, ""),
                column("source", "String", DefaultKind.NONE, ""));
        MappingPlan plan = DefaultSchemaMapper.builder().constant("source", "mapper-test")
                .columnFromField("id", "meta.id").build().plan(schema, VIRTUAL);

        chdb.insertRowBinary("zeros", rows(plan, "{\"meta\":{\"id\":9},\"at\":\"2024-05-06T07:08:09.123+02:00\"}"));

        assertEquals("{\"id\":9,\"name\":\"\",\"tags\":[],\"at\":\"2024-05-06 05:08:09.123\",\"source\":\"mapper-test\"}\n",
                chdb.queryText("SELECT * FROM zeros", "JSONEachRow"));
    }

    @Test
    void refusesOverridesThatNameNothing() {
        TableSchema schema = schema("t", false, column("id", "UInt64", DefaultKind.NONE, ""));
        IllegalArgumentException unknownColumn = assertThrows(IllegalArgumentException.class,
                () -> DefaultSchemaMapper.builder().columnFromField("nope", "x").build().plan(schema, VIRTUAL));
        assertTrue(unknownColumn.getMessage().contains("'nope'"), unknownColumn.getMessage());
        IllegalArgumentException unknownVirtual = assertThrows(IllegalArgumentException.class,
                () -> DefaultSchemaMapper.builder().columnFromVirtual("id", "_partition").build().plan(schema, VIRTUAL));
        assertTrue(unknownVirtual.getMessage().contains("'_partition'"), unknownVirtual.getMessage());
        IllegalArgumentException badConstant = assertThrows(IllegalArgumentException.class,
                () -> DefaultSchemaMapper.builder().constant("id", -1).build().plan(schema, VIRTUAL));
        assertTrue(badConstant.getMessage().contains("constant for column 'id'"), badConstant.getMessage());
    }

    @Test
    void namesTheColumnOfAValueThatDoesNotFit() throws Exception {
        TableSchema schema = schema("t", false, column("id", "UInt64", DefaultKind.NONE, ""),
                column("small", "UInt8", DefaultKind.NONE, ""));
        MappingPlan plan = DefaultSchemaMapper.create().plan(schema, VIRTUAL);
        MappingException error = assertThrows(MappingException.class, () -> rows(plan, "{\"id\":1,\"small\":256}"));
        assertEquals("small", error.column());
        assertTrue(error.getMessage().startsWith("column small: "), error.getMessage());
        assertTrue(error.getMessage().contains("256"), error.getMessage());
    }
}
