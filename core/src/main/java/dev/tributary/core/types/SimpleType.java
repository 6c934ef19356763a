package dev.tributary.core.types;

import java.util.HashMap;
import java.util.Map;

/** The ClickHouse types that take no parameters. */
public enum SimpleType implements ClickHouseType {
    INT8("Int8", Kind.INT8, 8, true),
    INT16("Int16", Kind.INT16, 16, true),
    INT32("Int32", Kind.INT32, 32, true),
    INT64("Int64", Kind.INT64, 64, true),
    INT128("Int128", Kind.INT128, 128, true),
    INT256("Int256", Kind.INT256, 256, true),
    UINT8("UInt8", Kind.UINT8, 8, false),
    UINT16("UInt16", Kind.UINT16, 16, false),
    UINT32("UInt32", Kind.UINT32, 32, false),
    UINT64("UInt64", Kind.UINT64, 64, false),
    UINT128("UInt128", Kind.UINT128, 128, false),
    UINT256("UInt256", Kind.UINT256, 256, false),
    FLOAT32("Float32", Kind.FLOAT32, 32, true),
    FLOAT64("Float64", Kind.FLOAT64, 64, true),
    BOOL("Bool", Kind.BOOL, 8, false),
    STRING("String", Kind.STRING, 0, false),
    DATE("Date", Kind.DATE, 16, false),
    DATE32("Date32", Kind.DATE32, 32, true),
    UUID("UUID", Kind.UUID, 128, false),
    IPV4("IPv4", Kind.IPV4, 32, false),
    IPV6("IPv6", Kind.IPV6, 128, false);

    private static final Map<String, SimpleType> BY_NAME = namesToTypes();

    private final String typeName;
    private final Kind kind;
    private final int bits;
    private final boolean signed;

    SimpleType(String typeName, Kind kind, int bits, boolean signed) {
        this.typeName = typeName;
        this.kind = kind;
        this.bits = bits;
        this.signed = signed;
    }

    private static Map<String, SimpleType> namesToTypes() {
        Map<String, SimpleType> names = new HashMap<>();
        for (SimpleType type : values()) {
            names.put(type.typeName, type);
        }
        names.put("Boolean", BOOL); // an alias that system.columns never prints
        return Map.copyOf(names);
    }

    /** The type of that name ({@code Boolean} is read as {@code Bool}), or null. */
    static SimpleType byName(String name) {
        return BY_NAME.get(name);
    }

    @Override
    public Kind kind() {
        return kind;
    }

    /** Whether this is one of the integer types {@code Int8} … {@code UInt256}. */
    public boolean isInteger() {
        return ordinal() <= UINT256.ordinal();
    }

    /** Whether values can be negative (integers, floats and {@code Date32}). */
    public boolean isSigned() {
        return signed;
    }

    /** The size of a value in RowBinary, in bits; 0 for {@code String}, whose size varies. */
    public int bits() {
        return bits;
    }

    @Override
    public String toString() {
        return typeName;
    }
}
