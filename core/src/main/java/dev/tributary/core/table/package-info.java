/**
 * A target table as the sink found it: {@link dev.tributary.core.table.TableSchema} (its insertable
 * {@link dev.tributary.core.table.TableColumn}s, the server's {@link dev.tributary.core.table.ServerVersion}
 * and time zone, the insert format), which mappers compile their plans for. Part of the API; it depends on
 * no sink, so the API package and {@code core.clickhouse} do not import each other.
 */
package dev.tributary.core.table;
