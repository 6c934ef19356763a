package dev.tributary.avro;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableSchema;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tributary.avro.AvroTestSupport.decoded;
import static dev.tributary.avro.AvroTestSupport.parse;
import static dev.tributary.avro.AvroTestSupport.table;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Avro messages built to hurt: a recursive record 10,000 levels deep in 20 KB (a StackOverflowError
 * in Avro's generic reader and in the fast path's skipper before the bound), arrays of items that
 * take no bytes at all (millions of them from a few bytes), a big-decimal with a huge exponent into
 * a String column. Each is a DECODE or MAPPING error, or a small value, at once, on both paths.
 */
class HostileAvroTest {

    /** A linked list: each node may hold the next. */
    static final Schema LIST = parse("""
            {"type": "record", "name": "Node", "fields": [
              {"name": "id", "type": "long"},
              {"name": "next", "type": ["null", "Node"]}
            ]}""");
    /** A tree: each node holds an array of nodes. */
    static final Schema TREE = parse("""
            {"type": "record", "name": "Tree", "fields": [
              {"name": "id", "type": "long"},
              {"name": "children", "type": {"type": "array", "items": "Tree"}}
            ]}""");
    /** An array of nulls next to an id: items of no bytes at all. */
    static final Schema NULLS = parse("""
            {"type": "record", "name": "Nulls", "fields": [
              {"name": "id", "type": "long"},
              {"name": "nothing", "type": {"type": "array", "items": "null"}}
            ]}""");
    static final Schema BIG_DECIMAL = parse("""
            {"type": "record", "name": "Amount", "fields": [
              {"name": "id", "type": "long"},
              {"name": "amount", "type": {"type": "bytes", "logicalType": "big-decimal"}}
            ]}""");

    private static final TableSchema ID_ONLY = table("id", "Int64");

    /** The body of a list {@code depth} nodes long (2 bytes a node: id 0, then branch 1 or, last, 0). */
    static byte[] deepList(int depth) {
        byte[] body = new byte[2 * depth];
        for (int i = 0; i < depth; i++) {
            body[2 * i] = 0;
            body[2 * i + 1] = (byte) (i == depth - 1 ? 0 : 2);
        }
        return body;
    }

    /** The body of a tree {@code depth} levels deep, one child a level (id 0, a block of 1, ..., then the 0 ends). */
    static byte[] deepTree(int depth) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < depth - 1; i++) {
            body.write(0); // id
            body.write(2); // a block of one child
        }
        body.write(0); // the innermost id
        body.write(0); // and its empty array
        for (int i = 0; i < depth - 1; i++) {
            body.write(0); // the end of each enclosing array
        }
        return body.toByteArray();
    }

    /** An id and {@code blocks} blocks of a million nulls each: 4 bytes a block. */
    static byte[] millionsOfNulls(int blocks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0);
        for (int i = 0; i < blocks; i++) {
            body.writeBytes(new byte[] {(byte) 0x80, (byte) 0x89, 0x7a}); // zigzag varint of 1,000,000
        }
        body.write(0);
        return body.toByteArray();
    }

    private static List<MappingPlan> plans(TableSchema table) {
        return List.of(AvroSchemaMapper.create().plan(table, List.of()), DefaultSchemaMapper.create().plan(table, List.of()));
    }

    private static MappingException refused(MappingPlan plan, Schema schema, byte[] body) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(MappingException.class,
                () -> plan.writeRow(decoded(1, schema, body), AvroTestSupport.sourceRecord(body), new RowBinaryOutput())),
                "refused at once");
    }

    @Test
    void aRecursiveRecordTenThousandLevelsDeepIsADecodeErrorOnBothPaths() {
        byte[] body = deepList(10_000);
        assertEquals(20_000, body.length);
        for (MappingPlan plan : plans(ID_ONLY)) {
            MappingException e = refused(plan, LIST, body);
            assertEquals(ErrorKind.DECODE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("nested deeper than 100"), e.getMessage());
            assertTrue(!e.getMessage().contains("in field id"), "the skipped field is named, not the last one read: "
                    + e.getMessage());
        }
        for (MappingPlan plan : plans(ID_ONLY)) {
            MappingException e = refused(plan, TREE, deepTree(10_000));
            assertEquals(ErrorKind.DECODE, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("nested deeper than 100"), e.getMessage());
        }
    }

    @Test
    void aRecursiveRecordWithinTheBoundIsRead() throws MappingException {
        for (MappingPlan plan : plans(ID_ONLY)) {
            for (byte[] body : List.of(deepList(100), deepTree(100))) {
                RowBinaryOutput out = new RowBinaryOutput();
                plan.writeRow(decoded(1, body.length == 200 ? LIST : TREE, body), AvroTestSupport.sourceRecord(body), out);
                assertArrayEquals(new byte[8], out.toByteArray(), "id 0");
            }
        }
    }

    @Test
    void millionsOfItemsOfNoBytesAreRefusedWhetherReadOrSkipped() {
        byte[] body = millionsOfNulls(2_000); // 6 KB: two billion nulls
        for (TableSchema table : List.of(ID_ONLY, table("id", "Int64", "nothing", "Array(Nullable(String))"))) {
            for (MappingPlan plan : plans(table)) {
                MappingException e = refused(plan, NULLS, body);
                assertEquals(ErrorKind.DECODE, e.kind(), e.getMessage());
                assertTrue(e.getMessage().contains("items that take no bytes"), e.getMessage());
            }
        }
    }

    @Test
    void aBigDecimalWithAHugeExponentIntoStringIsItsScientificText() throws MappingException {
        Map<String, Object> fields = Map.of("id", 1L, "amount", new BigDecimal("1e999999999"));
        byte[] body = AvroTestSupport.body(BIG_DECIMAL, AvroTestSupport.record(BIG_DECIMAL, fields));
        TableSchema table = table("id", "Int64", "amount", "String");
        for (MappingPlan plan : plans(table)) {
            RowBinaryOutput out = new RowBinaryOutput();
            assertTimeoutPreemptively(Duration.ofSeconds(5),
                    () -> plan.writeRow(decoded(1, BIG_DECIMAL, body), AvroTestSupport.sourceRecord(body), out));
            byte[] row = out.toByteArray();
            assertEquals("1E+999999999", new String(row, 9, row.length - 9, StandardCharsets.UTF_8));
        }
    }
}
