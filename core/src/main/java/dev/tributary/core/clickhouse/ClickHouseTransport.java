package dev.tributary.core.clickhouse;

import java.util.List;
import java.util.Map;

/**
 * What runs statements against one ClickHouse: a server over HTTP ({@link ClickHouseConnection}), or
 * an engine in this process. Opened by a {@link ClickHouseTarget}; the sink, its error table, schema
 * discovery and the Kinesis checkpoint store talk to ClickHouse only through it. Thread-safe.
 *
 * <p>Every failure is a {@link ClickHouseException} carrying the server's code (parsed from the
 * message by the transport when the server gives it only there), the HTTP status if any, and the
 * cause chain.
 */
public interface ClickHouseTransport extends AutoCloseable {

    /** Runs a statement that returns nothing (CREATE, ALTER, SYSTEM, ...). */
    void execute(String sql) throws ClickHouseException;

    /**
     * Runs a query whose SQL ends with its output format (e.g. {@code "... FORMAT JSONEachRow"}) and
     * returns the output. The format is named in the SQL, never negotiated, so that every server
     * version answers in it.
     */
    byte[] query(String sql) throws ClickHouseException;

    /**
     * Inserts {@code length} bytes of {@code data} from {@code offset}, already in {@code format}
     * (e.g. "RowBinary", "RowBinaryWithDefaults"), into {@code quotedTable} naming {@code quotedColumns}
     * (all columns when empty), with a query id and per-insert settings.
     *
     * @param quotedTable   {@code `db`.`table`}
     * @param quotedColumns the columns the data holds, in order, each backquoted; empty for all
     * @param settings      server settings for this insert only (name → value)
     */
    void insert(String quotedTable, List<String> quotedColumns, byte[] data, int offset, int length,
                String format, String queryId, Map<String, String> settings) throws ClickHouseException;

    /** A short description for logs, never with credentials (e.g. "http://127.0.0.1:8123", "embedded chDB 26.5.3 at /data"). */
    String describe();

    /** Releases connections or the engine; a request under way ends with a failure. */
    @Override
    void close();
}
