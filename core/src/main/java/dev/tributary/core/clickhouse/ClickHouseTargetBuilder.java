package dev.tributary.core.clickhouse;

import dev.tributary.core.internal.Checks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * The part of a builder that says which ClickHouse to use: a shared {@link ClickHouseTarget}
 * ({@link #connection} or {@link #target}), or shortcuts that fill a {@link ClickHouseConnection}
 * of the builder's own. The sink and the Kinesis checkpoint store both build on it, so they take
 * the same settings the same way; giving a target and a shortcut too is refused at {@code build()}.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class ClickHouseTargetBuilder<B extends ClickHouseTargetBuilder<B>> {

    private ClickHouseTarget target;
    private final ClickHouseConnection.Builder connection = ClickHouseConnection.builder();
    private Duration requestTimeout;
    private String database;

    protected ClickHouseTargetBuilder() {
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The ClickHouse server to use, shared with other users of it (e.g. the sink and a checkpoint store). */
    public B connection(ClickHouseConnection connection) {
        return target(connection);
    }

    /** Where to write: a {@link ClickHouseConnection}, or another target such as an embedded engine. */
    public B target(ClickHouseTarget target) {
        this.target = Objects.requireNonNull(target, "target");
        return self();
    }

    /** The table's database (default: the target's database, {@code default} unless set there). */
    public B database(String database) {
        this.database = database;
        return self();
    }

    /** The database set with {@link #database}, else the target's. */
    protected String databaseOf(ClickHouseTarget target) {
        return database != null ? database : target.database();
    }

    /**
     * Shortcut for {@link ClickHouseConnection.Builder#endpoint}: the HTTP(S) endpoint, e.g.
     * {@code http://127.0.0.1:8123} or {@code https://host:8443}. Required unless a target is given.
     */
    public B endpoint(String endpoint) {
        connection.endpoint(endpoint);
        return self();
    }

    /** Shortcut for {@link ClickHouseConnection.Builder#credentials}. */
    public B credentials(String user, String password) {
        connection.credentials(user, password);
        return self();
    }

    /** Shortcut for {@link ClickHouseConnection.Builder#connectTimeout} (default 10 s). */
    public B connectTimeout(Duration connectTimeout) {
        connection.connectTimeout(connectTimeout);
        return self();
    }

    /**
     * Shortcut for {@link ClickHouseConnection.Builder#requestTimeout}: how long one request may take
     * before it is abandoned (the default depends on the builder: 2 min for the sink, 30 s for the
     * checkpoint store).
     */
    public B requestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
        return self();
    }

    /** Shortcut for {@link ClickHouseConnection.Builder#compression}: whether requests are compressed (default true). */
    public B compression(boolean compression) {
        connection.compression(compression);
        return self();
    }

    /** Shortcut for {@link ClickHouseConnection.Builder#trustedCertificate}: a CA (PEM) to trust besides the JVM's. */
    public B trustedCertificate(Path pem) {
        connection.trustedCertificate(pem);
        return self();
    }

    /** Shortcut for {@link ClickHouseConnection.Builder#clientCertificate}: a certificate and key (PEM) for mutual TLS. */
    public B clientCertificate(Path certificatePem, Path keyPem) {
        connection.clientCertificate(certificatePem, keyPem);
        return self();
    }

    /** Shortcut for {@link ClickHouseConnection.Builder#clientOption}: any client-v2 option, passed through as is. */
    public B clientOption(String name, String value) {
        connection.clientOption(name, value);
        return self();
    }

    /**
     * The target these settings name: the one given, or a connection built from the shortcuts, with
     * {@code defaultRequestTimeout} unless one was set and the {@link #database} (if set) as its
     * default database. Messages name {@code component}.
     */
    protected ClickHouseTarget resolveTarget(String component, Duration defaultRequestTimeout) {
        if (requestTimeout != null || target == null) {
            connection.requestTimeout(requestTimeout != null ? requestTimeout : defaultRequestTimeout);
        }
        ClickHouseTarget resolved = connection.resolve(component, target, database);
        if (database != null) {
            Checks.requireText(component, database, "database", "database(\"default\")");
        }
        return resolved;
    }
}
