package dev.tributary.core.types;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClickHouseTypeTest {

    /** Every type in its canonical text: parsing and printing gives the same text back. */
    @ParameterizedTest
    @ValueSource(strings = {
        "Int8", "Int16", "Int32", "Int64", "Int128", "Int256",
        "UInt8", "UInt16", "UInt32", "UInt64", "UInt128", "UInt256",
        "Float32", "Float64", "Bool", "String", "FixedString(1)", "FixedString(16777215)",
        "Date", "Date32", "DateTime", "DateTime('UTC')", "DateTime('Asia/Shanghai')",
        "DateTime64(0)", "DateTime64(9)", "DateTime64(3, 'America/New_York')", "DateTime64(6, 'Asia/Kolkata')",
        "Decimal(1, 0)", "Decimal(9, 2)", "Decimal(18, 18)", "Decimal(38, 10)", "Decimal(76, 20)", "Decimal(76, 76)",
        "Enum8('a' = 1)", "Enum8('a\\'b' = -1, 'c' = 2)", "Enum8('x' = -128, 'y' = 127)",
        "Enum16('lo' = -32768, 'hi' = 32767)", "Enum8('back\\\\slash' = 1, 'new\\nline' = 2, 'tab\\t' = 3)",
        "Enum8('' = 0, ' ' = 1)", "Enum8('世界' = 5)",
        "UUID", "IPv4", "IPv6",
        "LowCardinality(String)", "LowCardinality(Nullable(String))", "LowCardinality(FixedString(2))",
        "LowCardinality(UInt8)", "LowCardinality(Nullable(DateTime('UTC')))", "LowCardinality(Date)",
        "Nullable(Int8)", "Nullable(Decimal(10, 2))", "Nullable(Enum8('a' = 1))", "Nullable(DateTime64(3, 'UTC'))",
        "Array(Int8)", "Array(Array(Nullable(String)))", "Array(LowCardinality(Nullable(String)))",
        "Tuple(Int32)", "Tuple(Int32, String)", "Tuple(a Int32, b Nullable(String))",
        "Tuple(`a b` UInt8, `1` String, `x\\`y` Int8)", "Tuple(String String, Int8 Int8)",
        "Map(String, UInt64)", "Map(LowCardinality(String), Array(Nullable(Int64)))", "Map(UInt8, Map(String, Tuple(a Int8)))",
        "Nested(a UInt8, b String)", "Nested(n Nested(x Int8), y Array(UInt8))",
        "Array(Tuple(a Int32, b Nullable(String)))", "Map(String, Array(Nullable(Int64)))",
        "Tuple(a Array(Tuple(b Map(String, Tuple(c DateTime64(9, 'UTC'), d Enum16('e' = 1000))))))",
        "Variant(String, UInt64)", "Variant(Array(UInt32), Map(String, UInt32), String)", "Array(Variant(Bool, Int64))",
        "JSON", "JSON(max_dynamic_paths = 10, a.b UInt32, SKIP c)",
    })
    void canonicalTextRoundTrips(String text) {
        ClickHouseType type = ClickHouseType.parse(text);
        assertEquals(text, type.toString());
        assertEquals(type, ClickHouseType.parse(type.toString()));
        assertEquals(type.hashCode(), ClickHouseType.parse(text).hashCode());
    }

    /** Other spellings ClickHouse accepts, and their canonical text (as system.columns prints it). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "Decimal32(2)                           | Decimal(9, 2)",
        "Decimal64(4)                           | Decimal(18, 4)",
        "Decimal128(0)                          | Decimal(38, 0)",
        "Decimal256(20)                         | Decimal(76, 20)",
        "Decimal(5)                             | Decimal(5, 0)",
        "Decimal                                | Decimal(10, 0)",
        "Boolean                                | Bool",
        "Variant(UInt64, String)                | Variant(String, UInt64)",
        "Variant(Int64,Bool , Array(String))    | Variant(Array(String), Bool, Int64)",
        "Enum8('a', 'b')                        | Enum8('a' = 1, 'b' = 2)",
        "Enum8('a' = 5, 'b', 'c' = -1, 'd')     | Enum8('c' = -1, 'd' = 0, 'a' = 5, 'b' = 6)",
        "Enum('a' = 1000, 'b')                  | Enum16('a' = 1000, 'b' = 1001)",
        "Enum('a', 'b')                         | Enum8('a' = 1, 'b' = 2)",
        "Enum8('b' = 5, 'a' = -3)               | Enum8('a' = -3, 'b' = 5)",
        "Enum8('a''b' = -1, 'c' = +2)           | Enum8('a\\'b' = -1, 'c' = 2)",
        "Enum8('\\x41' = 1)                     | Enum8('A' = 1)",
        "DateTime64(3,'UTC')                    | DateTime64(3, 'UTC')",
        "  Array ( Nullable ( String ) )        | Array(Nullable(String))",
        "Tuple(`a` Int32,`b`String)             | Tuple(a Int32, b String)",
        "Map(String,Array(Nullable(Int64)))     | Map(String, Array(Nullable(Int64)))",
        "Tuple(\\n    a UInt8,\\n    b String)  | Tuple(a UInt8, b String)",
        "LowCardinality(Nullable(String))       | LowCardinality(Nullable(String))",
    })
    void otherSpellingsParseToTheCanonicalType(String text, String canonical) {
        assertEquals(canonical, ClickHouseType.parse(text.replace("\\n", "\n")).toString());
    }

    @Test
    void accessorsDescribeNestedTypes() {
        TupleType tuple = (TupleType) ClickHouseType.parse("Tuple(a Int32, b Nullable(String))");
        assertTrue(tuple.isNamed());
        assertEquals(List.of("a", "b"), tuple.names());
        assertEquals(List.of(SimpleType.INT32, new NullableType(SimpleType.STRING)), tuple.types());
        assertEquals(ClickHouseType.Kind.TUPLE, tuple.kind());
        assertFalse(TupleType.of(SimpleType.INT8).isNamed());

        MapType map = (MapType) ClickHouseType.parse("Map(String, Array(Nullable(Int64)))");
        assertSame(SimpleType.STRING, map.key());
        assertEquals(new ArrayType(new NullableType(SimpleType.INT64)), map.value());

        DecimalType decimal = (DecimalType) ClickHouseType.parse("Decimal256(20)");
        assertEquals(76, decimal.precision());
        assertEquals(20, decimal.scale());
        assertEquals(256, decimal.storageBits());
        assertEquals(32, new DecimalType(9, 0).storageBits());
        assertEquals(64, new DecimalType(10, 0).storageBits());
        assertEquals(128, new DecimalType(38, 0).storageBits());
        assertEquals(256, new DecimalType(39, 0).storageBits());

        DateTime64Type dateTime64 = (DateTime64Type) ClickHouseType.parse("DateTime64(6, 'Asia/Kolkata')");
        assertEquals(6, dateTime64.precision());
        assertEquals("Asia/Kolkata", dateTime64.timezone());
        assertEquals(ZoneId.of("Asia/Kolkata"), dateTime64.zoneOr(ZoneId.of("UTC")));
        DateTimeType dateTime = (DateTimeType) ClickHouseType.parse("DateTime");
        assertFalse(dateTime.hasTimezone());
        assertEquals(ZoneId.of("Europe/Paris"), dateTime.zoneOr(ZoneId.of("Europe/Paris")));

        EnumType enumType = (EnumType) ClickHouseType.parse("Enum8('a''b' = -1, 'c' = 2)");
        assertEquals(List.of(new EnumType.Value("a'b", -1), new EnumType.Value("c", 2)), enumType.values());
        assertEquals(-1, enumType.defaultNumber());
        assertEquals(ClickHouseType.Kind.ENUM8, enumType.kind());

        assertEquals(16, ((FixedStringType) ClickHouseType.parse("FixedString(16)")).length());
        assertEquals(SimpleType.UINT8, ((LowCardinalityType) ClickHouseType.parse("LowCardinality(UInt8)")).element());
        assertEquals(ClickHouseType.parse("Array(Tuple(a UInt8, b String))"),
                ((NestedType) ClickHouseType.parse("Nested(a UInt8, b String)")).asArrayOfTuples());
        assertTrue(SimpleType.UINT256.isInteger());
        assertFalse(SimpleType.UINT256.isSigned());
        assertEquals(256, SimpleType.UINT256.bits());
        assertFalse(SimpleType.FLOAT32.isInteger());
    }

    @Test
    void nullabilityIsThatOfTheColumn() {
        assertTrue(ClickHouseType.parse("Nullable(String)").isNullable());
        assertTrue(ClickHouseType.parse("LowCardinality(Nullable(String))").isNullable());
        assertFalse(ClickHouseType.parse("LowCardinality(String)").isNullable());
        assertFalse(ClickHouseType.parse("Array(Nullable(String))").isNullable());
        assertFalse(ClickHouseType.parse("String").isNullable());
    }

    @Test
    void equalityIsByValue() {
        assertEquals(ClickHouseType.parse("Enum8('a' = 1, 'b' = 2)"), ClickHouseType.parse("Enum8('b' = 2, 'a' = 1)"));
        assertEquals(ClickHouseType.parse("Decimal32(3)"), new DecimalType(9, 3));
        assertNotEquals(ClickHouseType.parse("Tuple(a Int8)"), ClickHouseType.parse("Tuple(Int8)"));
        assertNotEquals(ClickHouseType.parse("DateTime"), ClickHouseType.parse("DateTime('UTC')"));
        assertNotEquals(ClickHouseType.parse("Enum8('a' = 1)"), ClickHouseType.parse("Enum16('a' = 1)"));
        assertNotEquals(ClickHouseType.parse("Nested(a Int8)"), ClickHouseType.parse("Array(Tuple(a Int8))"));
    }

    /** Exact messages: the problem, its position, and the text in quotes. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "Array(Foo)                       | unknown type 'Foo' at position 6 in \"Array(Foo)\"",
        "int8                             | unknown type 'int8' at position 0 in \"int8\"",
        "Dynamic                          | unsupported type 'Dynamic' at position 0 in \"Dynamic\"",
        "Map(String, Dynamic)             | unsupported type 'Dynamic' at position 12 in \"Map(String, Dynamic)\"",
        "Variant(Nullable(Int8))          | Variant cannot hold Nullable(Int8) at position 0 in \"Variant(Nullable(Int8))\"",
        "Variant(Int8, Int8)              | Variant type Int8 is given twice at position 0 in \"Variant(Int8, Int8)\"",
        "Nullable(Variant(Int8))          | Nullable cannot hold Variant(Int8) at position 0 in \"Nullable(Variant(Int8))\"",
        "Nullable(JSON)                   | Nullable cannot hold JSON at position 0 in \"Nullable(JSON)\"",
        "Variant()                        | expected a type name but found ')' at position 8 in \"Variant()\"",
        "Nullable(Nullable(Int8))         | Nullable cannot hold Nullable(Int8) at position 0 in \"Nullable(Nullable(Int8))\"",
        "Array(Nullable(Array(Int8)))     | Nullable cannot hold Array(Int8) at position 6 in \"Array(Nullable(Array(Int8)))\"",
        "Nullable(LowCardinality(String)) | Nullable cannot hold LowCardinality(String) at position 0 in \"Nullable(LowCardinality(String))\"",
        "Nullable(Tuple(Int8))            | Nullable cannot hold Tuple(Int8) at position 0 in \"Nullable(Tuple(Int8))\"",
        "Nullable(Map(String, Int8))      | Nullable cannot hold Map(String, Int8) at position 0 in \"Nullable(Map(String, Int8))\"",
        "DateTime64(10)                   | DateTime64 precision 10 is outside 0..9 at position 0 in \"DateTime64(10)\"",
        "Decimal(5, 6)                    | Decimal scale 6 is outside 0..precision (5) at position 0 in \"Decimal(5, 6)\"",
        "Decimal(77, 2)                   | Decimal precision 77 is outside 1..76 at position 0 in \"Decimal(77, 2)\"",
        "Decimal(0)                       | Decimal precision 0 is outside 1..76 at position 0 in \"Decimal(0)\"",
        "Decimal32(10)                    | Decimal scale 10 is outside 0..precision (9) at position 0 in \"Decimal32(10)\"",
        "Enum8('a' = 128)                 | Enum8 value 'a' = 128 is outside -128..127 at position 0 in \"Enum8('a' = 128)\"",
        "Enum8('a' = -129)                | Enum8 value 'a' = -129 is outside -128..127 at position 0 in \"Enum8('a' = -129)\"",
        "Enum16('a' = 40000)              | Enum value 40000 is outside -32768..32767 at position 13 in \"Enum16('a' = 40000)\"",
        "Enum8('a' = 1, 'a' = 2)          | Enum8 name 'a' is given twice at position 0 in \"Enum8('a' = 1, 'a' = 2)\"",
        "Enum8('a' = 1, 'b' = 1)          | Enum8 number 1 is given twice at position 0 in \"Enum8('a' = 1, 'b' = 1)\"",
        "Enum8()                          | expected a quoted string but found ')' at position 6 in \"Enum8()\"",
        "Enum8('a                         | unterminated quoted string at position 6 in \"Enum8('a\"",
        "LowCardinality(Decimal(10, 2))   | LowCardinality cannot hold Decimal(10, 2) (only numbers, strings, dates, DateTime, UUID, IP addresses, Bool, or Nullable of those) at position 0 in \"LowCardinality(Decimal(10, 2))\"",
        "Map(Nullable(String), Int8)      | a Map key cannot be Nullable(String) at position 0 in \"Map(Nullable(String), Int8)\"",
        "Tuple(a Int8, String)            | Tuple mixes named and unnamed elements at position 0 in \"Tuple(a Int8, String)\"",
        "Tuple(a Int8, a String)          | Tuple element name a is given twice at position 0 in \"Tuple(a Int8, a String)\"",
        "Nested(Int8)                     | every Nested element needs a name at position 0 in \"Nested(Int8)\"",
        "FixedString(0)                   | FixedString length 0 is outside 1..16777215 at position 0 in \"FixedString(0)\"",
        "FixedString(99999999999)         | number too large at position 12 in \"FixedString(99999999999)\"",
        "DateTime('Mars/Olympus')         | unknown time zone 'Mars/Olympus' at position 0 in \"DateTime('Mars/Olympus')\"",
        "DateTime64                       | expected '(' but found the end at position 10 in \"DateTime64\"",
        "Array(Int8                       | expected ')' but found the end at position 10 in \"Array(Int8\"",
        "Int8)                            | unexpected ')' after the type at position 4 in \"Int8)\"",
        "Map(String)                      | expected ',' but found ')' at position 10 in \"Map(String)\"",
        "Array()                          | expected a type name but found ')' at position 6 in \"Array()\"",
        "Tuple()                          | expected a type name but found ')' at position 6 in \"Tuple()\"",
        "Int8 Int8                        | unexpected 'I' after the type at position 5 in \"Int8 Int8\"",
    })
    void invalidTextIsRefusedWithPosition(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClickHouseType.parse(text));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "LowCardinality(Array(String))", "LowCardinality(DateTime64(3))",
        "LowCardinality(Enum8('a' = 1))", "LowCardinality(LowCardinality(String))", "LowCardinality(Tuple(Int8))",
        "Nullable(Nested(a Int8))", "Decimal(10, -1)", "Enum8('a' = x)", "Tuple(`a Int8)", "Array(Int8))"})
    void moreInvalidTextIsRefused(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClickHouseType.parse(text));
        assertTrue(e.getMessage().contains(" at position ") && e.getMessage().endsWith(" in \"" + text + "\""), e.getMessage());
    }

    @Test
    void constructorsValidateToo() {
        assertThrows(IllegalArgumentException.class, () -> ClickHouseType.parse(null));
        assertThrows(IllegalArgumentException.class, () -> new DecimalType(10, 11));
        assertThrows(IllegalArgumentException.class, () -> new NullableType(new ArrayType(SimpleType.INT8)));
        assertThrows(IllegalArgumentException.class, () -> new TupleType(List.of("a"), List.of(SimpleType.INT8, SimpleType.INT8)));
        assertThrows(IllegalArgumentException.class, () -> new TupleType(List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new EnumType(32, List.of(new EnumType.Value("a", 1))));
        assertThrows(IllegalArgumentException.class, () -> new MapType(new LowCardinalityType(new NullableType(SimpleType.STRING)), SimpleType.INT8));
        assertThrows(IllegalArgumentException.class, () -> new DateTime64Type(-1, null));
        assertThrows(IllegalArgumentException.class, () -> new ArrayType(null));
    }
}
