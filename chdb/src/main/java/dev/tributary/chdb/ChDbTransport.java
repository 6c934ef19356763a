package dev.tributary.chdb;

import dev.tributary.chdb.binding.ChDbEngine;
import dev.tributary.chdb.binding.ChDbException;
import dev.tributary.core.clickhouse.ClickHouseException;
import dev.tributary.core.clickhouse.ClickHouseTransport;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A {@link ClickHouseTransport} over the chDB engine (ClickHouse {@value ChDbEngine#VERSION}) running in this
 * process: no server, no network; data lives in a folder. For local analytics, tests and edge deployments.
 *
 * <p>chDB holds one data path per process: transports built for the same path share one engine (it is
 * connected once per JVM and closed with the last transport); a second path in the same JVM is refused.
 * The engine runs one statement at a time, so calls are serialised. Inserts pass their bytes to the engine
 * through a private temporary file, byte for byte, read by an {@code INSERT ... SELECT} so that the engine never
 * takes the host process's stdin for insert data (see {@link ChDbEngine}). Failures carry the
 * engine's error code, parsed from its message, and HTTP status 0.
 *
 * <pre>{@code
 * try (ChDbTransport chdb = ChDbTarget.builder().dataPath(Path.of("/var/lib/app/chdb")).build().open()) {
 *     chdb.execute("CREATE TABLE t (id UInt64) ENGINE = MergeTree ORDER BY id");
 * }
 * }</pre>
 */
public final class ChDbTransport implements ClickHouseTransport {

    private static final Pattern SETTING_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern FORMAT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");
    /** Output format of statements whose SQL names none (execute): text, and discarded. */
    private static final String DEFAULT_FORMAT = "TabSeparated";

    private final ChDbEngine engine;
    private final String description;
    private boolean closed;

    private ChDbTransport(ChDbEngine engine) {
        this.engine = engine;
        this.description = "embedded chDB " + ChDbEngine.VERSION + " at " + engine.dataPath();
    }

    @Override
    public void execute(String sql) throws ClickHouseException {
        run(sql, null);
    }

    @Override
    public byte[] query(String sql) throws ClickHouseException {
        return run(sql, null);
    }

    @Override
    public void insert(String quotedTable, List<String> quotedColumns, byte[] data, int offset, int length,
                       String format, String queryId, Map<String, String> settings) throws ClickHouseException {
        Objects.requireNonNull(quotedTable, "quotedTable");
        Objects.requireNonNull(data, "data");
        if (format == null || !FORMAT_NAME.matcher(format).matches()) {
            throw new IllegalArgumentException("Not a format name: " + format);
        }
        StringBuilder target = new StringBuilder(quotedTable);
        if (quotedColumns != null && !quotedColumns.isEmpty()) {
            target.append(" (").append(String.join(", ", quotedColumns)).append(')');
        }
        // Values go in as string literals; the engine converts each to its setting's type.
        StringBuilder clause = new StringBuilder();
        if (settings != null && !settings.isEmpty()) {
            for (Map.Entry<String, String> setting : settings.entrySet()) {
                if (!SETTING_NAME.matcher(setting.getKey()).matches()) {
                    throw new IllegalArgumentException("Not a setting name: " + setting.getKey());
                }
                clause.append(clause.length() == 0 ? "SETTINGS " : ", ")
                        .append(setting.getKey()).append(" = ")
                        .append(ChDbEngine.quote(Objects.requireNonNull(setting.getValue(), setting.getKey())));
            }
        }
        String context = "insert of " + length + " bytes of " + format + " into " + quotedTable
                + (queryId == null ? "" : " (query id " + queryId + ")");
        try {
            openEngine().insert(target.toString(), data, offset, length, clause.toString(), format);
        } catch (ChDbException e) {
            throw failure(e, context);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    /** The engine's data folder. */
    public Path dataPath() {
        return engine.dataPath();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        engine.close();
    }

    @Override
    public String toString() {
        return "ChDbTransport{" + description + "}";
    }

    private byte[] run(String sql, String context) throws ClickHouseException {
        Objects.requireNonNull(sql, "sql");
        try {
            return openEngine().query(sql, DEFAULT_FORMAT);
        } catch (ChDbException e) {
            throw failure(e, context);
        }
    }

    private synchronized ChDbEngine openEngine() throws ClickHouseException {
        if (closed) {
            throw new ClickHouseException(0, 0, description + " is closed", null);
        }
        return engine;
    }

    private ClickHouseException failure(ChDbException e, String context) {
        String message = e.getMessage();
        return new ClickHouseException(ClickHouseException.codeInMessage(message), 0,
                description + (context == null ? "" : ", " + context) + ": " + message, e);
    }

    /**
     * A transport on the engine of {@code dataPath} (connected now, or shared with the one already
     * connected to it); {@link ChDbTarget#open()} is how users get one.
     *
     * @throws IllegalStateException when another data path is open in this JVM
     */
    static ChDbTransport open(Path library, Path dataPath) {
        return new ChDbTransport(ChDbEngine.open(library, dataPath));
    }
}
