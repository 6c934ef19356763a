/**
 * RowBinary encoding: {@link dev.tributary.core.rowbinary.ColumnEncoders#forType} builds one
 * {@link dev.tributary.core.rowbinary.ColumnEncoder} per column type, which converts decoded Java
 * values and appends them to a {@link dev.tributary.core.rowbinary.RowBinaryOutput}. The rules are
 * in {@code docs/type-conversions.md}.
 */
package dev.tributary.core.rowbinary;
