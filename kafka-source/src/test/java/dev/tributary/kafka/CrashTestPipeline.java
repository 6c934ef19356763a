package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;

import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.KafkaBroker;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The pipeline of {@link KafkaCrashIT}, run in a child JVM that the test kills with SIGKILL.
 * Arguments: bootstrap servers, topic, group id, ClickHouse endpoint, table, and optionally
 * {@code latest} for {@link StartingOffsets#LATEST} (default {@link StartingOffsets#EARLIEST}).
 */
public final class CrashTestPipeline {

    private CrashTestPipeline() {
    }

    /** Starts this pipeline in a child JVM (output to {@code log}); {@code extra} are the optional arguments. */
    static Process start(KafkaBroker kafka, ClickHouseServer clickhouse, String topic, String group, String table,
                         Path log, String... extra) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                CrashTestPipeline.class.getName(), kafka.bootstrapServers(), topic, group, clickhouse.endpoint(), table));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    public static void main(String[] args) throws Exception {
        Pipeline pipeline = Pipeline.builder()
                .name("crash-test")
                .source(KafkaSource.builder().bootstrapServers(args[0]).topics(args[1]).groupId(args[2])
                        // A killed member leaves no goodbye: a short session lets its successor
                        // take the partitions over in seconds rather than the default 45.
                        .property("session.timeout.ms", "6000")
                        .property("heartbeat.interval.ms", "1000")
                        .startingOffsets(args.length > 5 && args[5].equals("latest") ? StartingOffsets.LATEST
                                : StartingOffsets.EARLIEST)
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
