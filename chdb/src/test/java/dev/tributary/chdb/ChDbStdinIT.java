package dev.tributary.chdb;

import dev.tributary.chdb.binding.ChDbEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host process's stdin is never insert data (chdb-core issue 239: the engine read fd 0 as the data of an
 * INSERT with a data section; with async_insert=0 it inserted those bytes as rows, or failed on them). A child
 * JVM whose stdin is a pipe holding data inserts through {@link ChDbTransport} and must store exactly its rows.
 */
class ChDbStdinIT {

    /** Eight bytes: two whole RowBinary UInt32 rows (960051513, 171522361) if the engine took them as data. */
    private static final byte[] STDIN = "9999999\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void anInsertStoresExactlyItsRowsWhateverTheHostsStdinHolds(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String library = ChDbEngine.resolveLibrary(null).toString();
        Process child = new ProcessBuilder(List.of(java, "-D" + ChDbEngine.LIBRARY_PROPERTY + "=" + library,
                "-cp", System.getProperty("java.class.path"), StdinInsertMain.class.getName(),
                dir.resolve("data").toString()))
                .redirectErrorStream(true).start();
        try (OutputStream stdin = child.getOutputStream()) {
            stdin.write(STDIN);
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish: " + output);
        assertEquals(0, child.exitValue(), output);
        List<String> results = output.lines().filter(line -> line.startsWith("async_insert=")).toList();
        assertEquals(List.of(
                "async_insert=0 ok rows=[1,2,3]\t['dflt','dflt','dflt']",
                "async_insert=1 ok rows=[1,2,3]\t['dflt','dflt','dflt']"), results, output);
    }
}
