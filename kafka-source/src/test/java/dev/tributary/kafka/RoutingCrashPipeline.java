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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pipeline of {@link RoutingCrashIT}, run in a child JVM that the test kills with SIGKILL: one
 * Kafka consumer, several topics, each routed to a table of its own, and one more topic subscribed
 * with no route (its records go to the first table's error table). Arguments: bootstrap servers,
 * group id, ClickHouse endpoint, {@code topic=table,...}, and the topic without a route.
 */
public final class RoutingCrashPipeline {

    private RoutingCrashPipeline() {
    }

    static Process start(KafkaBroker kafka, ClickHouseServer clickhouse, String group, Map<String, String> topicToTable,
                         String unrouted, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> pairs = new ArrayList<>();
        topicToTable.forEach((topic, table) -> pairs.add(topic + "=" + table));
        List<String> command = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                RoutingCrashPipeline.class.getName(), kafka.bootstrapServers(), group, clickhouse.endpoint(),
                String.join(",", pairs), unrouted);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> topicToTable = new LinkedHashMap<>();
        for (String pair : args[3].split(",")) {
            String[] parts = pair.split("=");
            topicToTable.put(parts[0], parts[1]);
        }
        List<String> topics = new ArrayList<>(topicToTable.keySet());
        topics.add(args[4]);
        Pipeline.Builder builder = Pipeline.builder()
                .name("routing-crash")
                .source(KafkaSource.builder().bootstrapServers(args[0]).topics(topics.toArray(String[]::new)).groupId(args[1])
                        // A killed member leaves no goodbye: a short session lets its successor take over in seconds.
                        .property("session.timeout.ms", "6000")
                        .property("heartbeat.interval.ms", "1000")
                        .startingOffsets(StartingOffsets.EARLIEST)
                        .build())
                .decoder(JsonDecoder.create())
                .metricsLogInterval(Duration.ofSeconds(2));
        // Small batches and several in flight: a kill finds inserts under way and landed batches not committed.
        topicToTable.values().forEach(table -> builder.route(table, ClickHouseSink.builder().endpoint(args[2]).table(table)
                .maxRows(200).maxAge(Duration.ofMillis(100)).maxInFlightBatches(3).build()));
        Pipeline pipeline = builder.routeByTopic(topicToTable).build();
        // A graceful stop (SIGTERM) flushes and commits; SIGKILL gives no such chance.
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination();
    }
}
