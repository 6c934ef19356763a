/**
 * The ClickHouse type model: {@link dev.tributary.core.types.ClickHouseType#parse(String)} reads a
 * type as {@code system.columns} prints it into immutable values compared by value, and
 * {@link dev.tributary.core.types.ValueConversionException} reports a value that does not convert.
 */
package dev.tributary.core.types;
