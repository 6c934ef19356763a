package dev.tributary.kinesis;

import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.clickhouse.ClickHouseException;
import dev.tributary.core.clickhouse.ClickHouseTarget;
import dev.tributary.core.clickhouse.ClickHouseTargetBuilder;
import dev.tributary.core.clickhouse.ClickHouseTransport;
import dev.tributary.core.internal.Checks;
import dev.tributary.core.internal.Identifiers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * Keeps checkpoints in a ClickHouse table, by default {@code tributary_kinesis_checkpoints}:
 * <pre>
 * application String, stream String, shard_id String, sequence_number String,
 * pending_ranges String, version UInt64, updated_at DateTime
 * ENGINE = ReplacingMergeTree(version) ORDER BY (application, stream, shard_id)
 * </pre>
 * Every save appends rows, one per shard, in one {@code INSERT}; a read takes, per shard, the row with
 * the highest {@code version} ({@code argMax} over the checkpoint and its pending ranges together), so
 * the newest write wins whether or not the rows were merged yet, and a checkpoint is never read with
 * another row's pending ranges. The version is the write time in microseconds, kept increasing within
 * one store.
 *
 * <p>{@code pending_ranges} (exactly-once delivery; see {@link Checkpoint#pendingRanges()}) came after
 * the first tables were made: {@link #open} adds it to a table without it
 * ({@code ALTER TABLE ... ADD COLUMN pending_ranges String AFTER sequence_number}; old rows read as none
 * pending) unless {@code createTable(false)}. A table left without it still keeps checkpoints, but
 * saving pending ranges then fails, naming the statement to run.
 *
 * <p>It reaches ClickHouse through a {@link ClickHouseConnection} — usually the sink's own, given
 * with {@link Builder#connection} (HTTPS with a custom CA or mutual TLS included) — or through the
 * shortcuts {@link Builder#endpoint}, {@link Builder#credentials} and the timeouts. Statements go
 * through the connection's {@link ClickHouseTransport}, which works on 18.16 and on modern servers
 * (the output format is named in the SQL; responses are not compressed).
 */
public final class ClickHouseCheckpointStore implements CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseCheckpointStore.class);

    /** The table's default name. */
    public static final String DEFAULT_TABLE = "tributary_kinesis_checkpoints";
    /** The request timeout of a connection made from the shortcuts: checkpoint statements are small. */
    static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final Config config;
    private final Object versionLock = new Object();
    private long lastVersion;
    private volatile ClickHouseTransport transport;
    /** Whether the table has the pending-ranges column (assumed until {@link #open} finds otherwise). */
    private volatile boolean pendingColumn = true;

    private ClickHouseCheckpointStore(Config config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void open() {
        if (transport == null) {
            transport = config.target.open();
        }
        if (config.createTable) {
            run("create the checkpoint table " + qualifiedName(), CheckpointTable.create(qualifiedName()));
        }
        Set<String> columns = columns();
        if (columns.isEmpty() || columns.contains(CheckpointTable.PENDING_COLUMN)) {
            pendingColumn = true; // no table (createTable(false)): reads fail, naming it
            return;
        }
        if (!config.createTable) {
            pendingColumn = false;
            LOG.warn("checkpoint table {} has no column {} (made by an older version) and createTable is false: it keeps"
                    + " checkpoints but not the pending ranges of exactly-once delivery; to add it: {}", qualifiedName(),
                    CheckpointTable.PENDING_COLUMN, CheckpointTable.addPendingColumn(qualifiedName()));
            return;
        }
        try {
            requireOpen().execute(CheckpointTable.addPendingColumn(qualifiedName()));
            LOG.info("checkpoint table {}: added column {} (pending ranges of exactly-once delivery)", qualifiedName(),
                    CheckpointTable.PENDING_COLUMN);
        } catch (ClickHouseException e) {
            if (!columns().contains(CheckpointTable.PENDING_COLUMN)) { // else another instance added it meanwhile
                throw failure("add column " + CheckpointTable.PENDING_COLUMN + " to the checkpoint table " + qualifiedName(), e);
            }
        }
        pendingColumn = true;
    }

    private Set<String> columns() {
        try {
            return CheckpointTable.parseColumns(new String(requireOpen().query(CheckpointTable.columns(config.database,
                    config.table)), StandardCharsets.UTF_8));
        } catch (ClickHouseException e) {
            throw failure("read the columns of the checkpoint table " + qualifiedName(), e);
        }
    }

    /** Keeps pending ranges beside the checkpoints (in the {@code pending_ranges} column, added at open). */
    @Override
    public boolean keepsPendingRanges() {
        return true;
    }

    @Override
    public Map<String, Checkpoint> load(String application, String stream) {
        String what = "read the checkpoints of stream " + stream + " from " + qualifiedName();
        String text;
        try {
            text = new String(requireOpen().query(CheckpointTable.select(qualifiedName(), application, stream, pendingColumn)),
                    StandardCharsets.UTF_8);
        } catch (ClickHouseException e) {
            throw failure(what, e);
        }
        return CheckpointTable.parse(text, qualifiedName());
    }

    @Override
    public void save(String application, String stream, Map<String, Checkpoint> checkpoints) {
        if (checkpoints.isEmpty()) {
            return;
        }
        boolean withPending = pendingColumn;
        if (!withPending && checkpoints.values().stream().anyMatch(Checkpoint::hasPendingRanges)) {
            throw new IllegalStateException("cannot save pending ranges (exactly-once delivery) of stream " + stream + " to "
                    + qualifiedName() + ": the table has no column " + CheckpointTable.PENDING_COLUMN + "; run "
                    + CheckpointTable.addPendingColumn(qualifiedName()) + " or let the store upgrade it (createTable(true))");
        }
        run("save checkpoints of stream " + stream + " to " + qualifiedName(),
                CheckpointTable.insert(qualifiedName(), application, stream, checkpoints, nextVersion(), withPending));
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
            requireOpen().execute(sql);
        } catch (ClickHouseException e) {
            throw failure(what, e);
        }
    }

    private ClickHouseTransport requireOpen() {
        ClickHouseTransport current = transport;
        if (current == null) {
            throw new IllegalStateException("checkpoint store " + qualifiedName() + " is not open; call open() first");
        }
        return current;
    }

    private RuntimeException failure(String what, ClickHouseException e) {
        return new IllegalStateException("cannot " + what + " at " + config.target.describe() + ": " + e, e);
    }

    @Override
    public void close() {
        ClickHouseTransport current = transport;
        transport = null;
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
        final ClickHouseTarget target;
        final String database;
        final String table;
        final boolean createTable;

        Config(Builder b, ClickHouseTarget target, String database) {
            this.target = target;
            this.database = database;
            this.table = b.table;
            this.createTable = b.createTable;
        }

        @Override
        public String toString() {
            // The target masks its secrets.
            return "{target=" + target + ", table=" + database + "." + table + ", createTable=" + createTable + "}";
        }
    }

    /** Builds a {@link ClickHouseCheckpointStore}; {@link #build()} names a wrong setting. */
    public static final class Builder extends ClickHouseTargetBuilder<Builder> {
        private String table = DEFAULT_TABLE;
        private boolean createTable = true;

        private Builder() {
        }

        /** The table (default {@code tributary_kinesis_checkpoints}). */
        public Builder table(String table) {
            this.table = table;
            return this;
        }

        /** Whether {@code open} creates the table if it is missing (default true). */
        public Builder createTable(boolean createTable) {
            this.createTable = createTable;
            return this;
        }

        public ClickHouseCheckpointStore build() {
            ClickHouseTarget resolved = resolveTarget("ClickHouseCheckpointStore", DEFAULT_REQUEST_TIMEOUT);
            Checks.requireText("ClickHouseCheckpointStore", table, "table", "table(\"" + DEFAULT_TABLE + "\")");
            return new ClickHouseCheckpointStore(new Config(this, resolved, databaseOf(resolved)));
        }
    }
}
