package dev.tributary.core.pipeline;

import dev.tributary.core.Pipeline;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.Await;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pipeline's own counters: what it read from the source. */
class PipelineMetricsTest {

    @Test
    void countsTheRecordsAndTheBytesOfKeysAndValuesReadFromTheSource() throws Exception {
        int total = 250;
        GeneratedSource source = new GeneratedSource(3, total, 20,
                i -> ("{\"id\": " + i + "}").getBytes(StandardCharsets.UTF_8));
        try (Pipeline pipeline = Pipeline.builder().name("metrics").source(source).decoder(JsonDecoder.create())
                .sink(new RoutingPipelineTest.MemorySink(10)).pollTimeout(Duration.ofMillis(20))
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            Await.await("every record committed", Duration.ofSeconds(10), () -> source.committedCount() == total);
            MetricsSnapshot metrics = pipeline.metrics();
            // GeneratedSource's record i has the key "k<i>" and the value {"id": <i>}.
            long expected = LongStream.range(0, total).map(i -> ("k" + i).length() + ("{\"id\": " + i + "}").length()).sum();
            assertEquals(total, metrics.recordsRead());
            assertEquals(expected, metrics.bytesRead());
            assertTrue(metrics.summary().contains("read=" + total + " read_bytes=" + expected + " "), metrics.summary());
        }
    }
}
