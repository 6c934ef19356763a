package dev.tributary.bench.chaos;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;

import java.time.Duration;

/**
 * The pipeline under {@link ChaosMain}'s faults, in a JVM of its own that is killed with SIGKILL and
 * restarted. It reads JSON from Kafka into ClickHouse through {@link StallingProxy}, with a short
 * request timeout (so that a stall outlasts it) and a short Kafka session (so that a killed member's
 * partitions move on in seconds). A SIGTERM stops it gracefully.
 *
 * <p>Arguments: bootstrap servers, topic, group id, ClickHouse endpoint (the proxy), table.
 */
public final class ChaosPipeline {

    /** The sink's request timeout; {@link ChaosMain} stalls the proxy for longer than this. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private ChaosPipeline() {
    }

    public static void main(String[] args) throws Exception {
        Pipeline pipeline = Pipeline.builder()
                .name("chaos")
                .source(KafkaSource.builder().bootstrapServers(args[0]).topics(args[1]).groupId(args[2])
                        .startingOffsets(StartingOffsets.EARLIEST)
                        .property("session.timeout.ms", "6000")
                        .property("heartbeat.interval.ms", "1000")
                        .build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(args[3]).table(args[4])
                        .maxRows(20_000).maxAge(Duration.ofMillis(300))
                        .connectTimeout(Duration.ofSeconds(2))
                        .requestTimeout(REQUEST_TIMEOUT)
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                        .build())
                .metricsLogInterval(Duration.ofSeconds(5))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "chaos-pipeline-stop"));
        pipeline.start();
        pipeline.awaitTermination();
    }
}
