package dev.tributary.avro;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.tributary.avro.AvroTestSupport.body;
import static dev.tributary.avro.AvroTestSupport.decoded;
import static dev.tributary.avro.AvroTestSupport.parse;
import static dev.tributary.avro.AvroTestSupport.record;
import static dev.tributary.avro.AvroTestSupport.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unions of several types: the column types AvroTableDdl makes, and the fast path's bytes into Variant and other columns. */
class AvroUnionTest {

    private static final Schema POINT = parse("""
            {"type": "record", "name": "Point", "fields": [{"name": "x", "type": "int"}, {"name": "label", "type": "string"}]}""");

    private static final Schema EVENT = parse("""
            {"type": "record", "name": "Event", "fields": [
              {"name": "id", "type": "long"},
              {"name": "v", "type": ["null", "string", "long", "double", %s]}
            ]}""".formatted(POINT));

    private static final Schema SCALARS = parse("""
            {"type": "record", "name": "Scalars", "fields": [
              {"name": "id", "type": "long"},
              {"name": "v", "type": ["null", "string", "long"]}
            ]}""");

    private static GenericData.Record scalars(long id, Object v) {
        GenericData.Record scalars = record(SCALARS, Map.of("id", id));
        scalars.put("v", v);
        return scalars;
    }

    private static byte[] row(MappingPlan plan, Schema schema, GenericData.Record record) throws MappingException {
        RowBinaryOutput out = new RowBinaryOutput();
        plan.writeRow(decoded(6, schema, body(schema, record)), AvroTestSupport.sourceRecord(null), out);
        return out.toByteArray();
    }

    private static String columnType(String unionJson, String server) {
        Schema schema = parse("{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"v\", \"type\": " + unionJson + "}]}");
        return AvroTableDdl.builder().schema(schema).table("t").serverVersion(server).build().columns().get("v").toString();
    }

    private static GenericData.Record event(long id, Object v) {
        GenericData.Record event = record(EVENT, Map.of("id", id));
        event.put("v", v);
        return event;
    }

    private static byte[] row(MappingPlan plan, GenericData.Record event) throws MappingException {
        RowBinaryOutput out = new RowBinaryOutput();
        plan.writeRow(decoded(5, EVENT, body(EVENT, event)), AvroTestSupport.sourceRecord(null), out);
        return out.toByteArray();
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    @Test
    void aUnionOfSeveralTypesIsAVariantOfEachBranchsType() {
        assertEquals("Variant(Float64, Int64, String, Tuple(x Int32, label String))",
                AvroTableDdl.builder().schema(EVENT).table("t").serverVersion("25.3").build().columns().get("v").toString());
        assertEquals("Variant(Int32, String)", columnType("[\"int\", \"string\"]", "26.5"));
        assertEquals("Array(Variant(Bool, String))", columnType("{\"type\": \"array\", \"items\": [\"string\", \"boolean\"]}", "26.5"));
        assertEquals("Variant(Array(String), Map(String, Int64))",
                columnType("[\"null\", {\"type\": \"array\", \"items\": \"string\"}, {\"type\": \"map\", \"values\": \"long\"}]", "26.5"));
    }

    @Test
    void branchesOfOneFamilyShareTheirWidestTypeAndOneTypeLeftIsNoVariant() {
        // ClickHouse refuses Variant(Int32, Int64) and the like as "similar types": one variant takes both.
        assertEquals("Variant(Int64, String)", columnType("[\"int\", \"long\", \"string\"]", "26.5"));
        assertEquals("Variant(Float64, Int32)", columnType("[\"float\", \"double\", \"int\"]", "26.5"));
        assertEquals("Variant(DateTime64(6), String)", columnType("[{\"type\": \"int\", \"logicalType\": \"date\"},"
                + " {\"type\": \"long\", \"logicalType\": \"timestamp-micros\"}, \"string\"]", "26.5"));
        // Folded to one type: no Variant, so any server.
        assertEquals("Int64", columnType("[\"int\", \"long\"]", "18.16"));
        assertEquals("Nullable(Int64)", columnType("[\"null\", \"int\", \"long\"]", "18.16"));
        assertEquals("String", columnType("[\"string\", \"bytes\", {\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\"]}]", "18.16"));
        assertEquals("Int32", columnType("[\"int\"]", "18.16"));
    }

    @Test
    void beforeVariantTheDdlRefusesNamingFieldUnionServerAndFix() {
        for (String server : List.of("18.16.1", "24.8", "25.2")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> AvroTableDdl.builder().schema(EVENT).table("t").serverVersion(server).build());
            assertTrue(e.getMessage().startsWith("AvroTableDdl: field v (Avro union [null, string, long, double, record Point]):"
                    + " a union of several types maps to a Variant column (Variant(String, Int64, Float64, Tuple(x Int32, label String))),"
                    + " which needs ClickHouse 25.3 or later (the server is " + server + "); upgrade the server"), e.getMessage());
            assertTrue(e.getMessage().contains("or make the field a union of null and one type, [\"null\", T]"), e.getMessage());
        }
    }

