/**
 * ClickHouse's Native format: {@link dev.tributary.core.nativeformat.NativeBlockWriter} turns rows
 * already encoded as RowBinary (or RowBinaryWithDefaults) into one Native block, column by column,
 * without decoding any value. See {@code docs/native.md}.
 */
package dev.tributary.core.nativeformat;
