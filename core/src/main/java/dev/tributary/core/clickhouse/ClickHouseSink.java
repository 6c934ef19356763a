package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.data.ClickHouseFormat;
import dev.tributary.core.BatchingSink;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.RowWriter;
import dev.tributary.core.SinkContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.metrics.PipelineMetrics;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes rows into one ClickHouse table in batches, through the official Java client.
 *
 * <p>One batch is open at a time; it is sealed when it reaches {@code maxRows}, {@code maxBytes} or
 * {@code maxAge}, whichever comes first, and inserted on the sink's own threads, with at most
 * {@code maxInFlightBatches} inserts under way. An insert that fails for a reason that says nothing
 * about the rows (network, timeout, too many parts, ...) is retried with backoff until it succeeds
 * or the sink is closed; one the server refuses for its data is split in halves until the refused
 * rows are found, and those go to the error table while the rest land. Records that failed to
 * decode or map go to the error table with the batch. If the error table cannot be written, the
 * batch fails and the pipeline stops without committing.
 */
public final class ClickHouseSink implements BatchingSink {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseSink.class);

    private final Config config;
    private ClickHouseGateway gateway;
    private BatchWriter writer;
    private ExecutorService executor;
    private PipelineMetrics metrics;
    private String pipelineName;
    private TableSchema schema;
    private Batch open;
    private long batchSequence;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final java.util.ArrayDeque<RowBinaryOutput> freeBuffers = new java.util.ArrayDeque<>();
    private CompletableFuture<Void> lastFlush = CompletableFuture.completedFuture(null);

    private ClickHouseSink(Config config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public TableSchema open(SinkContext context) {
        if (gateway != null) {
            throw new IllegalStateException("sink for " + config.database + "." + config.table + " is already open");
        }
        this.pipelineName = context.pipelineName();
        this.metrics = context.metrics();
        this.gateway = new ClickHouseGateway(config.newClient(), config.requestTimeout.toMillis());
        Backoff backoff = new Backoff(config.retryInitial, config.retryMax);
        try {
            this.schema = backoff.retryWhileUnreachable("connect to ClickHouse at " + config.endpoint, () -> {
                if (config.createTableDdl != null) {
                    gateway.execute(config.createTableDdl);
                }
                gateway.execute(ErrorTable.createStatement(config.database, config.errorTable));
                checkErrorTable();
                return SchemaDiscovery.discover(gateway, config.database, config.table);
            });
        } catch (RuntimeException e) {
            gateway.close();
            gateway = null;
            throw e;
        }
        this.executor = Executors.newFixedThreadPool(config.maxInFlightBatches, runnable -> {
            Thread thread = new Thread(runnable, "tributary-insert-" + pipelineName);
            thread.setDaemon(true);
            return thread;
        });
        this.writer = new BatchWriter(gateway, schema, config, pipelineName, metrics);
        this.open = newBatch();
        LOG.info("pipeline {}: writing to {} (ClickHouse {}, {} columns, format {}), errors to {}.{}", pipelineName,
                schema.qualifiedName(), schema.serverVersion(), schema.columns().size(), schema.insertFormat(),
                config.database, config.errorTable);
        return schema;
    }

    private void checkErrorTable() throws Exception {
        List<String> present = SchemaDiscovery.columns(gateway, config.database, config.errorTable).stream()
                .map(TableColumn::name).toList();
        List<String> missing = ErrorTable.COLUMNS.stream().filter(column -> !present.contains(column)).toList();
        if (!missing.isEmpty()) {
            throw new IllegalStateException("error table " + config.database + "." + config.errorTable
                    + " exists but lacks the columns " + missing + "; drop it to let Tributary create it, or name"
                    + " another one with errorTable(...)");
        }
    }

    private Batch newBatch() {
        RowBinaryOutput buffer;
        synchronized (freeBuffers) {
            buffer = freeBuffers.poll();
        }
        if (buffer == null) {
            // Sized for a full batch: a buffer that grows by copying would allocate several large
            // arrays per batch, which the garbage collector handles badly.
            buffer = new RowBinaryOutput((int) Math.min(config.maxBytes + (1 << 16), Integer.MAX_VALUE - 16));
        }
        return new Batch(++batchSequence, buffer);
    }

    /** Gives a written batch's buffer back for the next batch. */
    private void recycle(Batch batch) {
        synchronized (freeBuffers) {
            if (freeBuffers.size() <= config.maxInFlightBatches) {
                freeBuffers.push(batch.data);
            }
        }
    }

    @Override
    public void append(SourceRecord origin, RowWriter rowWriter) throws MappingException {
        int start = open.data.size();
        try {
            rowWriter.write(open.data);
        } catch (MappingException | RuntimeException | StackOverflowError | OutOfMemoryError e) {
            open.data.truncate(start); // the pipeline turns these into the record's error row: drop its partial bytes
            throw e;
        }
        open.endRow(origin);
    }

    @Override
    public void appendError(SourceRecord origin, ErrorKind kind, String message) {
        open.errors.add(new ErrorRecord(System.currentTimeMillis(), origin, kind, message));
    }

    @Override
    public boolean isFlushDue() {
        return open.rows() >= config.maxRows
                || open.data.size() >= config.maxBytes
                || open.errors.size() >= config.maxRows
                || (!open.isEmpty() && System.nanoTime() - open.createdNanos >= config.maxAge.toNanos());
    }

    @Override
    public boolean isEmpty() {
        return open.isEmpty();
    }

    @Override
    public boolean canFlush() {
        return inFlight.get() < config.maxInFlightBatches;
    }

    @Override
    public CompletableFuture<Void> flush() {
        Batch sealed = open;
        open = newBatch();
        if (sealed.isEmpty()) {
            recycle(sealed);
            return lastFlush;
        }
        inFlight.incrementAndGet();
        CompletableFuture<Void> written = CompletableFuture.runAsync(() -> writer.write(sealed), executor)
                .whenComplete((ignored, error) -> {
                    recycle(sealed);
                    inFlight.decrementAndGet();
                });
        // Batches complete in the order they were sealed, so that commits never skip a failed batch.
        lastFlush = written.thenCombine(lastFlush, (a, b) -> null);
        return lastFlush;
    }

    /** The table as discovered at {@link #open}. */
    public TableSchema schema() {
        return schema;
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(config.requestTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
    }

    @Override
    public String toString() {
        return "ClickHouseSink" + config;
    }

    /** Immutable settings of a sink; see {@link Builder}. */
    static final class Config {
        final String endpoint;
        final String database;
        final String table;
        final String errorTable;
        final String user;
        final String password;
        final String createTableDdl;
        final int maxRows;
        final long maxBytes;
        final Duration maxAge;
        final int maxInFlightBatches;
        final Map<String, String> insertSettings;
        final Duration retryInitial;
        final Duration retryMax;
        final Duration connectTimeout;
        final Duration requestTimeout;
        final boolean compression;
        final Path trustedCertificate;
        final Path clientCertificate;
        final Path clientKey;
        final Map<String, String> clientOptions;

        private Config(Builder b) {
            this.endpoint = b.endpoint;
            this.database = b.database;
            this.table = b.table;
            this.errorTable = b.errorTable != null ? b.errorTable : b.table + "_errors";
            this.user = b.user;
            this.password = b.password;
            this.createTableDdl = b.createTableDdl;
            this.maxRows = b.maxRows;
            this.maxBytes = b.maxBytes;
            this.maxAge = b.maxAge;
            this.maxInFlightBatches = b.maxInFlightBatches;
            this.insertSettings = Map.copyOf(b.insertSettings);
            this.retryInitial = b.retryInitial;
            this.retryMax = b.retryMax;
            this.connectTimeout = b.connectTimeout;
            this.requestTimeout = b.requestTimeout;
            this.compression = b.compression;
            this.trustedCertificate = b.trustedCertificate;
            this.clientCertificate = b.clientCertificate;
            this.clientKey = b.clientKey;
            this.clientOptions = Map.copyOf(b.clientOptions);
        }

        Client newClient() {
            Client.Builder client = new Client.Builder()
                    .addEndpoint(endpoint)
                    .setUsername(user)
                    .setPassword(password)
                    .setDefaultDatabase(database)
                    // Requests (the batches) are compressed; responses are tiny, and 18.x servers
                    // answer a compressed-response request with an empty body.
                    .compressClientRequest(compression)
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
            return client.build();
        }

        @Override
        public String toString() {
            // The password is never printed.
            return "{endpoint=" + endpoint + ", table=" + database + "." + table + ", errorTable=" + errorTable
                    + ", user=" + user + ", password=" + (password.isEmpty() ? "(none)" : "****") + ", maxRows=" + maxRows
                    + ", maxBytes=" + maxBytes + ", maxAge=" + maxAge + ", maxInFlightBatches=" + maxInFlightBatches
                    + ", insertSettings=" + insertSettings + "}";
        }
    }

    /** Builds a {@link ClickHouseSink}; {@link #build()} checks every setting and names the wrong one. */
    public static final class Builder {
        private String endpoint;
        private String database = "default";
        private String table;
        private String errorTable;
        private String user = "default";
        private String password = "";
        private String createTableDdl;
        private int maxRows = 100_000;
        private long maxBytes = 20L * 1024 * 1024;
        private Duration maxAge = Duration.ofSeconds(5);
        private int maxInFlightBatches = 2;
        private final Map<String, String> insertSettings = new LinkedHashMap<>();
        private Duration retryInitial = Duration.ofMillis(200);
        private Duration retryMax = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(2);
        private boolean compression = true;
        private Path trustedCertificate;
        private Path clientCertificate;
        private Path clientKey;
        private final Map<String, String> clientOptions = new LinkedHashMap<>();

        private Builder() {
        }

        /** The HTTP(S) endpoint, e.g. {@code http://127.0.0.1:8123} or {@code https://host:8443}. Required. */
        public Builder endpoint(String endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** The target table's database (default {@code default}). */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /** The target table. Required. */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** The error table (default: the target table's name + {@code _errors}); created if missing. */
        public Builder errorTable(String errorTable) {
            this.errorTable = errorTable;
            return this;
        }

        public Builder credentials(String user, String password) {
            this.user = user;
            this.password = password;
            return this;
        }

        /** A {@code CREATE TABLE IF NOT EXISTS ...} statement run at start, for a table that may not exist yet. */
        public Builder createTableIfMissing(String ddl) {
            this.createTableDdl = ddl;
            return this;
        }

        /** A batch is sealed at this many rows (default 100,000). */
        public Builder maxRows(int maxRows) {
            this.maxRows = maxRows;
            return this;
        }

        /** A batch is sealed at this many encoded bytes (default 20 MiB). */
        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /** A non-empty batch is sealed when its first record is this old (default 5 s). */
        public Builder maxAge(Duration maxAge) {
            this.maxAge = maxAge;
            return this;
        }

        /** At most this many inserts under way at once (default 2); beyond it the source waits. */
        public Builder maxInFlightBatches(int maxInFlightBatches) {
            this.maxInFlightBatches = maxInFlightBatches;
            return this;
        }

        /** A ClickHouse setting sent with every insert, e.g. {@code insert_quorum}, {@code async_insert}. */
        public Builder insertSetting(String name, String value) {
            this.insertSettings.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Backoff between retries of an insert: from {@code initial}, doubling, up to {@code max}. */
        public Builder retryBackoff(Duration initial, Duration max) {
            this.retryInitial = initial;
            this.retryMax = max;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        /** How long one request may take before it is abandoned and retried (default 2 min). */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Whether batches are compressed on the wire (default true). */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        /** A CA certificate (PEM) to trust for an {@code https} endpoint, besides the JVM's. */
        public Builder trustedCertificate(Path pem) {
            this.trustedCertificate = pem;
            return this;
        }

        /** A client certificate and key (PEM) for mutual TLS. */
        public Builder clientCertificate(Path certificatePem, Path keyPem) {
            this.clientCertificate = certificatePem;
            this.clientKey = keyPem;
            return this;
        }

        /** Any client-v2 option, passed through as is. */
        public Builder clientOption(String name, String value) {
            this.clientOptions.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        public ClickHouseSink build() {
            if (endpoint == null || endpoint.isBlank()) {
                throw new IllegalArgumentException("ClickHouseSink: endpoint is not set; call endpoint(\"http://host:8123\")");
            }
            URI uri;
            try {
                uri = URI.create(endpoint.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("ClickHouseSink: endpoint '" + endpoint + "' is not a URL; use http://host:8123 or https://host:8443", e);
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
                    || uri.getHost() == null || uri.getPort() == 0) {
                throw new IllegalArgumentException("ClickHouseSink: endpoint '" + endpoint
                        + "' must be an http:// or https:// URL with a host, e.g. http://127.0.0.1:8123");
            }
            endpoint = endpoint.trim();
            requireText(database, "database", "database(\"default\")");
            requireText(table, "table", "table(\"events\")");
            if (errorTable != null) {
                requireText(errorTable, "errorTable", "errorTable(\"events_errors\") or leave it unset");
                if (errorTable.equals(table)) {
                    throw new IllegalArgumentException("ClickHouseSink: errorTable must differ from table '" + table + "'");
                }
            }
            requireText(user, "credentials user", "credentials(\"default\", \"\")");
            if (password == null) {
                throw new IllegalArgumentException("ClickHouseSink: the credentials password is null; use \"\" for none");
            }
            if (maxRows < 1) {
                throw new IllegalArgumentException("ClickHouseSink: maxRows must be at least 1, was " + maxRows);
            }
            if (maxBytes < 1024) {
                throw new IllegalArgumentException("ClickHouseSink: maxBytes must be at least 1024, was " + maxBytes);
            }
            if (maxBytes > Integer.MAX_VALUE - 16L * 1024 * 1024) {
                throw new IllegalArgumentException("ClickHouseSink: maxBytes must be below 2 GiB, was " + maxBytes);
            }
            requirePositive(maxAge, "maxAge");
            if (maxInFlightBatches < 1 || maxInFlightBatches > 64) {
                throw new IllegalArgumentException("ClickHouseSink: maxInFlightBatches must be 1..64, was " + maxInFlightBatches);
            }
            requirePositive(retryInitial, "retryBackoff initial");
            requirePositive(retryMax, "retryBackoff max");
            if (retryMax.compareTo(retryInitial) < 0) {
                throw new IllegalArgumentException("ClickHouseSink: retryBackoff max (" + retryMax + ") is below initial (" + retryInitial + ")");
            }
            requirePositive(connectTimeout, "connectTimeout");
            requirePositive(requestTimeout, "requestTimeout");
            requireReadable(trustedCertificate, "trustedCertificate");
            requireReadable(clientCertificate, "clientCertificate");
            requireReadable(clientKey, "clientCertificate key");
            if (createTableDdl != null && createTableDdl.isBlank()) {
                throw new IllegalArgumentException("ClickHouseSink: createTableIfMissing was given an empty statement");
            }
            return new ClickHouseSink(new Config(this));
        }

        private static void requireText(String value, String setting, String example) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException("ClickHouseSink: " + setting + " is not set; call " + example);
            }
        }

        private static void requirePositive(Duration value, String setting) {
            if (value == null || value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException("ClickHouseSink: " + setting + " must be a positive duration, was " + value);
            }
        }

        private static void requireReadable(Path path, String setting) {
            if (path != null && !Files.isReadable(path)) {
                throw new IllegalArgumentException("ClickHouseSink: " + setting + " file " + path + " is not readable");
            }
        }
    }

    static ClickHouseFormat format(TableSchema schema) {
        return schema.withDefaults() ? ClickHouseFormat.RowBinaryWithDefaults : ClickHouseFormat.RowBinary;
    }
}
