package dev.tributary.core.pipeline;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory is bounded by the settings, not by the size of the events: 10 KB JSON events with four
 * mapped fields, at full speed, with the default batch settings, in a JVM of {@code -Xmx256m}
 * (a child process, so that the heap limit is its own).
 */
@ExtendWith(TestServers.class)
class BoundedHeapIT {

    private static final long EVENTS = 60_000;
    private static final int EVENT_BYTES = 10_240;

    @Test
    void tenKilobyteEventsAtFullSpeedFitIn256MegabytesOfHeap(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS large_events");
        sql.execute("DROP TABLE IF EXISTS large_events_errors");
        sql.execute("CREATE TABLE large_events (id UInt64, kind String, created DateTime, n Int32) ENGINE = MergeTree ORDER BY id");

        Path out = Files.createTempFile("large-events", ".out");
        Path err = Files.createTempFile("large-events", ".err");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), LargeEventsMain.class.getName(),
                clickhouse.endpoint(), clickhouse.user(), clickhouse.password(), "large_events",
                Long.toString(EVENTS), Integer.toString(EVENT_BYTES)))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            boolean finished = child.waitFor(5, TimeUnit.MINUTES);
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            System.out.println(stdout);
            assertTrue(finished, "the child JVM did not finish in 5 minutes; stderr:\n" + tail(stderr));
            assertEquals(0, child.exitValue(), "the child JVM failed (exit " + child.exitValue() + "):\n" + stdout
                    + tail(stderr));
            assertTrue(stdout.contains("RESULT rows=" + EVENTS), stdout);
        } finally {
            child.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
        assertEquals(EVENTS, sql.longValue("SELECT uniqExact(id) FROM large_events"));
        assertEquals(0, sql.longValue("SELECT count() FROM large_events_errors"));
    }

    private static String tail(String text) {
        return text.length() <= 4_000 ? text : "…" + text.substring(text.length() - 4_000);
    }
}
