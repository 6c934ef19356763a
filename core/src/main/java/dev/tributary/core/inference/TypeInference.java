package dev.tributary.core.inference;

import dev.tributary.core.rowbinary.TextValues;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.DateTime64Type;
import dev.tributary.core.types.DateTimeType;
import dev.tributary.core.types.LowCardinalityType;
import dev.tributary.core.types.MapType;
import dev.tributary.core.types.NullableType;
import dev.tributary.core.types.SimpleType;
import dev.tributary.core.types.TupleType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The column type of one JSON field from the values seen of it, typed for a server version — the
 * rules of table inference ({@link TableInference}) for a single field, e.g. a field that appears
 * in records after the table was made. Values are as core's JSON decoder builds them (LinkedHashMap,
 * List, Long, BigInteger, BigDecimal, String, Boolean, null). The rules, in short (all in
 * {@code docs/schema.md}):
 *
 * <ul>
 *   <li>Booleans → {@code Bool} ({@code UInt8} before 21.12); integers (Booleans among them count as
 *       0 and 1) → the smallest {@code UInt}/{@code Int} 8..64 holding the range seen with
 *       {@code integerHeadroomBits} (default 10, ×1024) to spare, unsigned when no value was
 *       negative; wider values {@code Int128}/{@code Int256} (20.8+), else {@code String};
 *       numbers with a fraction or exponent → {@code Float64}.</li>
 *   <li>Text → {@code Date}, {@code DateTime} or {@code DateTime64(3|6|9)} (by the fraction digits;
 *       20.1+) when every value is date text the encoders accept and in the type's range; {@code UUID}
 *       when every value is canonical UUID text; else {@code LowCardinality(String)} when at most
 *       {@code lowCardinalityMaxDistinct} (default 10,000) values are distinct and each repeats on
 *       average (distinct ≤ half the values; servers 19.3+), else {@code String}.</li>
 *   <li>Mixed scalars: integers and fractions → {@code Float64}; text with numbers or Booleans, or
 *       fractions with Booleans → {@code String} (the String encoder writes numbers and Booleans as
 *       their text, so every value lands).</li>
 *   <li>Objects → a named {@code Tuple} of their keys' types; {@code Map(String, V)} (21.8+) when
 *       the keys look like ids (all digits, or UUIDs), are more than {@code maxTupleElements}
 *       (default 100), or vary a lot (16+ keys, each object holding under a quarter of them).
 *       Arrays → {@code Array} of the merged element type ({@code Array(String)} when only empty
 *       arrays were seen).</li>
 *   <li>Nulls → {@code Nullable(T)} where T can be; a field seen only as null → {@code Nullable(String)}.</li>
 *   <li>Left out (no type, see {@link InferredType#reason()}): a field seen as an object or array and
 *       as something else; only empty objects; a nested object or array that was null inside an
 *       object or array (a Tuple element drops it; an array of them is left out); arrays of objects
 *       before 21.1.</li>
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public final class TypeInference {

    /** The default of {@link Builder#lowCardinalityMaxDistinct}. */
    public static final int DEFAULT_LOW_CARDINALITY_MAX_DISTINCT = 10_000;
    /** The default of {@link Builder#integerHeadroomBits}. */
    public static final int DEFAULT_INTEGER_HEADROOM_BITS = 10;
    /** The default of {@link Builder#maxTupleElements}. */
    public static final int DEFAULT_MAX_TUPLE_ELEMENTS = 100;

    /** One day: local date-time text is read in the column's zone, which moves it by under a day. */
    private static final long ZONE_MARGIN = 86_400;
    private static final long DATETIME_MAX = 4_294_967_295L;
    private static final long DATETIME64_MIN = -2_208_988_800L; // 1900-01-01
    private static final long DATETIME64_END = 10_413_792_000L; // 2300-01-01
    private static final long DATETIME64_NANOS_MAX = 9_223_372_036L; // Int64 nanoseconds
    private static final long DATE_MAX_DAY = 65_535; // 2149-06-06
    private static final long DATE32_MIN_DAY = -25_567; // 1900-01-01
    private static final long DATE32_MAX_DAY = 120_529; // 2299-12-31

    /** Where a type sits: top-level columns may take a NULL as their zero; nested elements may not. */
    enum Place { COLUMN, TUPLE_ELEMENT, ARRAY_ELEMENT, MAP_VALUE }

    private final ServerVersion server;
    private final int lowCardinalityMaxDistinct;
    private final int integerHeadroomBits;
    private final int maxTupleElements;

    private TypeInference(Builder builder) {
        this.server = builder.server;
        this.lowCardinalityMaxDistinct = builder.lowCardinalityMaxDistinct;
        this.integerHeadroomBits = builder.integerHeadroomBits;
        this.maxTupleElements = builder.maxTupleElements;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The rules with their defaults, for {@code server}. */
    public static TypeInference forServer(ServerVersion server) {
        return builder().serverVersion(server).build();
    }

    /** The server the types are for. */
    public ServerVersion serverVersion() {
        return server;
    }

    /** The column type for a field seen once, with {@code value} (null: {@code Nullable(String)}). */
    public InferredType typeOf(Object value) {
        return typeOf(Collections.singletonList(value));
    }

    /** The column type for a field seen with these values (nulls included; an empty list: {@code Nullable(String)}). */
    public InferredType typeOf(List<?> values) {
        FieldProfile profile = newProfile();
        for (Object value : values) {
            profile.add(value);
        }
        return resolve(profile, Place.COLUMN);
    }

    /**
     * {@code type} as this server has it: {@code DateTime64} → {@code DateTime}, {@code Bool} →
     * {@code UInt8}, {@code LowCardinality(T)} → {@code T} where the server needs a setting for it,
     * inside any composite type too; a type with no stand-in here ({@code Map}, wide integers...)
     * is refused naming {@code what}.
     */
    public ClickHouseType forServer(ClickHouseType type, String what) {
        return switch (type.kind()) {
            case DATETIME64 -> server.supportsDateTime64() ? type : DateTimeType.WITHOUT_TIMEZONE;
            case BOOL -> server.supportsBool() ? type : SimpleType.UINT8;
            case LOW_CARDINALITY -> server.supportsLowCardinalityByDefault()
                    ? new LowCardinalityType(forServer(((LowCardinalityType) type).element(), what))
                    : forServer(((LowCardinalityType) type).element(), what);
            case NULLABLE -> new NullableType(forServer(((NullableType) type).element(), what));
            case ARRAY -> new ArrayType(forServer(((ArrayType) type).element(), what));
            case TUPLE -> new TupleType(((TupleType) type).names(),
                    ((TupleType) type).types().stream().map(element -> forServer(element, what)).toList());
            case MAP -> {
                if (!server.supportsMap()) {
                    throw new IllegalArgumentException(what + " is " + type + ", and ClickHouse " + server + " has no Map");
                }
                yield new MapType(forServer(((MapType) type).key(), what), forServer(((MapType) type).value(), what));
            }
            case INT128, INT256, UINT128, UINT256 -> {
                if (!server.supportsWideIntegers()) {
                    throw new IllegalArgumentException(what + " is " + type + ", which ClickHouse " + server + " lacks");
                }
                yield type;
            }
            case DATE32 -> server.supportsDate32() ? type : SimpleType.DATE;
            default -> type;
        };
    }

    FieldProfile newProfile() {
        // One more than the limit: enough to tell "within" from "over".
        return new FieldProfile(Math.max(lowCardinalityMaxDistinct, 1));
    }

    /** Whether a field's text values qualify as low-cardinality (also used for the sorting key). */
    boolean lowCardinality(FieldProfile profile) {
        int distinct = profile.distinctCount();
        return distinct > 0 && distinct <= lowCardinalityMaxDistinct && 2L * distinct <= profile.strings;
    }

    InferredType resolve(FieldProfile profile, Place place) {
        if (profile.present() == 0) {
            InferredType onlyNulls = InferredType.of(SimpleType.STRING, profile.nulls == 0 ? "no value seen"
                    : "only nulls seen (" + profile.nulls + ")");
            return withNulls(onlyNulls, place, Math.max(profile.nulls, 1));
        }
        if (profile.kinds() > 1 && (profile.objects > 0 || profile.arrays > 0)) {
            return InferredType.leftOut("seen as " + kindsOf(profile)
                    + ": no column type takes objects or arrays and other values alike");
        }
        InferredType base;
        if (profile.objects > 0) {
            base = objectType(profile, place);
        } else if (profile.arrays > 0) {
            base = arrayType(profile);
        } else {
            base = scalarType(profile);
        }
        return !base.isTyped() || profile.nulls == 0 ? base : withNulls(base, place, profile.nulls);
    }

    private InferredType withNulls(InferredType base, Place place, long nulls) {
        ClickHouseType type = base.type();
        String why = base.reason() + "; null " + nulls + " time" + (nulls == 1 ? "" : "s");
        if (type instanceof LowCardinalityType lowCardinality) {
            return InferredType.of(new LowCardinalityType(new NullableType(lowCardinality.element())), why + ": Nullable");
        }
        if (canBeNullable(type)) {
            return InferredType.of(new NullableType(type), why + ": Nullable");
        }
        if (place == Place.COLUMN) {
            return InferredType.of(type, why + ": a null " + type.kind().name().toLowerCase() + " column gets its zero"
                    + " (ClickHouse has no Nullable " + type.kind().name().toLowerCase() + ")");
        }
        return InferredType.leftOut(why + " inside an object or array, and a nested " + type.kind().name().toLowerCase()
                + " cannot be Nullable");
    }

    static boolean canBeNullable(ClickHouseType type) {
        return switch (type.kind()) {
            case ARRAY, MAP, TUPLE, NESTED, NULLABLE, LOW_CARDINALITY, VARIANT, JSON -> false;
            default -> true;
        };
    }

    private static String kindsOf(FieldProfile profile) {
        List<String> kinds = new ArrayList<>();
        if (profile.booleans > 0) kinds.add("Boolean");
        if (profile.integers > 0) kinds.add("integer");
        if (profile.fractions > 0) kinds.add("fraction");
        if (profile.strings > 0) kinds.add("text");
        if (profile.objects > 0) kinds.add("object");
        if (profile.arrays > 0) kinds.add("array");
        return String.join(", ", kinds);
    }

    private InferredType scalarType(FieldProfile profile) {
        boolean numbers = profile.integers > 0 || profile.fractions > 0;
        if (profile.strings > 0) {
            return numbers || profile.booleans > 0
                    ? InferredType.of(SimpleType.STRING, "seen as " + kindsOf(profile) + ": String (numbers and Booleans as their text)")
                    : textType(profile);
        }
        if (profile.fractions > 0) {
            return profile.booleans > 0
                    ? InferredType.of(SimpleType.STRING, "seen as " + kindsOf(profile) + ": String (Float64 takes no Boolean)")
                    : InferredType.of(SimpleType.FLOAT64, "numbers with a fraction or exponent"
                            + (profile.integers > 0 ? " and integers" : ""));
        }
        if (profile.integers == 0) {
            return server.supportsBool() ? InferredType.of(SimpleType.BOOL, "Booleans")
                    : InferredType.of(SimpleType.UINT8, "Booleans; " + server + " has no Bool: UInt8 (0 and 1)");
        }
        return integerType(profile);
    }

    private InferredType integerType(FieldProfile profile) {
        BigInteger min = profile.min;
        BigInteger max = profile.max;
        boolean signed = min.signum() < 0;
        int bits = signed ? Math.max(min.bitLength(), max.bitLength()) + 1 : Math.max(1, max.bitLength());
        int wanted = bits + integerHeadroomBits;
        int width = 0;
        for (int candidate : new int[] {8, 16, 32, 64}) {
            if (candidate >= wanted) {
                width = candidate;
                break;
            }
        }
        if (width == 0) {
            width = bits <= 64 ? 64 : bits <= 128 ? 128 : bits <= 256 ? 256 : 0; // headroom never forces a wide type
        }
        String seen = "integers " + min + ".." + max + (profile.booleans > 0 ? " (Booleans as 0/1)" : "");
        if (width == 0 || width > 64 && !server.supportsWideIntegers()) {
            return InferredType.of(SimpleType.STRING, seen + ": wider than " + (width == 0 ? "256 bits" : "64 bits on " + server)
                    + ", String keeps the digits");
        }
        SimpleType type = SimpleType.valueOf((signed ? "INT" : "UINT") + width);
        return InferredType.of(type, seen + ": " + type + (width >= wanted && integerHeadroomBits > 0
                ? " leaves " + integerHeadroomBits + " bits of headroom" : "")
                + (signed ? "" : ", no negative value seen"));
    }

    private InferredType textType(FieldProfile profile) {
        long count = profile.strings;
        if (profile.dates + profile.dateTimes == count) {
            InferredType temporal = profile.dateTimes == 0 ? dateType(profile) : dateTimeType(profile);
            if (temporal != null) {
                return temporal;
            }
        } else if (profile.uuids == count) {
            return InferredType.of(SimpleType.UUID, "UUID text");
        }
        int distinct = profile.distinctCount();
        String seen = "text, " + (distinct < 0 ? "over " + lowCardinalityMaxDistinct : distinct) + " distinct of " + count;
        if (lowCardinality(profile)) {
            if (server.supportsLowCardinalityByDefault()) {
                return InferredType.of(new LowCardinalityType(SimpleType.STRING), seen + ": LowCardinality");
            }
            return InferredType.of(SimpleType.STRING, seen + ": String (LowCardinality needs a setting on " + server + ")");
        }
        return InferredType.of(SimpleType.STRING, seen);
    }

    private InferredType dateType(FieldProfile profile) {
        long firstDay = Math.floorDiv(profile.minEpochSecond, 86_400);
        long lastDay = Math.floorDiv(profile.maxEpochSecond, 86_400);
        if (firstDay >= 0 && lastDay <= DATE_MAX_DAY) {
            return InferredType.of(SimpleType.DATE, "date text (YYYY-MM-DD)");
        }
        if (server.supportsDate32() && firstDay >= DATE32_MIN_DAY && lastDay <= DATE32_MAX_DAY) {
            return InferredType.of(SimpleType.DATE32, "date text (YYYY-MM-DD) outside Date's 1970..2149");
        }
        return null;
    }

    private InferredType dateTimeType(FieldProfile profile) {
        int digits = profile.maxFractionDigits;
        int precision = digits == 0 ? 0 : digits <= 3 ? 3 : digits <= 6 ? 6 : 9;
        long first = profile.minEpochSecond;
        long last = profile.maxEpochSecond;
        boolean inDateTime = first >= ZONE_MARGIN && last <= DATETIME_MAX - ZONE_MARGIN;
        boolean inDateTime64 = first >= DATETIME64_MIN + ZONE_MARGIN && last <= DATETIME64_END - ZONE_MARGIN
                && (precision < 9 || last <= DATETIME64_NANOS_MAX - ZONE_MARGIN);
        String seen = "date-time text" + (digits > 0 ? " with up to " + digits + " fraction digits" : "");
        if (server.supportsDateTime64() && inDateTime64 && (precision > 0 || !inDateTime)) {
            return InferredType.of(new DateTime64Type(precision, null), seen + (inDateTime ? "" : ", outside DateTime's 1970..2106"));
        }
        if (inDateTime) {
            return InferredType.of(DateTimeType.WITHOUT_TIMEZONE, seen + (precision > 0
                    ? ": DateTime keeps whole seconds (" + server + " has no DateTime64)" : ""));
        }
        return null;
    }

    private InferredType objectType(FieldProfile profile, Place place) {
        Map<String, FieldProfile> fields = profile.fields;
        int keys = fields.size();
        if (keys == 0) {
            return InferredType.leftOut("only empty objects seen: no key to type");
        }
        if (place == Place.ARRAY_ELEMENT && !server.supportsNamedTuplesInArrays()) {
            return InferredType.leftOut("objects in an array: named Tuples in an Array need ClickHouse 21.1 (the server is "
                    + server + ")");
        }
        boolean idKeys = fields.keySet().stream().allMatch(TypeInference::looksLikeId);
        boolean sparse = keys >= 16 && profile.keysTotal * 4 < (long) keys * profile.objects;
        String mapNote = "";
        if (idKeys || sparse || keys > maxTupleElements) {
            String why = idKeys ? "keys that look like ids" : sparse ? keys + " keys, each object has about "
                    + Math.max(1, profile.keysTotal / profile.objects) : keys + " keys (over " + maxTupleElements + ")";
            if (server.supportsMap()) {
                FieldProfile values = newProfile();
                fields.values().forEach(values::merge);
                InferredType value = resolve(values, Place.MAP_VALUE);
                if (value.isTyped()) {
                    return InferredType.of(new MapType(SimpleType.STRING, value.type()), "objects with " + why + ": Map");
                }
                mapNote = "; not a Map (" + why + "): its values have no one type";
            } else {
                mapNote = "; not a Map (" + why + "): " + server + " has no Map";
            }
        }
        if (keys > maxTupleElements) {
            return InferredType.leftOut("objects with " + keys + " keys, over the " + maxTupleElements + " a Tuple is made of" + mapNote);
        }
        List<String> names = new ArrayList<>();
        List<ClickHouseType> types = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        fields.forEach((key, child) -> {
            InferredType element = key.isEmpty() ? InferredType.leftOut("an empty key") : resolve(child, Place.TUPLE_ELEMENT);
            if (element.isTyped()) {
                names.add(key);
                types.add(element.type());
            } else {
                dropped.add((key.isEmpty() ? "\"\"" : key) + " (" + element.reason() + ")");
            }
        });
        if (names.isEmpty()) {
            return InferredType.leftOut("no key of the objects has a type: " + String.join("; ", dropped));
        }
        return InferredType.of(new TupleType(names, types), "objects with " + keys + " key" + (keys == 1 ? "" : "s")
                + ": named Tuple" + mapNote + (dropped.isEmpty() ? "" : "; left out: " + String.join("; ", dropped)));
    }

    private static boolean looksLikeId(String key) {
        if (key.isEmpty()) {
            return false;
        }
        if (TextValues.isCanonicalUuid(key)) {
            return true;
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) < '0' || key.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private InferredType arrayType(FieldProfile profile) {
        FieldProfile elements = profile.elements;
        if (elements == null) {
            return InferredType.of(new ArrayType(SimpleType.STRING), "only empty arrays seen: Array(String) takes any scalar");
        }
        InferredType element = resolve(elements, Place.ARRAY_ELEMENT);
        if (!element.isTyped()) {
            return InferredType.leftOut("array elements: " + element.reason());
        }
        return InferredType.of(new ArrayType(element.type()), "arrays of " + element.reason());
    }

    /** The rules' settings; {@link #build()} checks them. */
    public static final class Builder {
        private ServerVersion server = ServerVersion.parse("24.8");
        private int lowCardinalityMaxDistinct = DEFAULT_LOW_CARDINALITY_MAX_DISTINCT;
        private int integerHeadroomBits = DEFAULT_INTEGER_HEADROOM_BITS;
        private int maxTupleElements = DEFAULT_MAX_TUPLE_ELEMENTS;

        private Builder() {
        }

        /** The server the types are for (default: a modern one, 24.8). */
        public Builder serverVersion(ServerVersion server) {
            this.server = Objects.requireNonNull(server, "server");
            return this;
        }

        /** {@link #serverVersion(ServerVersion)} from text, e.g. {@code "18.16"}. */
        public Builder serverVersion(String server) {
            return serverVersion(ServerVersion.parse(Objects.requireNonNull(server, "server")));
        }

        /** Text with at most this many distinct values (each repeating) becomes LowCardinality; 0: never (default 10,000). */
        public Builder lowCardinalityMaxDistinct(int maxDistinct) {
            this.lowCardinalityMaxDistinct = maxDistinct;
            return this;
        }

        /** Bits to spare above the integers seen when sizing an integer type (default 10: 1024 times the range). */
        public Builder integerHeadroomBits(int bits) {
            this.integerHeadroomBits = bits;
            return this;
        }

        /** Objects with more keys than this become a Map (or are left out where there is none) (default 100). */
        public Builder maxTupleElements(int max) {
            this.maxTupleElements = max;
            return this;
        }

        public TypeInference build() {
            if (lowCardinalityMaxDistinct < 0 || lowCardinalityMaxDistinct > 1_000_000) {
                throw new IllegalArgumentException("TypeInference: lowCardinalityMaxDistinct must be 0..1000000 (0: never),"
                        + " was " + lowCardinalityMaxDistinct);
            }
            if (integerHeadroomBits < 0 || integerHeadroomBits > 64) {
                throw new IllegalArgumentException("TypeInference: integerHeadroomBits must be 0..64, was " + integerHeadroomBits
                        + "; 10 sizes a column for 1024 times the values seen");
            }
            if (maxTupleElements < 1 || maxTupleElements > 10_000) {
                throw new IllegalArgumentException("TypeInference: maxTupleElements must be 1..10000, was " + maxTupleElements);
            }
            return new TypeInference(this);
        }
    }
}
