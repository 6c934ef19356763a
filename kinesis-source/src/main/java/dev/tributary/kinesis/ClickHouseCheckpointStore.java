package dev.tributary.kinesis;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import dev.tributary.core.clickhouse.Identifiers;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Keeps checkpoints in a ClickHouse table, by default {@code tributary_kinesis_checkpoints}:
 * <pre>
 * application String, stream String, shard_id String, sequence_number String,
 * version UInt64, updated_at DateTime
 * ENGINE = ReplacingMergeTree(version) ORDER BY (application, stream, shard_id)
 * </pre>
 * Every save appends rows; a read takes, per shard, the row with the highest {@code version}
 * ({@code argMax}), so the newest write wins whether or not the rows were merged yet. The version
 * is the write time in microseconds, kept increasing within one store. Works on ClickHouse 18.16
 * and on modern servers (the output format is named in the SQL; responses are not compressed).
 */
public final class ClickHouseCheckpointStore implements CheckpointStore {

    /** The table's default name. */
    public static final String DEFAULT_TABLE = "tributary_kinesis_checkpoints";

    private final Config config;
    private final Object versionLock = new Object();
    private long lastVersion;
    private volatile Client client;

    private ClickHouseCheckpointStore(Config config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void open() {
        if (client == null) {
            client = new Client.Builder()
                    .addEndpoint(config.endpoint)
                    .setUsername(config.user)
                    .setPassword(config.password)
                    .setDefaultDatabase(config.database)
                    // 18.x servers answer a compressed-response request with an empty body.
                    .compressServerResponse(false)
                    .compressClientRequest(false)
                    .setConnectTimeout(config.connectTimeout.toMillis())
                    .setSocketTimeout(config.requestTimeout.toMillis())
                    .setClientName("tributary-kinesis-checkpoints")
                    .build();
        }
        if (config.createTable) {
            run("create the checkpoint table " + qualifiedName(), CheckpointTable.create(qualifiedName()));
        }
    }

    @Override
    public Map<String, Checkpoint> load(String application, String stream) {
        String text = query("read the checkpoints of stream " + stream + " from " + qualifiedName(),
                CheckpointTable.select(qualifiedName(), application, stream));
        return CheckpointTable.parse(text, qualifiedName());
    }

    @Override
    public void save(String application, String stream, Map<String, Checkpoint> checkpoints) {
        if (!checkpoints.isEmpty()) {
            run("save checkpoints of stream " + stream + " to " + qualifiedName(),
                    CheckpointTable.insert(qualifiedName(), application, stream, checkpoints, nextVersion()));
        }
    }

    /** Microseconds since the epoch, always above the previous version of this store. */
    private long nextVersion() {
        synchronized (versionLock) {
            lastVersion = Math.max(System.currentTimeMillis() * 1000, lastVersion + 1);
            return lastVersion;
        }
    }

    /** {@code `database`.`table`}. */
    public String qualifiedName() {
        return Identifiers.qualified(config.database, config.table);
    }

    private void run(String what, String sql) {
        try {
            requireOpen().execute(sql).get(config.requestTimeout.toMillis(), TimeUnit.MILLISECONDS).close();
        } catch (Exception e) {
            throw failure(what, e);
        }
    }

    private String query(String what, String sql) {
        try (QueryResponse response = requireOpen().query(sql).get(config.requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
             InputStream in = response.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            throw failure(what, e);
        }
    }

    private Client requireOpen() {
        Client current = client;
        if (current == null) {
            throw new IllegalStateException("checkpoint store " + qualifiedName() + " is not open; call open() first");
        }
        return current;
    }

    private RuntimeException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new IllegalStateException("cannot " + what + " at " + config.endpoint + ": " + cause, cause);
    }

    @Override
    public void close() {
        Client current = client;
        client = null;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public String toString() {
        return "ClickHouseCheckpointStore" + config;
    }

    /** Immutable settings; see {@link Builder}. */
    private static final class Config {
        final String endpoint;
        final String database;
        final String table;
        final String user;
        final String password;
        final boolean createTable;
        final Duration connectTimeout;
        final Duration requestTimeout;

        Config(Builder b) {
            this.endpoint = b.endpoint.trim();
            this.database = b.database;
            this.table = b.table;
            this.user = b.user;
            this.password = b.password;
            this.createTable = b.createTable;
            this.connectTimeout = b.connectTimeout;
            this.requestTimeout = b.requestTimeout;
        }

        @Override
        public String toString() {
            // The password is never printed.
            return "{endpoint=" + endpoint + ", table=" + database + "." + table + ", user=" + user
                    + ", password=" + (password.isEmpty() ? "(none)" : "****") + ", createTable=" + createTable + "}";
        }
    }

    /** Builds a {@link ClickHouseCheckpointStore}; {@link #build()} names a wrong setting. */
    public static final class Builder {
        private String endpoint;
        private String database = "default";
        private String table = DEFAULT_TABLE;
        private String user = "default";
        private String password = "";
        private boolean createTable = true;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder() {
        }

        /** The HTTP(S) endpoint, e.g. {@code http://127.0.0.1:8123}. Required. */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** The table's database (default {@code default}). */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /** The table (default {@code tributary_kinesis_checkpoints}). */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** Whether {@code open} creates the table if it is missing (default true). */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long one read or write may take (default 30 s). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        public ClickHouseCheckpointStore build() {
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("ClickHouseCheckpointStore: endpoint is not set;"
                        + " call endpoint(\"http://host:8123\") (usually the sink's endpoint)");
            }
            Settings.requireHttpUrl("ClickHouseCheckpointStore", endpoint, "endpoint", "http://127.0.0.1:8123");
            Settings.requireText("ClickHouseCheckpointStore", database, "database", "database(\"default\")");
            Settings.requireText("ClickHouseCheckpointStore", table, "table", "table(\"" + DEFAULT_TABLE + "\")");
            Settings.requireText("ClickHouseCheckpointStore", user, "credentials user", "credentials(\"default\", \"\")");
            if (password == null) {
                throw new IllegalArgumentException("ClickHouseCheckpointStore: the credentials password is null; use \"\" for none");
            }
            Settings.requirePositive("ClickHouseCheckpointStore", connectTimeout, "connectTimeout");
            Settings.requirePositive("ClickHouseCheckpointStore", requestTimeout, "requestTimeout");
            return new ClickHouseCheckpointStore(new Config(this));
        }
    }
}
