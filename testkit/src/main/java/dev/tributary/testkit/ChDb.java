package dev.tributary.testkit;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The chDB engine (ClickHouse 26.5 as a library, {@code libchdb.so}) loaded into this JVM through
 * JNA: a modern ClickHouse to check the library's encoders against, byte for byte.
 *
 * <p>{@code chdb_connect} installs ClickHouse's own handlers for SIGSEGV, SIGBUS, SIGILL and SIGFPE,
 * which the JVM relies on for implicit null checks and safepoints; a JVM without its handlers hangs
 * on its first {@code NullPointerException}. So the handlers of every signal are saved with
 * {@code sigaction} before connecting and put back right after. Open one instance per JVM, early,
 * and share it; queries run one at a time.
 *
 * <p>The library is {@code TRIBUTARY_CHDB_LIB} if set, else {@code chdb-26.5.3/libchdb.so} in the
 * test kit's artifacts folder ({@code scripts/setup.sh} installs it).
 */
public final class ChDb implements AutoCloseable {

    static final String CHDB_VERSION = "26.5.3";

    /** The part of chDB's C API that the test kit uses (see chdb.h). */
    interface ChDbLibrary extends Library {
        Pointer chdb_connect(int argc, String[] argv);

        void chdb_close_conn(Pointer connectionHandle);

        Pointer chdb_query_n(Pointer connection, byte[] query, long queryLength, byte[] format, long formatLength);

        Pointer chdb_result_buffer(Pointer result);

        long chdb_result_length(Pointer result);

        String chdb_result_error(Pointer result);

        void chdb_destroy_query_result(Pointer result);
    }

    /** libc's {@code sigaction}, to save and restore signal handlers around {@code chdb_connect}. */
    interface LibC extends Library {
        int sigaction(int signal, Pointer action, Pointer oldAction);
    }

    /** {@code sizeof(struct sigaction)} is 152 on x86_64 glibc; leave room. */
    private static final int SIGACTION_SIZE = 512;
    private static final int LAST_STANDARD_SIGNAL = 31;

    private final ChDbLibrary chdb;
    private final Pointer connectionHandle;
    private final Pointer connection;
    private boolean closed;

    private ChDb(ChDbLibrary chdb, Pointer connectionHandle) {
        this.chdb = chdb;
        this.connectionHandle = connectionHandle;
        this.connection = connectionHandle.getPointer(0);
    }

    /** Loads the engine and opens a connection whose data lives in a fresh folder of {@code paths}. */
    public static ChDb open(TestkitPaths paths) {
        String configured = System.getenv("TRIBUTARY_CHDB_LIB");
        Path library = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : paths.requireInstalled("chdb-" + CHDB_VERSION + "/libchdb.so", "The chDB " + CHDB_VERSION + " engine");
        Path dataDir = paths.newServerDir("chdb");
        ChDbLibrary chdb = Native.load(library.toString(), ChDbLibrary.class);
        LibC libc = Native.load("c", LibC.class);

        Memory[] saved = new Memory[LAST_STANDARD_SIGNAL + 1];
        for (int signal = 1; signal <= LAST_STANDARD_SIGNAL; signal++) {
            saved[signal] = new Memory(SIGACTION_SIZE);
            saved[signal].clear();
            if (libc.sigaction(signal, null, saved[signal]) != 0) {
                saved[signal] = null; // SIGKILL and SIGSTOP cannot be read or changed
            }
        }
        Pointer handle;
        try {
            handle = chdb.chdb_connect(2, new String[] {"clickhouse", "--path=" + dataDir});
        } finally {
            for (int signal = 1; signal <= LAST_STANDARD_SIGNAL; signal++) {
                if (saved[signal] != null) {
                    libc.sigaction(signal, saved[signal], null);
                }
            }
        }
        if (handle == null || handle.getPointer(0) == null) {
            throw new IllegalStateException("chdb_connect failed for " + library + " (data in " + dataDir + ")");
        }
        return new ChDb(chdb, handle);
    }

    /** Runs {@code sql} and returns its output in {@code format} (e.g. {@code RowBinary}, {@code TabSeparated}). */
    public synchronized byte[] query(String sql, String format) {
        return query(sql.getBytes(StandardCharsets.UTF_8), format);
    }

    /** {@link #query(String, String)} for a statement given as bytes (it may carry binary data). */
    public synchronized byte[] query(byte[] sql, String format) {
        if (closed) {
            throw new IllegalStateException("chDB connection is closed");
        }
        byte[] formatBytes = format.getBytes(StandardCharsets.US_ASCII);
        Pointer result = chdb.chdb_query_n(connection, sql, sql.length, formatBytes, formatBytes.length);
        if (result == null) {
            throw new IllegalStateException("chDB returned no result for: " + preview(sql));
        }
        try {
            String error = chdb.chdb_result_error(result);
            if (error != null && !error.isEmpty()) {
                throw new IllegalStateException("chDB: " + error.trim() + " (query: " + preview(sql) + ")");
            }
            long length = chdb.chdb_result_length(result);
            Pointer buffer = chdb.chdb_result_buffer(result);
            return length == 0 || buffer == null ? new byte[0] : buffer.getByteArray(0, Math.toIntExact(length));
        } finally {
            chdb.chdb_destroy_query_result(result);
        }
    }

    /** Runs {@code sql} and returns its output as UTF-8 text. */
    public String queryText(String sql, String format) {
        return new String(query(sql, format), StandardCharsets.UTF_8);
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

    /** Inserts data already encoded in {@code format} into {@code table}. */
    public void insert(String table, String format, byte[] data) {
        ByteArrayOutputStream statement = new ByteArrayOutputStream(data.length + 64);
        statement.writeBytes(("INSERT INTO " + table + " FORMAT " + format + "\n").getBytes(StandardCharsets.UTF_8));
        statement.writeBytes(data);
        query(statement.toByteArray(), "TabSeparated");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            chdb.chdb_close_conn(connectionHandle);
        }
    }

    private static String preview(byte[] sql) {
        int length = Math.min(sql.length, 200);
        String text = new String(sql, 0, length, StandardCharsets.UTF_8).replaceAll("[^\\p{Print}]", "?");
        return sql.length > length ? text + "…" : text;
    }
}
