package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;

import java.time.Duration;

/**
 * The pipeline of {@link KafkaCrashIT}, run in a child JVM that the test kills with SIGKILL.
 * Arguments: bootstrap servers, topic, group id, ClickHouse endpoint, table.
 */
public final class CrashTestPipeline {

    private CrashTestPipeline() {
    }

    public static void main(String[] args) throws Exception {
        Pipeline pipeline = Pipeline.builder()
                .name("crash-test")
                .source(KafkaSource.builder().bootstrapServers(args[0]).topics(args[1]).groupId(args[2])
                        // A killed member leaves no goodbye: a short session lets its successor
                        // take the partitions over in seconds rather than the default 45.
                        .property("session.timeout.ms", "6000")
                        .property("heartbeat.interval.ms", "1000")
                        .build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(args[3]).table(args[4])
                        .maxRows(10_000).maxAge(Duration.ofMillis(300)).build())
                .metricsLogInterval(Duration.ofSeconds(2))
                .build();
        // A graceful stop (SIGTERM) flushes and commits; SIGKILL gives no such chance.
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination();
    }
}
