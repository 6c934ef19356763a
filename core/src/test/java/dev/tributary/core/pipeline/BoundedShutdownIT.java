package dev.tributary.core.pipeline;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code Pipeline.close()} returns within {@code shutdownTimeout} while ClickHouse is down, committing nothing it did not land. */
@ExtendWith(TestServers.class)
class BoundedShutdownIT {

    private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(3);


    private static Pipeline pipeline(ClickHouseServer clickhouse, GeneratedSource source, Duration maxAge) {
        return Pipeline.builder().name("bounded-shutdown").source(source).decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table("shutdown_t")
                        .credentials(clickhouse.user(), clickhouse.password())
                        .maxRows(400).maxAge(maxAge)
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1))
                        .requestTimeout(Duration.ofSeconds(5)).build())
                .shutdownTimeout(SHUTDOWN_TIMEOUT)
                .metricsLogInterval(Duration.ZERO).build();
    }

    @Test
    void closeReturnsWithinTheBoundWhileClickHouseIsDownAndANewPipelineLandsEverythingLater(TestkitPaths paths)
            throws Exception {
        try (ClickHouseServer clickhouse = ClickHouseServer.start(paths)) {
            ClickHouseSql sql = clickhouse.sql();
            sql.execute("CREATE TABLE shutdown_t (id UInt64) ENGINE = MergeTree ORDER BY id");
            GeneratedSource source = new GeneratedSource(2, 800, 100,
                    i -> ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            // Batches are sealed by size only, so that the last 200 records stay in the open batch.
            Pipeline pipeline = pipeline(clickhouse, source, Duration.ofMinutes(5));
            pipeline.start();
            await("the first 800 records committed", Duration.ofMinutes(1), () -> source.committedCount() == 800);

            clickhouse.stop();
            source.add(600); // one full batch of 400 (sealed, retrying) and 200 in the open batch
            await("an insert retried", Duration.ofMinutes(1), () -> pipeline.metrics().insertRetries() > 0);
            await("all 1,400 records read", Duration.ofMinutes(1), () -> pipeline.metrics().recordsRead() == 1_400);

            PrintStream stderr = System.err;
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            long start = System.nanoTime();
            CompletableFuture<Void> closed;
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                closed = CompletableFuture.runAsync(pipeline::close);
                closed.get(SHUTDOWN_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
            } finally {
                System.setErr(stderr);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String logs = captured.toString(StandardCharsets.UTF_8);
            stderr.print(logs);
            assertTrue(took.compareTo(SHUTDOWN_TIMEOUT.plusSeconds(1)) <= 0, "close() took " + took);
            assertEquals(800, source.committedCount(), "nothing committed for the records that did not land");
            assertTrue(logs.contains("2 batches (600 records) left uncommitted"), logs);

            clickhouse.start();
            try (Pipeline again = pipeline(clickhouse, source, Duration.ofMillis(200))) {
                again.start();
                await("all 1,400 records committed", Duration.ofMinutes(1), () -> source.committedCount() == 1_400);
            }
            assertEquals(1_400, sql.longValue("SELECT uniqExact(id) FROM shutdown_t"));
            assertEquals(0, sql.longValue("SELECT count() FROM shutdown_t_errors"));
        }
    }
}
