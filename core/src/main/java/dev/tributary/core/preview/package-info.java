/**
 * Looking at a stream before choosing a table: {@link dev.tributary.core.preview.Preview} reads a
 * few records through a source's {@link dev.tributary.core.RecordSampler} (which commits nothing)
 * and shows each one raw, decoded and with its virtual columns.
 */
package dev.tributary.core.preview;
