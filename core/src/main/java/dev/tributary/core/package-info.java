/**
 * Tributary's API: a {@link dev.tributary.core.Pipeline} moves records from a
 * {@link dev.tributary.core.Source} through a {@link dev.tributary.core.Decoder} and a
 * {@link dev.tributary.core.SchemaMapper} into a {@link dev.tributary.core.BatchingSink}.
 */
package dev.tributary.core;
