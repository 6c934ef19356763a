package dev.tributary.core.inference;

import dev.tributary.core.rowbinary.TextValues;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What was seen of one field across a sample: how many values of each kind (null, Boolean,
 * integer, fraction, text, object, array), the integers' range, what the text looked like (dates,
 * date-times, UUIDs, how many distinct values), and, for objects and arrays, the same for their
 * keys and elements. Built by {@link #add}, merged by {@link #merge}; read by {@link TypeInference}.
 * Not thread-safe.
 */
final class FieldProfile {

    /** Distinct text values are counted up to this many (then the count only says "more"). */
    private final int distinctLimit;

    long nulls;
    long booleans;
    long integers;
    long fractions;
    long strings;
    long objects;
    long arrays;
    /** Also over Booleans, read as 0 and 1 (the integer encoders take them so). */
    BigInteger min;
    BigInteger max;

    long dates;
    long dateTimes;
    int maxFractionDigits;
    long minEpochSecond = Long.MAX_VALUE;
    long maxEpochSecond = Long.MIN_VALUE;
    long uuids;
    final Set<String> distinct = new HashSet<>();
    boolean distinctOverflow;

    /** Keys seen in objects, in the order first seen. */
    final Map<String, FieldProfile> fields = new LinkedHashMap<>();
    long keysTotal;
    /** The elements of every array (null until one has an element). */
    FieldProfile elements;

    FieldProfile(int distinctLimit) {
        this.distinctLimit = distinctLimit;
    }

    /** Values that are not null. */
    long present() {
        return booleans + integers + fractions + strings + objects + arrays;
    }

    /** How many different kinds of non-null values were seen. */
    int kinds() {
        int kinds = 0;
        for (long count : new long[] {booleans, integers, fractions, strings, objects, arrays}) {
            kinds += count > 0 ? 1 : 0;
        }
        return kinds;
    }

    void add(Object value) {
        if (value == null) {
            nulls++;
        } else if (value instanceof Boolean bool) {
            booleans++;
            range(bool ? BigInteger.ONE : BigInteger.ZERO);
        } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            integers++;
            range(BigInteger.valueOf(((Number) value).longValue()));
        } else if (value instanceof BigInteger big) {
            integers++;
            range(big);
        } else if (value instanceof BigDecimal || value instanceof Double || value instanceof Float) {
            fractions++; // the JSON decoder gives a BigDecimal for every number with a point or an exponent
        } else if (value instanceof CharSequence text) {
            addText(text.toString());
        } else if (value instanceof Map<?, ?> map) {
            objects++;
            keysTotal += map.size();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                fields.computeIfAbsent(String.valueOf(entry.getKey()), key -> new FieldProfile(distinctLimit)).add(entry.getValue());
            }
        } else if (value instanceof List<?> list) {
            arrays++;
            for (Object element : list) {
                elements().add(element);
            }
        } else {
            addText(value.toString()); // another decoder's value (a UUID, an Instant): as its text
        }
    }

    private FieldProfile elements() {
        if (elements == null) {
            elements = new FieldProfile(distinctLimit);
        }
        return elements;
    }

    private void range(BigInteger value) {
        min = min == null || value.compareTo(min) < 0 ? value : min;
        max = max == null || value.compareTo(max) > 0 ? value : max;
    }

    private void addText(String text) {
        strings++;
        TextValues.DateTimeReading reading = TextValues.dateTime(text);
        if (reading != null) {
            if (reading.hasTime()) {
                dateTimes++;
            } else {
                dates++;
            }
            maxFractionDigits = Math.max(maxFractionDigits, reading.fractionDigits());
            minEpochSecond = Math.min(minEpochSecond, reading.epochSecond());
            maxEpochSecond = Math.max(maxEpochSecond, reading.epochSecond());
        } else if (TextValues.isCanonicalUuid(text)) {
            uuids++;
        }
        if (!distinctOverflow) {
            distinct.add(text);
            if (distinct.size() > distinctLimit) {
                distinctOverflow = true;
                distinct.clear(); // the exact values are no longer needed
            }
        }
    }

    /** Adds what {@code other} saw to this profile (for the values of a Map, which share one type). */
    void merge(FieldProfile other) {
        nulls += other.nulls;
        booleans += other.booleans;
        integers += other.integers;
        fractions += other.fractions;
        strings += other.strings;
        objects += other.objects;
        arrays += other.arrays;
        if (other.min != null) {
            range(other.min);
            range(other.max);
        }
        dates += other.dates;
        dateTimes += other.dateTimes;
        maxFractionDigits = Math.max(maxFractionDigits, other.maxFractionDigits);
        minEpochSecond = Math.min(minEpochSecond, other.minEpochSecond);
        maxEpochSecond = Math.max(maxEpochSecond, other.maxEpochSecond);
        uuids += other.uuids;
        if (other.distinctOverflow) {
            distinctOverflow = true;
            distinct.clear();
        } else if (!distinctOverflow) {
            distinct.addAll(other.distinct);
            if (distinct.size() > distinctLimit) {
                distinctOverflow = true;
                distinct.clear();
            }
        }
        keysTotal += other.keysTotal;
        other.fields.forEach((key, profile) -> fields.computeIfAbsent(key, k -> new FieldProfile(distinctLimit)).merge(profile));
        if (other.elements != null) {
            elements().merge(other.elements);
        }
    }

    /** Distinct text values seen, or -1 when more than the limit. */
    int distinctCount() {
        return distinctOverflow ? -1 : distinct.size();
    }
}
