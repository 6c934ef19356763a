package dev.tributary.chdb.binding;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The chDB engine (ClickHouse as a library, {@code libchdb.so}) loaded into this JVM through JNA: the one
 * binding of chDB's C API, used by the embedded transport and by the test kit.
 *
 * <p><b>Signal handlers.</b> {@code chdb_connect} installs ClickHouse's own handlers for SIGSEGV, SIGBUS,
 * SIGILL and SIGFPE, which the JVM relies on for implicit null checks and safepoints; a JVM without its
 * handlers hangs on its first {@code NullPointerException}. So the handlers of every standard signal are
 * saved with {@code sigaction} before connecting and put back right after.
 *
 * <p><b>One engine per JVM.</b> chDB holds one data path per process: a second {@code chdb_connect} with
 * another path returns nothing. {@link #open} therefore shares one engine per path (reference counted) and
 * refuses a second path while one is open. Statements run one at a time (the methods are synchronized).
 *
 * <p><b>Binary data.</b> Data sent inline after {@code INSERT ... FORMAT X} is cut by the engine at the
 * first blank line (two consecutive {@code \n} bytes) and what follows is taken as further statements, so
 * RowBinary holding those bytes was refused ("Cannot read all data"), silently truncated, or run as SQL.
 * {@link #insert} therefore writes the data to a private temporary file and reads it back with
 * {@code INSERT INTO t (cols) SELECT * FROM file(...)}, byte for byte.
 *
 * <p><b>The host's stdin.</b> The engine reads the process's stdin (fd 0) as the data of an INSERT that has
 * a data section (chdb-core issue 239), {@code FROM INFILE} included: with {@code async_insert=0} it inserted
 * the stdin bytes as extra rows, silently, or failed on them; with inline data and {@code async_insert=1} it
 * failed with NOT_IMPLEMENTED (48).
 * An {@code INSERT ... SELECT} has no data section, so the engine never consults stdin. The file's
 * structure is taken from the insertion table's columns (with their DEFAULT expressions, which
 * {@code RowBinaryWithDefaults} applies), never spelled out.
 */
public final class ChDbEngine implements AutoCloseable {

    /** The chDB release this binding is built and tested against. */
    public static final String VERSION = "26.5.3";
    /** Characters that chDB's {@code file()} reads as a pattern of file names. */
    private static final Pattern GLOB = Pattern.compile("[*?{}\\[\\]]");
    /** The file's structure is the insertion table's (columns, types, DEFAULT expressions). */
    private static final String STRUCTURE_FROM_TABLE = "use_structure_from_insertion_table_in_table_functions = 1";
    /** Environment variable naming the library file, used when no path is configured explicitly. */
    public static final String LIBRARY_ENV = "TRIBUTARY_CHDB_LIB";
    /** System property naming the library file, used when neither a path nor {@link #LIBRARY_ENV} is set. */
    public static final String LIBRARY_PROPERTY = "tributary.chdb.library";

    /** The part of chDB's C API used here (see chdb.h). */
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

    // The process-wide engine: chDB itself is process-wide state, so this mirrors it rather than adds to it.
    private static final Object REGISTRY_LOCK = new Object();
    private static ChDbEngine current;

    private final ChDbLibrary chdb;
    private final Path library;
    private final Path dataPath;
    private final Pointer connectionHandle;
    private final Pointer connection;
    private final Path insertDir;
    private int users = 1;
    private boolean closed;

    private ChDbEngine(ChDbLibrary chdb, Path library, Path dataPath, Pointer connectionHandle, Path insertDir) {
        this.chdb = chdb;
        this.library = library;
        this.dataPath = dataPath;
        this.connectionHandle = connectionHandle;
        this.connection = connectionHandle.getPointer(0);
        this.insertDir = insertDir;
    }

    /**
     * The library file to load: {@code configured} if not null, else {@link #LIBRARY_ENV}, else
     * {@link #LIBRARY_PROPERTY}. Fails with how to obtain the library when none is set or the file is missing.
     */
    public static Path resolveLibrary(Path configured) {
        String source;
        Path path;
        if (configured != null) {
            source = "the configured library path";
            path = configured;
        } else if (!blank(System.getenv(LIBRARY_ENV))) {
            source = "the environment variable " + LIBRARY_ENV;
            path = Path.of(System.getenv(LIBRARY_ENV).trim());
        } else if (!blank(System.getProperty(LIBRARY_PROPERTY))) {
            source = "the system property " + LIBRARY_PROPERTY;
            path = Path.of(System.getProperty(LIBRARY_PROPERTY).trim());
        } else {
            throw new ChDbLibraryNotFoundException("No chDB library is configured. " + howToObtain(), null);
        }
        if (!Files.isRegularFile(path)) {
            throw new ChDbLibraryNotFoundException("The chDB library " + path + " (from " + source
                    + ") does not exist. " + howToObtain(), null);
        }
        return path;
    }

    /** How to obtain the library for this platform, and how to point Tributary at it. */
    public static String howToObtain() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String obtain;
        if (os.contains("linux") && (arch.equals("amd64") || arch.equals("x86_64"))) {
            obtain = "On Linux x86-64 (glibc): `npm pack @chdb/lib-linux-x64-gnu@" + VERSION
                    + "` and take package/libchdb.so out of the archive.";
        } else {
            obtain = "On " + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                    + ": take libchdb for this platform from the chDB " + VERSION + " release of the chDB project"
                    + " (the npm package @chdb/lib-linux-x64-gnu@" + VERSION + " covers Linux x86-64 only).";
        }
        return obtain + " Then set the library path on the builder, or the environment variable " + LIBRARY_ENV
                + ", or the system property " + LIBRARY_PROPERTY + " to that file. See docs/chdb.md.";
    }

    /**
     * Loads the engine from {@code library} and connects it to {@code dataPath} (created if absent), or
     * shares the engine already open on that path. Fails if another data path is open in this JVM.
     */
    public static ChDbEngine open(Path library, Path dataPath) {
        Objects.requireNonNull(library, "library");
        Path data = Objects.requireNonNull(dataPath, "dataPath").toAbsolutePath().normalize();
        synchronized (REGISTRY_LOCK) {
            if (current != null) {
                if (!current.dataPath.equals(data)) {
                    throw new IllegalStateException("chDB holds one data path per process and " + current.dataPath
                            + " is open in this JVM; cannot also open " + data
                            + ". Share one data path (close the other engine first).");
                }
                synchronized (current) {
                    current.users++;
                }
                return current;
            }
            current = connect(resolveLibrary(library), data);
            return current;
        }
    }

    private static ChDbEngine connect(Path library, Path dataPath) {
        ChDbLibrary chdb;
        try {
            chdb = Native.load(library.toAbsolutePath().toString(), ChDbLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            throw new ChDbLibraryNotFoundException("The chDB library " + library + " cannot be loaded ("
                    + e.getMessage() + "). " + howToObtain(), e);
        }
        Path insertDir;
        try {
            Files.createDirectories(dataPath);
            insertDir = Files.createTempDirectory("tributary-chdb-inserts-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the chDB data folder " + dataPath, e);
        }
        if (GLOB.matcher(insertDir.toString()).find()) {
            // file() reads * ? { } as a pattern of file names, so the path must hold none
            deleteQuietly(insertDir);
            throw new IllegalStateException("The temporary folder " + insertDir + " holds one of * ? { } [ ],"
                    + " which chDB's file() reads as a pattern; set java.io.tmpdir to a path without them");
        }
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
            handle = chdb.chdb_connect(2, new String[] {"clickhouse", "--path=" + dataPath});
        } finally {
            for (int signal = 1; signal <= LAST_STANDARD_SIGNAL; signal++) {
                if (saved[signal] != null) {
                    libc.sigaction(signal, saved[signal], null);
                }
            }
        }
        if (handle == null || handle.getPointer(0) == null) {
            deleteQuietly(insertDir);
            throw new IllegalStateException("chdb_connect failed for " + library + " with data in " + dataPath
                    + " (is another data path open in this process?)");
        }
        return new ChDbEngine(chdb, library, dataPath, handle, insertDir);
    }

    /** The library file this engine was loaded from. */
    public Path library() {
        return library;
    }

    /** The folder the engine keeps its databases in. */
    public Path dataPath() {
        return dataPath;
    }

    /** Runs {@code sql} and returns its output in {@code format} (a FORMAT clause in the SQL takes precedence). */
    public byte[] query(String sql, String format) throws ChDbException {
        return query(sql.getBytes(StandardCharsets.UTF_8), format);
    }

    /** {@link #query(String, String)} for a statement given as UTF-8 bytes. */
    public synchronized byte[] query(byte[] sql, String format) throws ChDbException {
        if (closed) {
            throw new IllegalStateException("The chDB engine at " + dataPath + " is closed");
        }
        byte[] formatBytes = format.getBytes(StandardCharsets.US_ASCII);
        Pointer result = chdb.chdb_query_n(connection, sql, sql.length, formatBytes, formatBytes.length);
        if (result == null) {
            throw new ChDbException("chDB returned no result (query: " + preview(sql) + ")", null);
        }
        try {
            String error = chdb.chdb_result_error(result);
            if (error != null && !error.isEmpty()) {
                throw new ChDbException(error.trim() + " (query: " + preview(sql) + ")", null);
            }
            long length = chdb.chdb_result_length(result);
            Pointer buffer = chdb.chdb_result_buffer(result);
            return length == 0 || buffer == null ? new byte[0] : buffer.getByteArray(0, Math.toIntExact(length));
        } finally {
            chdb.chdb_destroy_query_result(result);
        }
    }

    /**
     * Inserts {@code length} bytes of {@code data} from {@code offset}, already in {@code format}, into
     * {@code target} (a quoted table name, optionally followed by a parenthesised column list), byte for byte.
     *
     * @param settingsClause {@code "SETTINGS k = v, ..."} or empty
     */
    public synchronized void insert(String target, byte[] data, int offset, int length, String settingsClause,
                                    String format) throws ChDbException {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (closed) {
            throw new IllegalStateException("The chDB engine at " + dataPath + " is closed");
        }
        Path file = insertDir.resolve("insert.bin");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new ChDbException("Cannot stage " + length + " bytes for an insert into " + target
                    + " in " + file + ": " + e.getMessage(), e);
        }
        try {
            // INSERT ... SELECT: no data section, so the engine never reads the host's stdin (class comment).
            // The structure comes from the insertion table, so RowBinaryWithDefaults applies its DEFAULTs.
            String settings = " SETTINGS " + STRUCTURE_FROM_TABLE + settingsAfterFirst(settingsClause);
            query("INSERT INTO " + target + " SELECT * FROM file(" + quote(file.toString()) + ", " + quote(format)
                    + ")" + settings, "TabSeparated");
        } finally {
            try {
                Files.deleteIfExists(file); // rows may hold user data: leave none behind
            } catch (IOException ignored) {
                // the next insert truncates it; close() removes the folder
            }
        }
    }

    /** {@code "SETTINGS a = 1, b = 2"} as {@code ", a = 1, b = 2"}; empty for none. */
    private static String settingsAfterFirst(String settingsClause) {
        if (settingsClause == null || settingsClause.isBlank()) {
            return "";
        }
        String clause = settingsClause.trim();
        if (!clause.regionMatches(true, 0, "SETTINGS ", 0, "SETTINGS ".length())) {
            throw new IllegalArgumentException("Not a SETTINGS clause: " + clause);
        }
        return ", " + clause.substring("SETTINGS ".length()).trim();
    }

    /** Releases this user's share; the last one closes the connection. */
    @Override
    public void close() {
        synchronized (REGISTRY_LOCK) {
            synchronized (this) {
                if (closed || --users > 0) {
                    return;
                }
                closed = true;
                chdb.chdb_close_conn(connectionHandle);
                deleteQuietly(insertDir);
            }
            if (current == this) {
                current = null;
            }
        }
    }

    @Override
    public String toString() {
        return "chDB " + VERSION + " at " + dataPath;
    }

    /** {@code text} as a ClickHouse string literal (quotes and backslashes escaped). */
    public static String quote(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary folder; nothing else depends on it
        }
    }

    private static String preview(byte[] sql) {
        int length = Math.min(sql.length, 200);
        String text = new String(sql, 0, length, StandardCharsets.UTF_8).replaceAll("[^\\p{Print}]", "?");
        return sql.length > length ? text + "…" : text;
    }
}
