package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Duration;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.pipeline;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries with an end, source side (issue #11, item 3): kinesis-mock stopped for good, the source
 * gives up after {@code unreachableTimeout} (3 s here, 15 minutes by default) and the pipeline
 * stops with a message that names the stream, the endpoint and how long. A kinesis-mock of its own,
 * so that stopping it disturbs no other test.
 */
@ExtendWith(TestServers.class)
class KinesisUnreachableIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    @ParameterizedTest
    @EnumSource(Mode.class)
    void kinesisUnreachableLongerThanTheTimeoutStopsThePipelineWithTheCause(Mode mode, TestkitPaths paths,
                                                                             ClickHouseServer clickhouse) throws Exception {
        String stream = unique("unreachable");
        String table = unique("unreachable_" + mode.name().toLowerCase());
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisMock kinesis = KinesisMock.start(paths)) {
            try (KinesisClient client = client(kinesis)) {
                createStream(client, stream, 2);
                put(client, stream, 0, 200);
            }
            KinesisSource source = source(kinesis, kinesis.endpoint(), stream, mode, clickhouse)
                    .unreachableTimeout(TIMEOUT).retryBackoff(Duration.ofMillis(100), Duration.ofMillis(500))
                    .apiCallTimeout(Duration.ofSeconds(2)).build();
            try (Pipeline pipeline = pipeline(table.replace('_', '-'), source, clickhouse, table)) {
                pipeline.start();
                await("200 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 200);

                kinesis.stop();
                long stopped = System.nanoTime();
                await("the pipeline to give up", Duration.ofSeconds(60), () -> pipeline.state() == Pipeline.State.FAILED);
                double seconds = (System.nanoTime() - stopped) / 1e9;
                System.out.printf("RESULT unreachable %s: failed %.1f s after kinesis-mock stopped (timeout %d s)%n", mode,
                        seconds, TIMEOUT.toSeconds());
                assertTrue(seconds >= TIMEOUT.toSeconds(), "gave up after " + seconds + " s, before the timeout");

                PipelineException failure = assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofSeconds(5)));
                String message = failure.getMessage();
                assertTrue(message.contains("stream " + stream + " cannot be reached at endpoint " + kinesis.endpoint()), message);
                assertTrue(message.contains("unreachableTimeout (3 s)"), message);
                assertTrue(message.matches("(?s).*for \\d+ s \\(since .*"), "says how long: " + message);
                assertTrue(message.contains("Connect") || message.contains("connect") || message.contains("closed"),
                        "names the cause: " + message);
            }
        }
        assertEquals(200, sql.longValue("SELECT count() FROM " + table), "what was read before the outage landed");
    }
}
