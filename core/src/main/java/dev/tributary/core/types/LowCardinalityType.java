package dev.tributary.core.types;

/**
 * {@code LowCardinality(T)}: T stored through a dictionary. In RowBinary a value is written as T.
 * T is a number, {@code String}, {@code FixedString}, a date, {@code DateTime}, {@code UUID},
 * an IP address or {@code Bool}, or {@code Nullable} of one of those.
 */
public record LowCardinalityType(ClickHouseType element) implements ClickHouseType {

    public LowCardinalityType {
        ClickHouseType inner = element instanceof NullableType nullable ? nullable.element() : element;
        if (!(inner instanceof SimpleType || inner instanceof FixedStringType || inner instanceof DateTimeType)) {
            throw new IllegalArgumentException("LowCardinality cannot hold " + element
                    + " (only numbers, strings, dates, DateTime, UUID, IP addresses, Bool, or Nullable of those)");
        }
    }

    @Override
    public Kind kind() {
        return Kind.LOW_CARDINALITY;
    }

    @Override
    public boolean isNullable() {
        return element.isNullable();
    }

    @Override
    public String toString() {
        return "LowCardinality(" + element + ")";
    }
}
