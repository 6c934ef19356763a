package dev.tributary.core.inference;

import dev.tributary.core.table.ServerVersion;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each rule of {@link TypeInference}, on a modern server (24.8) and on 18.16. */
class TypeInferenceTest {

    private static final TypeInference MODERN = TypeInference.forServer(ServerVersion.parse("24.8"));
    private static final TypeInference OLD = TypeInference.forServer(ServerVersion.parse("18.16.1"));

    private static String type(TypeInference rules, Object... values) {
        InferredType inferred = rules.typeOf(Arrays.asList(values));
        return inferred.isTyped() ? inferred.type().toString() : null;
    }

    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @Test
    void booleansAreBoolOnModernServersAndUInt8Before2112() {
        assertEquals("Bool", type(MODERN, true, false));
        assertEquals("UInt8", type(OLD, true, false));
        assertEquals("UInt8", type(TypeInference.forServer(ServerVersion.parse("21.11")), true));
        assertEquals("Bool", type(TypeInference.forServer(ServerVersion.parse("21.12")), true));
    }

    @Test
    void integersAreSizedToTheValuesSeenWithTenBitsOfHeadroom() {
        assertEquals("UInt16", type(MODERN, 0L, 39L));             // 6 bits + 10 -> 16
        assertEquals("UInt32", type(MODERN, 0L, 999L));            // 10 bits + 10 -> 32
        assertEquals("UInt64", type(MODERN, 2_000_000_000L));      // 31 + 10 -> 64
        assertEquals("Int16", type(MODERN, -5L, 5L));              // 4 bits signed + 10 -> 16
        assertEquals("Int32", type(MODERN, -1000L, 3L));
        assertEquals("Int64", type(MODERN, Long.MIN_VALUE, 0L));   // headroom never forces a wider type
        assertEquals("UInt64", type(MODERN, new BigInteger("18446744073709551615")));
    }

    @Test
    void headroomIsConfigurable() {
        TypeInference tight = TypeInference.builder().serverVersion("24.8").integerHeadroomBits(0).build();
        assertEquals("UInt8", type(tight, 0L, 255L));
        assertEquals("Int8", type(tight, -128L, 127L));
        assertEquals("Int16", type(tight, -129L));
        assertThrows(IllegalArgumentException.class, () -> TypeInference.builder().integerHeadroomBits(65).build());
    }

    @Test
    void integersBeyond64BitsAreWideTypesWhereTheServerHasThemElseString() {
        BigInteger big = BigInteger.TWO.pow(100);
        assertEquals("UInt128", type(MODERN, big));
        assertEquals("Int256", type(MODERN, big.pow(2).negate()));
        assertEquals("String", type(MODERN, BigInteger.TWO.pow(300)));
        assertEquals("String", type(OLD, big));
    }

    @Test
    void integersWithBooleansStayIntegersAndFractionsMakeFloat64() {
        assertEquals("UInt16", type(MODERN, true, 5L));
        assertEquals("Float64", type(MODERN, 1L, new BigDecimal("1.5")));
        assertEquals("Float64", type(MODERN, new BigDecimal("1e3")));
        assertEquals("String", type(MODERN, true, new BigDecimal("1.5")));
    }

    @Test
    void textMixedWithNumbersOrBooleansIsString() {
        assertEquals("String", type(MODERN, "a", 1L));
        assertEquals("String", type(MODERN, "2024-01-01 00:00:00", true));
    }

    @Test
    void dateTimeTextIsDateTimeOrDateTime64ByItsFractionDigits() {
        assertEquals("DateTime", type(MODERN, "2024-01-01 10:00:00", "2024-01-01T10:00:00Z", "2024-01-02"));
        assertEquals("DateTime64(3)", type(MODERN, "2024-01-01 10:00:00.5", "2024-01-01 10:00:00"));
        assertEquals("DateTime64(6)", type(MODERN, "2024-01-01T10:00:00.123456+02:00"));
        assertEquals("DateTime64(9)", type(MODERN, "2024-01-01T10:00:00.1234567"));
        assertEquals("DateTime", type(OLD, "2024-01-01 10:00:00.123"));  // 18.16 has no DateTime64
        assertEquals("DateTime64(0)", type(MODERN, "1950-06-01 00:00:00")); // before DateTime's 1970
        assertEquals("String", type(OLD, "1950-06-01 00:00:00"));
        assertEquals("String", type(MODERN, "2024-01-01 10:00:00", "yesterday"));
        assertEquals("String", type(MODERN, "2024-02-30 10:00:00"));     // the encoders refuse that day
        assertEquals("String", type(MODERN, "1700000000"));              // epoch digits are not taken for dates
    }

    @Test
    void dateTextIsDateOrDate32() {
        assertEquals("Date", type(MODERN, "2024-01-31", "1970-01-01"));
        assertEquals("Date32", type(MODERN, "1969-07-20"));
        assertEquals("String", type(OLD, "1969-07-20"));
    }

    @Test
    void uuidTextIsUuid() {
        assertEquals("UUID", type(MODERN, "123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"));
        assertEquals("String", type(MODERN, "123e4567-e89b-12d3-a456-42661417400g"));
        assertEquals("String", type(MODERN, "123e4567e89b12d3a456426614174000")); // 32 hex digits: a hash as often as a UUID
    }

