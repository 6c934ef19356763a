package dev.tributary.avro;

import dev.tributary.core.DecodedRecord;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static dev.tributary.avro.AvroTestSupport.body;
import static dev.tributary.avro.AvroTestSupport.decoded;
import static dev.tributary.avro.AvroTestSupport.parse;
import static dev.tributary.avro.AvroTestSupport.record;
import static dev.tributary.avro.AvroTestSupport.table;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast path's bytes, checked against the generic slow path and against hand-made RowBinary. */
class AvroSchemaMapperTest {

    private static final Schema EVENT = parse("""
            {"type": "record", "name": "Event", "fields": [
              {"name": "id", "type": "long"},
              {"name": "name", "type": "string"},
              {"name": "count", "type": "long"},
              {"name": "user", "type": ["null", {"type": "record", "name": "User", "fields": [
                 {"name": "uid", "type": "int"}, {"name": "tags", "type": {"type": "array", "items": "string"}}]}]},
              {"name": "any", "type": ["int", "string"]}
            ]}""");

    private static byte[] row(MappingPlan plan, DecodedRecord decoded) throws MappingException {
        RowBinaryOutput out = new RowBinaryOutput();
        plan.writeRow(decoded, AvroTestSupport.sourceRecord(null), out);
        return out.toByteArray();
    }

    private static GenericData.Record event(long id, String name, long count, Integer uid, Object any) {
        GenericData.Record user = uid == null ? null : record(Schemas.nonNull(EVENT.getField("user").schema()),
                Map.of("uid", uid, "tags", List.of("t" + uid)));
        GenericData.Record event = record(EVENT, Map.of("id", id, "name", name, "count", count, "any", any));
        event.put("user", user);
        return event;
    }

    @Test
    void theFastPathWritesTheBytesOfTheGenericSlowPathForEveryType() throws Exception {
        AvroTableDdl ddl = AvroTableDdl.builder().schema(AllTypes.SCHEMA).table("t").build();
        TableSchema table = table(ddl);
        MappingPlan fast = AvroSchemaMapper.create().plan(table, List.of());
        MappingPlan slow = DefaultSchemaMapper.create().plan(table, List.of());
        for (GenericData.Record record : List.of(AllTypes.typical(), AllTypes.extremes())) {
            byte[] body = body(AllTypes.SCHEMA, record);
            byte[] fastRow = row(fast, decoded(7, AllTypes.SCHEMA, body));
            byte[] slowRow = row(slow, decoded(7, AllTypes.SCHEMA, body));
            assertEquals(HexFormat.of().formatHex(slowRow), HexFormat.of().formatHex(fastRow), "row of record " + record.get("id"));
        }
    }

    @Test
    void arraysAndMapsWrittenInSeveralSizedBlocksReadLikeOneBlock() throws Exception {
        TableSchema table = table(AvroTableDdl.builder().schema(AllTypes.SCHEMA).table("t").build());
        MappingPlan plan = AvroSchemaMapper.create().plan(table, List.of());
        GenericData.Record record = AllTypes.typical();
        record.put("arr", IntStream.range(0, 500).boxed().toList());
        Map<String, Long> map = new java.util.LinkedHashMap<>();
        IntStream.range(0, 300).forEach(i -> map.put("key" + i, (long) i * 1_000_000_007L));
        record.put("m", map);
        byte[] oneBlock = body(AllTypes.SCHEMA, record);
        byte[] blocked = AvroTestSupport.blockedBody(AllTypes.SCHEMA, record);
        assertTrue(blocked.length > oneBlock.length, "the blocking encoder wrote block sizes");
        assertArrayEquals(row(plan, decoded(1, AllTypes.SCHEMA, oneBlock)), row(plan, decoded(1, AllTypes.SCHEMA, blocked)));
    }

