package dev.tributary.core.clickhouse;

/**
 * Where the sink, its error table and the Kinesis checkpoint store write: something that opens a
 * {@link ClickHouseTransport}. {@link ClickHouseConnection} is a server over HTTP(S); an embedded
 * engine (module {@code tributary-chdb}) is another. Implementations are immutable and validated
 * when built; {@link #toString()} never shows a secret.
 */
public interface ClickHouseTarget {

    /** Opens a transport; the caller closes it. Does not contact the server yet. */
    ClickHouseTransport open();

    /** The database a user of this target works in unless told otherwise (e.g. {@code default}). */
    String database();

    /** A short description for logs and messages, never with credentials (e.g. "http://127.0.0.1:8123"). */
    String describe();
}
