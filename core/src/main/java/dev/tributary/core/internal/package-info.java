/**
 * Core's internals, public only so that other Tributary modules (and core's other packages) can use
 * them: SQL quoting ({@link dev.tributary.core.internal.Identifiers}), strict UTF-8
 * ({@link dev.tributary.core.internal.Utf8}), the JSON field reader of the fast path, the rule for a
 * missing value ({@link dev.tributary.core.internal.AbsentValues}) and the columns of the Avro and Protobuf
 * fast paths ({@link dev.tributary.core.internal.FastPathColumns}), the one retry
 * {@link dev.tributary.core.internal.Backoff} and the builders' argument {@link dev.tributary.core.internal.Checks}.
 * Not API: a {@code *.internal.*} package carries no compatibility promise and may change in any release; see
 * {@code docs/architecture.md}, "Public API".
 */
package dev.tributary.core.internal;