    @Test
    void columnsTakeFieldsByNameAndPathSkippingTheRest() throws Exception {
        TableSchema table = table("count", "UInt32", "user.uid", "Int64", "missing", "String", "id", "Int64",
                "user.tags", "Array(String)");
        MappingPlan plan = AvroSchemaMapper.create().plan(table, List.of());
        RowBinaryOutput expected = new RowBinaryOutput();
        expected.writeIntLE(5);                            // count as UInt32
        expected.writeLongLE(77);                          // user.uid widened
        expected.writeVarUInt(0);                          // missing: ''
        expected.writeLongLE(1);                           // id
        expected.writeVarUInt(1);
        expected.writeString("t77");                       // user.tags
        assertArrayEquals(expected.toByteArray(), row(plan, decoded(3, EVENT, body(EVENT, event(1, "n", 5, 77, 1)))));

        RowBinaryOutput nullUser = new RowBinaryOutput();
        nullUser.writeIntLE(5);
        nullUser.writeLongLE(0);                           // a null record: its fields are missing, zero
        nullUser.writeVarUInt(0);
        nullUser.writeLongLE(2);
        nullUser.writeVarUInt(0);
        assertArrayEquals(nullUser.toByteArray(), row(plan, decoded(3, EVENT, body(EVENT, event(2, "n", 5, null, "x")))));
    }

    @Test
    void narrowingIsRangeCheckedAndTheErrorNamesColumnFieldAndSchema() throws Exception {
        MappingPlan plan = AvroSchemaMapper.create().plan(table("count", "Int16"), List.of());
        RowBinaryOutput fits = new RowBinaryOutput();
        fits.writeShortLE(-32768);
        assertArrayEquals(fits.toByteArray(), row(plan, decoded(3, EVENT, body(EVENT, event(1, "n", -32768, 1, 1)))));
        MappingException e = assertThrows(MappingException.class,
                () -> row(plan, decoded(3, EVENT, body(EVENT, event(1, "n", 40_000, 1, 1)))));
        assertEquals(ErrorKind.MAPPING, e.kind());
        assertEquals("count", e.column());
        assertEquals("column count: value 40000 is out of range for Int16 (-32768..32767) (field count, schema id 3)", e.getMessage());
    }

