/**
 * ClickHouse's Native format: {@link dev.tributary.core.internal.nativeformat.NativeBlockWriter} turns rows
 * already encoded as RowBinary (or RowBinaryWithDefaults) into one Native block, column by column,
 * without decoding any value. See {@code docs/native.md}. Internal (used by the sink's insert threads): no
 * compatibility promise, see {@code docs/architecture.md}, "Public API".
 */
package dev.tributary.core.internal.nativeformat;