    @Test
    void branchesThatClickHouseCallsSimilarAreRefused() {
        Schema twoRecords = parse("""
                {"type": "record", "name": "R", "fields": [{"name": "v", "type": [
                  {"type": "record", "name": "A", "fields": [{"name": "a", "type": "long"}]},
                  {"type": "record", "name": "B", "fields": [{"name": "b", "type": "long"}]}]}]}""");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvroTableDdl.builder().schema(twoRecords).table("t").serverVersion("26.5").build());
        assertTrue(e.getMessage().contains("field v (Avro union [record A, record B]): its branches map to Tuple(a Int64) and"
                + " Tuple(b Int64), which ClickHouse refuses in one Variant(Tuple(a Int64), Tuple(b Int64)) as similar types"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> columnType(
                "[\"int\", {\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 9, \"scale\": 2}]", "26.5"));
        // Records of different element types are not similar.
        assertEquals("Variant(Tuple(a Int64), Tuple(a String))", columnType("""
                [{"type": "record", "name": "A", "fields": [{"name": "a", "type": "long"}]},
                 {"type": "record", "name": "B", "fields": [{"name": "a", "type": "string"}]}]""", "26.5"));
    }

    @Test
    void theFastPathWritesEachBranchAsItsVariantAndTheSlowPathWritesTheSameBytes() throws Exception {
        TableSchema table = table(AvroTableDdl.builder().schema(EVENT).table("t").serverVersion("26.5").build());
        MappingPlan fast = AvroSchemaMapper.create().plan(table, List.of());
        MappingPlan slow = DefaultSchemaMapper.create().plan(table, List.of());
        // Variant(Float64, Int64, String, Tuple(x Int32, label String)): discriminators 0, 1, 2, 3; NULL 255.
        Map<Object, String> expected = new LinkedHashMap<>();
        expected.put("héllo", "02" + "06" + hex("héllo".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        expected.put(-2L, "01" + "feffffffffffffff");
        expected.put(1.5, "00" + "000000000000f83f");
        expected.put(record(POINT, Map.of("x", 7, "label", "p")), "03" + "07000000" + "0170");
        expected.put(null, "ff");
        long id = 0;
        for (Map.Entry<Object, String> value : expected.entrySet()) {
            id++;
            String want = "%02x00000000000000".formatted(id) + value.getValue();
            assertEquals(want, hex(row(fast, event(id, value.getKey()))), "fast path, value " + value.getKey());
            assertEquals(want, hex(row(slow, event(id, value.getKey()))), "slow path, value " + value.getKey());
        }
    }

    @Test
    void aVariantColumnWithMoreVariantsTakesEachBranchInItsOwnTypeElseItsFamily() throws Exception {
        MappingPlan plan = AvroSchemaMapper.create().plan(table("id", "Int64",
                "v", "Variant(Bool, Float64, UInt32, String, UUID, Tuple(x Int64, label String, extra UInt8))"), List.of());
        // Sorted: Bool 0, Float64 1, String 2, Tuple 3, UInt32 4, UUID 5.
        assertEquals("0100000000000000" + "02" + "0178", hex(row(plan, event(1, "x"))));
        assertEquals("0200000000000000" + "04" + "07000000", hex(row(plan, event(2, 7L))), "long into the UInt32 variant");
        assertEquals("0300000000000000" + "03" + "0700000000000000" + "0170" + "00",
                hex(row(plan, event(3, record(POINT, Map.of("x", 7, "label", "p"))))), "the record into the wider tuple");
        // A value the chosen variant cannot take: an error row naming the column, not a failure.
        MappingException e = assertThrows(MappingException.class, () -> row(plan, event(4, -1L)));
        assertEquals(ErrorKind.MAPPING, e.kind());
        assertEquals("v", e.column());
        assertTrue(e.getMessage().contains("out of range for UInt32"), e.getMessage());
    }

    @Test
    void aBranchTheVariantHasNoVariantForRefusesTheSchemaNamingColumnAndBranch() {
        MappingPlan plan = AvroSchemaMapper.create().plan(table("id", "Int64", "v", "Variant(String, Float64)"), List.of());
        MappingException e = assertThrows(MappingException.class, () -> row(plan, event(1, "x")));
        assertEquals("v", e.column());
        assertEquals(ErrorKind.MAPPING, e.kind());
        assertTrue(e.getMessage().startsWith("column v: field v (Avro long) cannot be written to Variant(Float64, String):"
                + " the column has no variant for it (its type: Int64)"), e.getMessage());
        assertTrue(e.getMessage().contains("(branch 2 of Avro union [null, string, long, double, record Point])"), e.getMessage());
    }

    @Test
    void aUnionIntoAColumnThatIsNoVariantConvertsEachBranch() throws Exception {
        MappingPlan plan = AvroSchemaMapper.create().plan(table("id", "Int64", "v", "Nullable(String)"), List.of());
        assertEquals("0100000000000000" + "00" + "0178", hex(row(plan, SCALARS, scalars(1, "x"))));
        assertEquals("0200000000000000" + "00" + "022d32", hex(row(plan, SCALARS, scalars(2, -2L))));
        assertEquals("0300000000000000" + "01", hex(row(plan, SCALARS, scalars(3, null))));
        // A branch the column cannot take refuses the schema (every message of it), naming the branch.
        MappingException e = assertThrows(MappingException.class, () -> row(plan, event(4, "x")));
        assertEquals(ErrorKind.MAPPING, e.kind());
        assertTrue(e.getMessage().startsWith("column v: field v (Avro record Point) cannot be written to String"), e.getMessage());
        assertTrue(e.getMessage().contains("(branch 4 of Avro union"), e.getMessage());
    }

    @Test
    void aTopLevelNullOfAUnionOfSeveralTypesTakesTheColumnsDefault() throws Exception {
        TableSchema table = new TableSchema("default", "t", List.of(
                new TableColumn("id", ClickHouseType.parse("Int64"), TableColumn.DefaultKind.NONE, ""),
                new TableColumn("v", ClickHouseType.parse("String"), TableColumn.DefaultKind.DEFAULT, "'none'")),
                ServerVersion.parse("26.5"), ZoneId.of("UTC"), true);
        MappingPlan plan = AvroSchemaMapper.create().plan(table, List.of());
        assertEquals("00" + "0100000000000000" + "01", hex(row(plan, SCALARS, scalars(1, null))), "null: the DEFAULT");
        assertEquals("00" + "0200000000000000" + "00" + "0161", hex(row(plan, SCALARS, scalars(2, "a"))));
    }

    /**
     * With a reader schema, a branch is read as the reader's branch of its type and name (Avro's rule): a record branch
     * gets the reader's added field with its default; the variant is chosen by the branch, whatever the reader's order.
     */
    @Test
    void aReaderSchemaReadsEachBranchAsItsOwnBranch() throws Exception {
        Schema readerPoint = parse("""
                {"type": "record", "name": "Point", "fields": [{"name": "x", "type": "int"}, {"name": "label", "type": "string"},
                  {"name": "z", "type": "int", "default": 9}]}""");
        Schema reader = parse("""
                {"type": "record", "name": "Event", "fields": [
                  {"name": "id", "type": "long"},
                  {"name": "v", "type": ["null", %s, "double", "long", "string"]}
                ]}""".formatted(readerPoint));
        TableSchema table = table(AvroTableDdl.builder().schema(reader).table("t").serverVersion("26.5").build());
        assertEquals("Variant(Float64, Int64, String, Tuple(x Int32, label String, z Int32))",
                table.columns().get(1).type().toString());
        MappingPlan plan = AvroSchemaMapper.create().plan(table, List.of());
        RowBinaryOutput out = new RowBinaryOutput();
        byte[] body = body(EVENT, event(1, record(POINT, Map.of("x", 7, "label", "p"))));
        plan.writeRow(new AvroRecord(AvroTestSupport.confluent(8, body), 5, new ResolvedSchema(8, EVENT, reader)),
                AvroTestSupport.sourceRecord(null), out);
        assertEquals("0100000000000000" + "03" + "07000000" + "0170" + "09000000", hex(out.toByteArray()));
        out.reset();
        plan.writeRow(new AvroRecord(AvroTestSupport.confluent(8, body(EVENT, event(2, 5L))), 5, new ResolvedSchema(8, EVENT, reader)),
                AvroTestSupport.sourceRecord(null), out);
        assertEquals("0200000000000000" + "01" + "0500000000000000", hex(out.toByteArray()));
    }

    /** The engine keeps Variant columns out of sorting keys (26.5: code 549): refused, saying so. */
    @Test
    void aVariantColumnIsNoSortingKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AvroTableDdl.builder().schema(EVENT).table("t").serverVersion("26.5").orderBy("v").build());
        assertTrue(e.getMessage().contains("orderBy names 'v', whose type Variant(Float64, Int64, String, Tuple(x Int32,"
                + " label String)) is a Variant, which ClickHouse keeps out of sorting keys"), e.getMessage());
    }

    @Test
    void aBranchIndexOutOfRangeIsADecodeError() throws Exception {
        MappingPlan plan = AvroSchemaMapper.create().plan(table("id", "Int64", "v", "Variant(Int64, String)"), List.of());
        byte[] body = body(SCALARS, scalars(1, 5L));
        body[1] = 10; // the branch index (zigzag 5) of a union of 3
        RowBinaryOutput out = new RowBinaryOutput();
        MappingException e = assertThrows(MappingException.class,
                () -> plan.writeRow(decoded(6, SCALARS, body), AvroTestSupport.sourceRecord(null), out));
        assertEquals(ErrorKind.DECODE, e.kind());
        assertTrue(e.getMessage().contains("a union branch index 5 is out of range (0..2)"), e.getMessage());
    }
}
