package dev.tributary.testkit;

import dev.tributary.chdb.binding.ChDbEngine;
import dev.tributary.chdb.binding.ChDbException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The chDB engine (ClickHouse 26.5 as a library) in this JVM, for tests: a modern ClickHouse to check the
 * library's encoders against, byte for byte. A thin test-friendly face (unchecked errors, string helpers)
 * over the one binding, {@link ChDbEngine}, which keeps the JVM's signal handlers and passes binary
 * inserts without loss. Open one instance per JVM, early, and share it; queries run one at a time.
 *
 * <p>The library is {@code TRIBUTARY_CHDB_LIB} if set, else {@code chdb-26.5.3/libchdb.so} in the
 * test kit's artifacts folder ({@code scripts/setup.sh} installs it).
 */
public final class ChDb implements AutoCloseable {

    static final String CHDB_VERSION = ChDbEngine.VERSION;

    private final ChDbEngine engine;

    private ChDb(ChDbEngine engine) {
        this.engine = engine;
    }

    /** Loads the engine and opens a connection whose data lives in a fresh folder of {@code paths}. */
    public static ChDb open(TestkitPaths paths) {
        String configured = System.getenv(ChDbEngine.LIBRARY_ENV);
        Path library = configured != null && !configured.isBlank()
                ? ChDbEngine.resolveLibrary(Path.of(configured.trim()))
                : paths.requireInstalled("chdb-" + CHDB_VERSION + "/libchdb.so", "The chDB " + CHDB_VERSION + " engine");
        return new ChDb(ChDbEngine.open(library, paths.newServerDir("chdb")));
    }

    /** The library file loaded, e.g. to open an embedded transport on the same engine. */
    public Path library() {
        return engine.library();
    }

    /**
     * The engine's data folder. chDB holds one data path per process: an embedded transport opened in the
     * same JVM must use this one, and then shares this engine.
     */
    public Path dataPath() {
        return engine.dataPath();
    }

    /** Runs {@code sql} and returns its output in {@code format} (e.g. {@code RowBinary}, {@code TabSeparated}). */
    public byte[] query(String sql, String format) {
        return query(sql.getBytes(StandardCharsets.UTF_8), format);
    }

    /** {@link #query(String, String)} for a statement given as UTF-8 bytes. */
    public byte[] query(byte[] sql, String format) {
        try {
            return engine.query(sql, format);
        } catch (ChDbException e) {
            throw new IllegalStateException("chDB: " + e.getMessage(), e);
        }
    }

    /** Runs {@code sql} and returns its output as UTF-8 text. */
    public String queryText(String sql, String format) {
        return new String(query(sql, format), StandardCharsets.UTF_8);
    }

    /** Runs a statement that returns nothing of interest (DDL, INSERT … VALUES, …). */
    public void execute(String sql) {
        query(sql, "TabSeparated");
    }

    /**
     * Runs a query (without a FORMAT clause) and returns its rows as {@link ClickHouseSql#rows} does:
     * {@code \N} (NULL) becomes {@code null}, TabSeparated escapes are undone.
     */
    public List<List<String>> rows(String sql) {
        return ClickHouseSql.parseTabSeparated(queryText(sql, "TabSeparated"));
    }

    /** The engine's version, e.g. {@code 26.5.3.1}. */
    public String version() {
        return queryText("SELECT version()", "TabSeparated").trim();
    }

    /**
     * The engine's own RowBinary encoding of one value: {@code SELECT CAST(<sqlLiteral> AS <type>)}.
     * The literal is SQL, e.g. {@code '2020-01-01 00:00:00'}, {@code -128}, {@code NULL}; numbers
     * beyond Int64 must be quoted strings.
     */
    public byte[] rowBinary(String sqlLiteral, String type) {
        return query("SELECT CAST(" + sqlLiteral + " AS " + type + ")", "RowBinary");
    }

    /** Inserts rows already encoded as RowBinary into {@code table}. */
    public void insertRowBinary(String table, byte[] rows) {
        insert(table, "RowBinary", rows);
    }

    /** Inserts data already encoded in {@code format} into {@code table}, byte for byte. */
    public void insert(String table, String format, byte[] data) {
        try {
            engine.insert(table, data, 0, data.length, "", format);
        } catch (ChDbException e) {
            throw new IllegalStateException("chDB: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
