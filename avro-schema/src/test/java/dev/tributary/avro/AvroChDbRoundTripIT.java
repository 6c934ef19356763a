package dev.tributary.avro;

import dev.tributary.core.MappingPlan;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static dev.tributary.avro.AvroTestSupport.body;
import static dev.tributary.avro.AvroTestSupport.decoded;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every Avro type and logical type into the table {@link AvroTableDdl} makes for a modern server,
 * through the fast path, inserted into the chDB 26.5 engine and read back; and DEFAULT
 * expressions computed by the engine under RowBinaryWithDefaults.
 */
@ExtendWith(TestServers.class)
class AvroChDbRoundTripIT {

    private static final String TYPICAL = "{\"id\":1,\"b\":true,\"i\":-42,\"f\":1.5,\"d\":0.1,\"s\":\"héllo 世界 🎉\","
            + "\"by\":\"AAH\\/\",\"fx\":\"abcd\",\"e\":\"GREEN\",\"dec\":-1234567.891,\"decf\":1234567890123456789012345.12345,"
            + "\"u\":\"61f0c404-5cb3-11e7-907b-a6006ad3dba0\",\"uf\":\"00112233-4455-6677-8899-aabbccddeeff\",\"day\":\"2024-02-29\","
            + "\"tsm\":\"2024-01-31 12:34:56.789\",\"tsu\":\"2024-01-31 12:34:56.789123\",\"tsn\":\"2024-01-31 12:34:56.789123456\","
            + "\"arr\":[1,2,3],\"arrn\":[\"a\",null,\"c\"],\"m\":{\"k1\":10},\"rec\":{\"x\":7,\"y\":\"why\"},"
            + "\"recn\":{\"px\":1.25,\"py\":-2.5},\"arrnull\":[5,6],\"mapnull\":{\"a\":\"b\"},"
            + "\"items\":[{\"k\":\"one\",\"v\":1},{\"k\":\"two\",\"v\":2}],\"ns\":\"present\",\"nl\":99,"
            + "\"nts\":\"2000-01-01 00:00:00.000\",\"bigd\":\"-12345678901234567890.123456789\",\"f_text\":\"1.5\"}";
    private static final String EXTREMES = "{\"id\":2,\"b\":false,\"i\":-2147483648,\"f\":null,\"d\":-0,\"s\":\"\",\"by\":\"\","
            + "\"fx\":\"abcd\",\"e\":\"BLUE\",\"dec\":9999999.999,\"decf\":-0.00001,\"u\":\"61f0c404-5cb3-11e7-907b-a6006ad3dba0\","
            + "\"uf\":\"00112233-4455-6677-8899-aabbccddeeff\",\"day\":\"1900-01-01\",\"tsm\":\"1969-12-31 23:59:59.999\","
            + "\"tsu\":\"2299-12-31 23:59:59.999999\",\"tsn\":\"1900-01-01 00:00:00.000000001\",\"arr\":[],\"arrn\":[null],"
            + "\"m\":{},\"rec\":{\"x\":-1,\"y\":null},\"recn\":{\"px\":0,\"py\":0},\"arrnull\":[],\"mapnull\":{},\"items\":[],"
            + "\"ns\":null,\"nl\":null,\"nts\":null,\"bigd\":\"1000\",\"f_text\":\"-inf\"}";

    @Test
    void everyAvroTypeLandsInTheTableMadeFromTheSchema(ChDb chdb) throws Exception {
        AvroTableDdl ddl = AvroTableDdl.builder().schema(AllTypes.SCHEMA).table("all_types").orderBy("id").build();
        chdb.query("DROP TABLE IF EXISTS all_types", "TabSeparated");
        chdb.query(ddl.sql(), "TabSeparated");
        MappingPlan plan = AvroSchemaMapper.create().plan(AvroTestSupport.table(ddl), List.of());
        RowBinaryOutput rows = new RowBinaryOutput();
        for (GenericData.Record record : List.of(AllTypes.typical(), AllTypes.extremes())) {
            plan.writeRow(decoded(11, AllTypes.SCHEMA, body(AllTypes.SCHEMA, record)), AvroTestSupport.sourceRecord(null), rows);
        }
        chdb.insert("all_types", "RowBinary", rows.toByteArray());
        String text = chdb.queryText("SELECT * REPLACE (base64Encode(by) AS by), toString(f) AS f_text FROM all_types ORDER BY id",
                "JSONEachRow");
        assertEquals(TYPICAL + "\n" + EXTREMES + "\n", text);
    }

    @Test
    void missingFieldsTakeTheColumnDefaultUnderRowBinaryWithDefaults(ChDb chdb) throws Exception {
        chdb.query("DROP TABLE IF EXISTS with_defaults", "TabSeparated");
        chdb.query("CREATE TABLE with_defaults (id Int64, region String DEFAULT 'eu', n Nullable(Int32) DEFAULT 7,"
                + " doubled Int64 DEFAULT id * 2, plain Int32) ENGINE = MergeTree ORDER BY id", "TabSeparated");
        Schema schema = AvroTestSupport.parse("""
                {"type": "record", "name": "R", "fields": [
                  {"name": "id", "type": "long"}, {"name": "region", "type": ["null", "string"]}]}""");
        List<TableColumn> columns = List.of(
                new TableColumn("id", ClickHouseType.parse("Int64"), TableColumn.DefaultKind.NONE, ""),
                new TableColumn("region", ClickHouseType.parse("String"), TableColumn.DefaultKind.DEFAULT, "'eu'"),
                new TableColumn("n", ClickHouseType.parse("Nullable(Int32)"), TableColumn.DefaultKind.DEFAULT, "7"),
                new TableColumn("doubled", ClickHouseType.parse("Int64"), TableColumn.DefaultKind.DEFAULT, "id * 2"),
                new TableColumn("plain", ClickHouseType.parse("Int32"), TableColumn.DefaultKind.NONE, ""));
        TableSchema table = new TableSchema("default", "with_defaults", columns, ServerVersion.parse(chdb.version()),
                ZoneId.of("UTC"), true);
        MappingPlan plan = AvroSchemaMapper.create().plan(table, List.of());
        RowBinaryOutput rows = new RowBinaryOutput();
        GenericData.Record withRegion = AvroTestSupport.record(schema, Map.of("id", 1L, "region", "us"));
        GenericData.Record nullRegion = AvroTestSupport.record(schema, Map.of("id", 2L));
        for (GenericData.Record record : List.of(withRegion, nullRegion)) {
            plan.writeRow(decoded(5, schema, body(schema, record)), AvroTestSupport.sourceRecord(null), rows);
        }
        chdb.insert("with_defaults", "RowBinaryWithDefaults", rows.toByteArray());
        assertEquals("1\tus\t7\t2\t0\n2\teu\t7\t4\t0\n",
                chdb.queryText("SELECT id, region, n, doubled, plain FROM with_defaults ORDER BY id", "TabSeparated"));
    }
}