    @Test
    void repeatingTextIsLowCardinalityUnderTheThreshold() {
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            values.add("kind-" + i % 10);
        }
        assertEquals("LowCardinality(String)", MODERN.typeOf(values).type().toString());
        assertEquals("String", OLD.typeOf(values).type().toString()); // 18.16 needs a setting for LowCardinality
        TypeInference fewer = TypeInference.builder().lowCardinalityMaxDistinct(9).build();
        assertEquals("String", fewer.typeOf(values).type().toString());
        assertEquals("String", type(MODERN, "a", "b", "c"));           // each value once: not low-cardinality
        assertEquals("String", type(MODERN, "only one"));
    }

    @Test
    void nullsMakeNullableAndOnlyNullsNullableString() {
        assertEquals("Nullable(UInt16)", type(MODERN, 1L, null));
        assertEquals("Nullable(String)", type(MODERN, (Object) null));
        assertEquals("Nullable(String)", MODERN.typeOf(List.of()).type().toString());
        List<Object> values = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            values.add(i % 5 == 0 ? null : "k" + i % 3);
        }
        assertEquals("LowCardinality(Nullable(String))", MODERN.typeOf(values).type().toString());
    }

    @Test
    void aNullArrayOrObjectColumnIsNotNullable() {
        assertEquals("Array(UInt16)", type(MODERN, List.of(1L), null));
        InferredType tuple = MODERN.typeOf(Arrays.asList(object("a", 1L), null));
        assertEquals("Tuple(a UInt16)", tuple.type().toString());
        assertTrue(tuple.reason().contains("zero"), tuple.reason());
    }

    @Test
    void objectsAreNamedTuplesWithNullableElementsAndDropNullNestedObjects() {
        assertEquals("Tuple(a UInt16, b Nullable(String), c Tuple(d Bool))",
                type(MODERN, object("a", 1L, "b", "x", "c", object("d", true)), object("b", null)));
        InferredType dropped = MODERN.typeOf(List.of(object("a", 1L, "c", object("d", 1L)), object("a", 2L, "c", null)));
        assertEquals("Tuple(a UInt16)", dropped.type().toString());
        assertTrue(dropped.reason().contains("left out: c"), dropped.reason());
        assertEquals("Tuple(a Tuple(b Nullable(String)))", type(OLD, object("a", object("b", "x")), object("a", object("b", null))));
    }

    @Test
    void objectsWithIdKeysOrManyVaryingKeysAreMaps() {
        assertEquals("Map(String, UInt16)", type(MODERN, object("1", 5L, "22", 7L), object("3", 1L)));
        List<Object> sparse = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sparse.add(object("key" + i, "v" + i));
        }
        assertEquals("Map(String, String)", MODERN.typeOf(sparse).type().toString());
        assertEquals("Map(String, UInt16)", type(TypeInference.builder().maxTupleElements(2).build(), object("a", 1L, "b", 2L, "c", 3L)));
        // 18.16 has no Map: id keys become a Tuple, too many keys leave the field out.
        assertEquals("Tuple(`1` UInt16)", type(OLD, object("1", 5L)));
        assertNull(type(TypeInference.builder().serverVersion("18.16").maxTupleElements(2).build(), object("a", 1L, "b", 2L, "c", 3L)));
        // Values of different kinds merge as a scalar would (String), or, with arrays among them, make a Tuple after all.
        assertEquals("Map(String, String)", type(MODERN, object("1", 5L, "2", "x")));
        assertEquals("Tuple(`1` UInt16, `2` Array(UInt16))", type(MODERN, object("1", 5L, "2", List.of(1L))));
    }

    @Test
    void arraysHaveTheMergedElementType() {
        assertEquals("Array(Float64)", type(MODERN, List.of(1L, new BigDecimal("2.5")), List.of()));
        assertEquals("Array(String)", type(MODERN, List.of(), List.of()));
        assertEquals("Array(Nullable(UInt16))", type(MODERN, Arrays.asList(1L, null)));
        assertEquals("Array(Array(String))", type(MODERN, List.of(List.of("a"), List.of("b", "c"))));
        assertEquals("Array(Tuple(a UInt16))", type(MODERN, List.of(object("a", 1L))));
    }

    @Test
    void whatNoTypeTakesIsLeftOutWithTheReason() {
        InferredType mixed = MODERN.typeOf(List.of(object("a", 1L), "text"));
        assertFalse(mixed.isTyped());
        assertTrue(mixed.reason().contains("object"), mixed.reason());
        assertNull(type(MODERN, List.of(1L), 5L));
        assertNull(type(MODERN, object(), object()));                         // only empty objects
        assertNull(type(MODERN, Arrays.asList(List.of(1L), null)));            // an array holding null arrays
        assertNull(type(OLD, List.of(object("a", 1L))));                        // arrays of objects before 21.1
    }

    @Test
    void aSingleValueHasATypeForSchemaEvolution() {
        assertEquals("UInt16", MODERN.typeOf(7L).type().toString());
        assertEquals("String", MODERN.typeOf("x").type().toString());
        assertEquals("DateTime", MODERN.typeOf("2024-01-01 00:00:00").type().toString());
    }
}
