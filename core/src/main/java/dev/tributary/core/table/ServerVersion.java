package dev.tributary.core.table;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ClickHouse server's version, from {@code SELECT version()}. Features are enabled by version,
 * never assumed: the users' servers are modern (23.x and later, ClickHouse Cloud), but an old one
 * must still be served correctly.
 */
public record ServerVersion(int major, int minor, int patch, String text) implements Comparable<ServerVersion> {

    private static final Pattern VERSION = Pattern.compile("^(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

    /** Parses {@code 18.16.1}, {@code 24.8.4.13}, {@code 25.3.1.1-cloud}, ... */
    public static ServerVersion parse(String text) {
        Matcher matcher = VERSION.matcher(text.trim());
        if (!matcher.find()) {
            throw new IllegalArgumentException("not a ClickHouse version: '" + text + "'");
        }
        return new ServerVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3)), text.trim());
    }

    public boolean atLeast(int otherMajor, int otherMinor) {
        return major > otherMajor || (major == otherMajor && minor >= otherMinor);
    }

    /** The RowBinaryWithDefaults input format (ClickHouse 23.2). */
    public boolean supportsRowBinaryWithDefaults() {
        return atLeast(23, 2);
    }

    /** Reading a JSON column's RowBinary value as JSON text: {@code input_format_binary_read_json_as_string} (ClickHouse 24.10). */
    public boolean supportsJsonAsString() {
        return atLeast(24, 10);
    }

    /**
     * The {@code Variant} type without a setting (ClickHouse 25.3; 24.1 to 25.2 have it only behind
     * {@code allow_experimental_variant_type}, which a {@code CREATE TABLE} made for them cannot rely on).
     */
    public boolean supportsVariant() {
        return atLeast(25, 3);
    }

    /**
     * A Native block's NULL in a Nullable column sent for a non-Nullable one taken as "use the
     * DEFAULT expression" ({@code input_format_null_as_default} with the block's missing-values mask,
     * ClickHouse PR #46284, February 2023; 23.3 taken as its first release to be safe). Older servers
     * that take Native (18.16 included) get rows that use a DEFAULT as RowBinaryWithDefaults, or have none.
     */
    public boolean supportsNativeNullAsDefault() {
        return atLeast(23, 3);
    }

    /**
     * {@code ALTER TABLE ... ADD COLUMN IF NOT EXISTS} (18.16 lacks it; present in the 2019 releases, 20.3
     * taken to be safe). Older servers get a plain {@code ADD COLUMN}, whose "already exists" refusal the
     * caller takes for the column being there.
     */
    public boolean supportsAddColumnIfNotExists() {
        return atLeast(20, 3);
    }

    /** The {@code insert_deduplication_token} setting (ClickHouse 22.2). */
    public boolean supportsInsertDeduplicationToken() {
        return atLeast(22, 2);
    }

    /** Table TTL ({@code TTL time + INTERVAL ...} in {@code CREATE TABLE}; ClickHouse 19.6). */
    public boolean supportsTableTtl() {
        return atLeast(19, 6);
    }

    /** The {@code Bool} type (ClickHouse 21.12); older servers store booleans as {@code UInt8}. */
    public boolean supportsBool() {
        return atLeast(21, 12);
    }

    /** The {@code Map(K, V)} type without an experimental setting (ClickHouse 21.8). */
    public boolean supportsMap() {
        return atLeast(21, 8);
    }

    /** The {@code DateTime64(P)} type (ClickHouse 20.1). */
    public boolean supportsDateTime64() {
        return atLeast(20, 1);
    }

    /** The {@code Date32} type (ClickHouse 21.9). */
    public boolean supportsDate32() {
        return atLeast(21, 9);
    }

    /** {@code Int128}, {@code Int256}, {@code UInt128}, {@code UInt256} (ClickHouse 20.8). */
    public boolean supportsWideIntegers() {
        return atLeast(20, 8);
    }

    /** Element names of a {@code Tuple} inside an {@code Array} (before 21.1 they parse only outside one). */
    public boolean supportsNamedTuplesInArrays() {
        return atLeast(21, 1);
    }

    /**
     * {@code LowCardinality} columns without the {@code allow_experimental_low_cardinality_type}
     * setting (its default became on in ClickHouse 19.3; 18.16 refuses such a column without it).
     */
    public boolean supportsLowCardinalityByDefault() {
        return atLeast(19, 3);
    }

    @Override
    public int compareTo(ServerVersion other) {
        int byMajor = Integer.compare(major, other.major);
        if (byMajor != 0) {
            return byMajor;
        }
        int byMinor = Integer.compare(minor, other.minor);
        return byMinor != 0 ? byMinor : Integer.compare(patch, other.patch);
    }

    @Override
    public String toString() {
        return text;
    }
}
