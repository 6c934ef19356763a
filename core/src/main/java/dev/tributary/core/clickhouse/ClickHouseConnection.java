package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.Client;
import dev.tributary.core.internal.Checks;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How to reach one ClickHouse server over HTTP(S): endpoint, database, credentials, TLS (a trusted
 * CA, a client certificate for mutual TLS), timeouts, compression and client-v2 options. Immutable
 * and validated by {@link Builder#build()}, which names a wrong setting and its fix; shared by the
 * sink, its error table and the Kinesis checkpoint store, each of which {@link #open() opens} its own
 * {@link ClickHouseTransport}. The password is never printed ({@link #toString()} masks it) and
 * credentials in the endpoint URL are refused, so that the endpoint can be logged.
 *
 * <pre>{@code
 * ClickHouseConnection clickhouse = ClickHouseConnection.builder()
 *         .endpoint("https://clickhouse.internal:8443")
 *         .credentials("ingest", System.getenv("CLICKHOUSE_PASSWORD"))
 *         .trustedCertificate(Path.of("/etc/tributary/ca.pem"))
 *         .build();
 * ClickHouseSink.builder().connection(clickhouse).table("events").build();
 * }</pre>
 */
public final class ClickHouseConnection implements ClickHouseTarget {

    /** Default of {@link Builder#connectTimeout}. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Default of {@link Builder#requestTimeout}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private final String endpoint;
    private final String database;
    private final String user;
    private final String password;
    private final Path trustedCertificate;
    private final Path clientCertificate;
    private final Path clientKey;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final boolean compression;
    private final Map<String, String> clientOptions;

    private ClickHouseConnection(Builder b) {
        this.endpoint = b.endpoint.trim();
        this.database = b.database;
        this.user = b.user;
        this.password = b.password;
        this.trustedCertificate = b.trustedCertificate;
        this.clientCertificate = b.clientCertificate;
        this.clientKey = b.clientKey;
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.compression = b.compression;
        this.clientOptions = Map.copyOf(b.clientOptions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A new HTTP transport through client-v2, set up for every server version: output formats are
     * named in the SQL, responses are never compressed (18.x answers a compressed-response request
     * with an empty body), insert bodies are compressed (LZ4, by the transport itself: client-v2's
     * request compression fails on data it cannot shrink) when {@link Builder#compression} is on.
     */
    @Override
    public ClickHouseTransport open() {
        Client.Builder client = new Client.Builder()
                .addEndpoint(endpoint)
                .setUsername(user)
                .setPassword(password)
                .setDefaultDatabase(database)
                .compressClientRequest(false)
                .compressServerResponse(false)
                .setConnectTimeout(connectTimeout.toMillis())
                .setSocketTimeout(requestTimeout.toMillis())
                .setClientName("tributary");
        if (trustedCertificate != null) {
            client.setRootCertificate(trustedCertificate.toString());
        }
        if (clientCertificate != null) {
            client.setClientCertificate(clientCertificate.toString()).setClientKey(clientKey.toString());
        }
        clientOptions.forEach(client::setOption);
        return new HttpTransport(client.build(), requestTimeout.toMillis(), endpoint, compression);
    }

    /** The endpoint URL (holds no credentials: {@link Builder#build()} refuses them). */
    public String endpoint() {
        return endpoint;
    }

    @Override
    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public boolean compression() {
        return compression;
    }

    /** The client-v2 options passed through as they are (e.g. {@code clickhouse_setting_...}). */
    public Map<String, String> clientOptions() {
        return clientOptions;
    }

    @Override
    public String describe() {
        return endpoint;
    }

    @Override
    public String toString() {
        // The password is never printed, nor the key's path (it says where the secret is).
        return "ClickHouseConnection{endpoint=" + endpoint + ", database=" + database + ", user=" + user
                + ", password=" + (password.isEmpty() ? "(none)" : "****")
                + (trustedCertificate != null ? ", trustedCertificate=" + trustedCertificate : "")
                + (clientCertificate != null ? ", clientCertificate=" + clientCertificate + ", clientKey=****" : "")
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
                + ", compression=" + compression
                + (clientOptions.isEmpty() ? "" : ", clientOptions=" + clientOptions.keySet()) + "}";
    }

    /** Builds a {@link ClickHouseConnection}; {@link #build()} checks every setting and names the wrong one. */
    public static final class Builder {
        private static final String COMPONENT = "ClickHouseConnection";

        private String endpoint;
        private String database = "default";
        private String user = "default";
        private String password = "";
        private Path trustedCertificate;
        private Path clientCertificate;
        private Path clientKey;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private boolean compression = true;
        private final Map<String, String> clientOptions = new LinkedHashMap<>();
        /** The settings given, in order, so that {@link #resolve} can name them. */
        private final Set<String> given = new LinkedHashSet<>();

        private Builder() {
        }

        /** The HTTP(S) endpoint, e.g. {@code http://127.0.0.1:8123} or {@code https://host:8443}. Required. */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            given.add("endpoint");
            return this;
        }

        /** The database statements run in by default (default {@code default}). */
        public Builder database(String database) {
            this.database = database;
            given.add("database");
            return this;
        }

        /** The user and password (default {@code default} with no password); never in the endpoint URL. */
        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            given.add("credentials");
            return this;
        }

        /** A CA certificate (PEM) to trust for an {@code https} endpoint, besides the JVM's. */
        public Builder trustedCertificate(Path pem) {
            this.trustedCertificate = pem;
            given.add("trustedCertificate");
            return this;
        }

        /** A client certificate and key (PEM) for mutual TLS. */
        public Builder clientCertificate(Path certificatePem, Path keyPem) {
            this.clientCertificate = certificatePem;
            this.clientKey = keyPem;
            given.add("clientCertificate");
            return this;
        }

        /** How long establishing a connection may take (default 10 s). */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            given.add("connectTimeout");
            return this;
        }

        /** How long one request may take before it is abandoned (default 2 min). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            given.add("requestTimeout");
            return this;
        }

        /** Whether requests (the batches) are compressed on the wire (default true); responses never are. */
        public Builder compression(boolean compression) {
            this.compression = compression;
            given.add("compression");
            return this;
        }

        /** Any client-v2 option, passed through as is. */
        public Builder clientOption(String name, String value) {
            this.clientOptions.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            given.add("clientOption");
            return this;
        }

        public ClickHouseConnection build() {
            return validated();
        }

        /**
         * For a builder that takes either a target or, as shortcuts, this builder's settings (the
         * sink's, the Kinesis checkpoint store's): {@code target} if one was given (refusing shortcuts
         * beside it, which it would silently ignore), else this connection built with
         * {@code database} (when not null) as its database. A wrong setting is reported as a setting
         * of {@code component}, with its fix.
         */
        public ClickHouseTarget resolve(String component, ClickHouseTarget target, String database) {
            if (target != null) {
                if (!given.isEmpty()) {
                    throw new IllegalArgumentException(component + ": both a connection and " + given + " are set; set "
                            + given + " on the ClickHouseConnection, or leave connection(...) unset");
                }
                return target;
            }
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException(component + ": endpoint is not set; call endpoint(\"http://host:8123\")"
                        + " or connection(ClickHouseConnection...)");
            }
            if (database != null) {
                this.database = database;
            }
            try {
                return validated();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage().replaceFirst("^ClickHouseConnection: ", component + ": "));
            }
        }

        private ClickHouseConnection validated() {
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("ClickHouseConnection: endpoint is not set; call endpoint(\"http://host:8123\")");
            }
            refuseCredentialsInEndpoint(endpoint);
            URI uri;
            try {
                uri = URI.create(endpoint.trim());
            } catch (IllegalArgumentException e) {
                // Not chained: URISyntaxException quotes the whole input.
                throw new IllegalArgumentException("ClickHouseConnection: endpoint '" + endpoint
                        + "' is not a URL; use http://host:8123 or https://host:8443");
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null || uri.getPort() == 0) {
                throw new IllegalArgumentException("ClickHouseConnection: endpoint '" + endpoint
                        + "' must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8123");
            }
            Checks.requireText(COMPONENT, database, "database", "database(\"default\")");
            Checks.requireText(COMPONENT, user, "credentials user", "credentials(\"default\", \"\")");
            if (password == null) {
                throw new IllegalArgumentException("ClickHouseConnection: the credentials password is null; use \"\" for none");
            }
            Checks.requirePositive(COMPONENT, connectTimeout, "connectTimeout");
            Checks.requirePositive(COMPONENT, requestTimeout, "requestTimeout");
            requireReadable(trustedCertificate, "trustedCertificate");
            if (clientCertificate != null || clientKey != null) {
                if (clientCertificate == null || clientKey == null) {
                    throw new IllegalArgumentException("ClickHouseConnection: clientCertificate needs both the certificate"
                            + " and the key; call clientCertificate(certificatePem, keyPem)");
                }
                requireReadable(clientCertificate, "clientCertificate");
                requireReadable(clientKey, "clientCertificate key");
            }
            return new ClickHouseConnection(this);
        }

        /**
         * Credentials belong in {@link #credentials}: in the URL they would be printed wherever the
         * endpoint is (logs, {@code toString}, exception messages). The message never repeats them.
         */
        private static void refuseCredentialsInEndpoint(String endpoint) {
            int scheme = endpoint.indexOf("://");
            int authorityStart = scheme < 0 ? 0 : scheme + 3;
            int authorityEnd = authorityStart;
            while (authorityEnd < endpoint.length() && "/?#".indexOf(endpoint.charAt(authorityEnd)) < 0) {
                authorityEnd++;
            }
            int at = endpoint.lastIndexOf('@', authorityEnd - 1);
            if (at >= authorityStart) {
                throw new IllegalArgumentException("ClickHouseConnection: the endpoint "
                        + endpoint.substring(0, authorityStart) + "****@" + endpoint.substring(at + 1)
                        + " embeds credentials; remove them from the URL and pass them with credentials(user, password)");
            }
            String query = endpoint.substring(authorityEnd).toLowerCase(Locale.ROOT);
            if (query.matches("(?s).*[?&](password|user)=.*")) {
                throw new IllegalArgumentException("ClickHouseConnection: the endpoint " + endpoint.substring(0, authorityEnd)
                        + " has a user or password in its query string; remove it and pass them with credentials(user, password)");
            }
        }

        private static void requireReadable(Path path, String setting) {
            if (path != null) {
                Checks.requireReadable(COMPONENT, path, setting);
            }
        }
    }
}