    @Test
    void aUnionABranchOfWhichTheColumnCannotTakeIsRefusedOnlyWhenAColumnNeedsIt() throws Exception {
        MappingPlan unused = AvroSchemaMapper.create().plan(table("id", "Int64"), List.of());
        assertEquals(8, row(unused, decoded(4, EVENT, body(EVENT, event(1, "n", 5, 1, "text")))).length);

        MappingPlan used = AvroSchemaMapper.create().plan(table("id", "Int64", "any", "UUID"), List.of());
        MappingException e = assertThrows(MappingException.class,
                () -> row(used, decoded(4, EVENT, body(EVENT, event(1, "n", 5, 1, "text")))));
        assertEquals("any", e.column());
        assertEquals(ErrorKind.MAPPING, e.kind());
        assertTrue(e.getMessage().startsWith("column any: field any (Avro int) cannot be written to UUID: an integer cannot go"
                + " into UUID (branch 0 of Avro union [int, string])"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(schema id 4)"), e.getMessage());
    }

    @Test
    void timeOfDayLocalTimestampsAndDurationAreRefusedWithTheReason() {
        Schema schema = parse("""
                {"type": "record", "name": "T", "fields": [
                  {"name": "t", "type": {"type": "int", "logicalType": "time-millis"}},
                  {"name": "lt", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
                  {"name": "du", "type": {"type": "fixed", "name": "Du", "size": 12, "logicalType": "duration"}}]}""");
        GenericData.Record value = new GenericData.Record(schema);
        value.put("t", java.time.LocalTime.NOON);
        value.put("lt", java.time.LocalDateTime.of(2020, 1, 1, 0, 0));
        value.put("du", new GenericData.Fixed(schema.getField("du").schema(), new byte[12]));
        byte[] bytes = body(schema, value);
        Map<String, String> cases = Map.of(
                "t", "field t (Avro int (time-millis)) cannot be written to Int32: Avro logical type time-millis (a time of day) is not supported",
                "lt", "field lt (Avro long (local-timestamp-micros)) cannot be written to DateTime64(6): Avro logical type"
                        + " local-timestamp-micros (a timestamp without a time zone) is not supported",
                "du", "field du (Avro fixed Du (duration)) cannot be written to String: Avro logical type duration is not supported");
        Map<String, String> types = Map.of("t", "Int32", "lt", "DateTime64(6)", "du", "String");
        cases.forEach((column, reason) -> {
            MappingPlan plan = AvroSchemaMapper.create().plan(table(column, types.get(column)), List.of());
            MappingException e = assertThrows(MappingException.class, () -> row(plan, decoded(9, schema, bytes)));
            assertTrue(e.getMessage().startsWith("column " + column + ": " + reason), e.getMessage());
        });
        IllegalArgumentException ddl = assertThrows(IllegalArgumentException.class,
                () -> AvroTableDdl.builder().schema(schema).table("t").build());
        assertTrue(ddl.getMessage().contains("field t (Avro int (time-millis)): Avro logical type time-millis"), ddl.getMessage());
    }

    @Test
    void brokenBytesAreDecodeErrorsThatSayWhere() {
        MappingPlan plan = AvroSchemaMapper.create().plan(table("id", "Int64", "name", "String"), List.of());
        byte[] whole = body(EVENT, event(1, "a longer name", 5, 1, 1));
        MappingException truncated = assertThrows(MappingException.class,
                () -> row(plan, decoded(3, EVENT, Arrays.copyOf(whole, 4))));
        assertEquals(ErrorKind.DECODE, truncated.kind());
        assertEquals("the Avro body is malformed (schema id 3 in field name): a length of 13 bytes exceeds the 2 bytes left"
                + " at byte 2 of the Avro body", truncated.getMessage());

        byte[] longer = Arrays.copyOf(whole, whole.length + 3);
        MappingException trailing = assertThrows(MappingException.class, () -> row(plan, decoded(3, EVENT, longer)));
        assertEquals(ErrorKind.DECODE, trailing.kind());
        assertTrue(trailing.getMessage().contains("3 bytes are left after the end of the record"), trailing.getMessage());

        byte[] badUnion = whole.clone();
        badUnion[badUnion.length - 2] = 8; // the union branch of 'any' (then its int): index 4 of 2
        MappingException union = assertThrows(MappingException.class, () -> row(plan, decoded(3, EVENT, badUnion)));
        assertEquals(ErrorKind.DECODE, union.kind());
        assertTrue(union.getMessage().contains("a union branch index"), union.getMessage());
    }

    @Test
    void missingAndNullValuesTakeTheDefaultTheZeroOrNull() throws Exception {
        List<TableColumn> columns = new ArrayList<>(List.of(
                new TableColumn("id", ClickHouseType.parse("Int64"), TableColumn.DefaultKind.NONE, ""),
                new TableColumn("missing", ClickHouseType.parse("Int32"), TableColumn.DefaultKind.DEFAULT, "42"),
                new TableColumn("missing_plain", ClickHouseType.parse("Int32"), TableColumn.DefaultKind.NONE, ""),
                new TableColumn("missing_null", ClickHouseType.parse("Nullable(Int32)"), TableColumn.DefaultKind.NONE, ""),
                new TableColumn("user", ClickHouseType.parse("Tuple(uid Int32, tags Array(String))"), TableColumn.DefaultKind.NONE, "")));
        TableSchema table = new TableSchema("default", "t", columns, dev.tributary.core.table.ServerVersion.parse("26.5"),
                java.time.ZoneId.of("UTC"), true);
        byte[] row = row(AvroSchemaMapper.create().plan(table, List.of()), decoded(3, EVENT, body(EVENT, event(9, "n", 5, null, 1))));
        RowBinaryOutput expected = new RowBinaryOutput();
        expected.writeByte(0);
        expected.writeLongLE(9);
        expected.writeByte(1);                    // DEFAULT 42 is the server's to compute
        expected.writeByte(0);
        expected.writeIntLE(0);                   // no DEFAULT: zero
        expected.writeByte(0);
        expected.writeByte(1);                    // Nullable: NULL
        expected.writeByte(0);
        expected.writeIntLE(0);                   // a null record: a Tuple of zeros
        expected.writeVarUInt(0);
        assertArrayEquals(expected.toByteArray(), row);

        MappingPlan strict = AvroSchemaMapper.of(DefaultSchemaMapper.builder().strict(true).build()).plan(table("id", "Int64", "missing", "Int32"), List.of());
        MappingException e = assertThrows(MappingException.class, () -> row(strict, decoded(3, EVENT, body(EVENT, event(9, "n", 5, null, 1)))));
        assertEquals("column missing: missing value for Int32 column without a DEFAULT (strict mode)", e.getMessage());
    }

    @Test
    void tupleElementsInAnotherOrderThanTheFieldsAreReordered() throws Exception {
        TableSchema table = table("user", "Tuple(tags Array(String), uid Int64, extra String, uid2 Int32)");
        MappingPlan plan = AvroSchemaMapper.of(DefaultSchemaMapper.builder().build()).plan(table, List.of());
        byte[] row = row(plan, decoded(3, EVENT, body(EVENT, event(1, "n", 5, 12, 1))));
        RowBinaryOutput expected = new RowBinaryOutput();
        expected.writeVarUInt(1);
        expected.writeString("t12");
        expected.writeLongLE(12);
        expected.writeVarUInt(0);
        expected.writeIntLE(0);
        assertArrayEquals(expected.toByteArray(), row);
    }

    @Test
    void enumSymbolsGoToEnumOrStringColumnsAndAnUnknownSymbolFailsOnlyItsMessages() throws Exception {
        Schema schema = parse("""
                {"type": "record", "name": "C", "fields": [
                  {"name": "c", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN", "BLUE"]}}]}""");
        MappingPlan plan = AvroSchemaMapper.create().plan(table("c", "Enum8('RED' = -1, 'GREEN' = 5)"), List.of());
        MappingPlan text = AvroSchemaMapper.create().plan(table("c", "LowCardinality(String)"), List.of());
        GenericData.Record green = record(schema, Map.of("c", new GenericData.EnumSymbol(schema.getField("c").schema(), "GREEN")));
        GenericData.Record blue = record(schema, Map.of("c", new GenericData.EnumSymbol(schema.getField("c").schema(), "BLUE")));
        assertArrayEquals(new byte[] {5}, row(plan, decoded(1, schema, body(schema, green))));
        assertArrayEquals(new byte[] {5, 'G', 'R', 'E', 'E', 'N'}, row(text, decoded(1, schema, body(schema, green))));
        MappingException e = assertThrows(MappingException.class, () -> row(plan, decoded(1, schema, body(schema, blue))));
        assertTrue(e.getMessage().startsWith("column c: value \"BLUE\" is not a name of the enum"), e.getMessage());
    }

    @Test
    void overridesAndVirtualColumnsAreFilledAsDefaultSchemaMapperFillsThem() throws Exception {
        TableSchema table = table("id", "Int64", "off", "UInt64", "src", "String", "uid", "Int32", "_offset", "UInt64");
        List<dev.tributary.core.VirtualColumn> virtuals = List.of(new dev.tributary.core.VirtualColumn("_offset", "UInt64", "offset"));
        dev.tributary.core.SourceRecord origin = new dev.tributary.core.SourceRecord() {
            @Override
            public dev.tributary.core.SourcePosition position() {
                return () -> "t/0";
            }

            @Override
            public byte[] key() {
                return null;
            }

            @Override
            public byte[] value() {
                return null;
            }

            @Override
            public long timestampMillis() {
                return 0;
            }

            @Override
            public Object virtualColumn(String name) {
                return 42L;
            }
        };
        DefaultSchemaMapper rules = DefaultSchemaMapper.builder().columnFromVirtual("off", "_offset").constant("src", "avro")
                .columnFromField("uid", "user.uid").build();
        MappingPlan fast = AvroSchemaMapper.of(rules).plan(table, virtuals);
        MappingPlan slow = rules.plan(table, virtuals);
        AvroRecord decoded = decoded(3, EVENT, body(EVENT, event(5, "n", 1, 77, 1)));
        RowBinaryOutput fastRow = new RowBinaryOutput();
        fast.writeRow(decoded, origin, fastRow);
        RowBinaryOutput slowRow = new RowBinaryOutput();
        slow.writeRow(decoded(3, EVENT, body(EVENT, event(5, "n", 1, 77, 1))), origin, slowRow);
        RowBinaryOutput expected = new RowBinaryOutput();
        expected.writeLongLE(5);
        expected.writeLongLE(42);
        expected.writeString("avro");
        expected.writeIntLE(77);
        expected.writeLongLE(42);
        assertArrayEquals(expected.toByteArray(), fastRow.toByteArray());
        assertArrayEquals(expected.toByteArray(), slowRow.toByteArray());
    }

    @Test
    void decimalsAreWrittenDirectlyWhenTheScaleMatchesAndCheckedForPrecision() throws Exception {
        Schema schema = parse("""
                {"type": "record", "name": "D", "fields": [
                  {"name": "d", "type": {"type": "bytes", "logicalType": "decimal", "precision": 30, "scale": 2}}]}""");
        for (String type : List.of("Decimal(9, 2)", "Decimal(18, 2)", "Decimal(30, 2)", "Decimal(60, 2)", "Decimal(12, 4)")) {
            TableSchema table = table("d", type);
            MappingPlan fast = AvroSchemaMapper.create().plan(table, List.of());
            MappingPlan slow = DefaultSchemaMapper.create().plan(table, List.of());
            for (String value : List.of("0.00", "-1.50", "123.45", "-9999999.99", "21474836.47", "-92233720368547758.08")) {
                byte[] bytes = body(schema, record(schema, Map.of("d", new java.math.BigDecimal(value))));
                String fastRow;
                String slowRow;
                try {
                    fastRow = HexFormat.of().formatHex(row(fast, decoded(1, schema, bytes)));
                } catch (MappingException e) {
                    fastRow = e.getMessage();
                }
                try {
                    slowRow = HexFormat.of().formatHex(row(slow, decoded(1, schema, bytes)));
                } catch (MappingException e) {
                    slowRow = e.getMessage().replace(" (field d, schema id 1)", "");
                }
                assertEquals(slowRow, fastRow.replace(" (field d, schema id 1)", ""), value + " into " + type);
            }
        }
    }

    @Test
    void aReaderSchemaRenamesByAliasAndFillsDefaults() throws Exception {
        Schema reader = parse("""
                {"type": "record", "name": "Event", "fields": [
                  {"name": "event_id", "type": "long", "aliases": ["id"]},
                  {"name": "count", "type": "long"},
                  {"name": "region", "type": "string", "default": "eu"}]}""");
        TableSchema table = table("event_id", "Int64", "region", "String", "count", "Int64");
        MappingPlan plan = AvroSchemaMapper.create().plan(table, List.of());
        byte[] message = AvroTestSupport.confluent(3, EVENT, event(17, "n", 5, 1, 1));
        AvroRecord record = new AvroRecord(message, 5, new ResolvedSchema(3, EVENT, reader));
        RowBinaryOutput expected = new RowBinaryOutput();
        expected.writeLongLE(17);
        expected.writeString("eu");
        expected.writeLongLE(5);
        assertArrayEquals(expected.toByteArray(), row(plan, record));
        // The slow path resolves the same way.
        assertArrayEquals(expected.toByteArray(), row(DefaultSchemaMapper.create().plan(table, List.of()),
                new AvroRecord(message, 5, new ResolvedSchema(3, EVENT, reader))));
    }
}
