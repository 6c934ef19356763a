package dev.tributary.bench.chaos;

import dev.tributary.chdb.ChDbTarget;
import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The pipeline under {@link ChaosMain}'s faults, in a JVM of its own that is killed with SIGKILL and
 * restarted. It reads JSON from Kafka into ClickHouse through {@link StallingProxy} (or into the
 * embedded chDB engine), with a short request timeout (so that a stall outlasts it) and a short Kafka
 * session (so that a killed member's partitions move on in seconds). A SIGTERM stops it gracefully.
 *
 * <p>Arguments: bootstrap servers, topic, group id, target (the proxy's HTTP endpoint, or
 * {@code chdb:<data path>} for the embedded engine, whose library comes from {@code TRIBUTARY_CHDB_LIB}),
 * table, delivery guarantee ({@code AT_LEAST_ONCE} or {@code EXACTLY_ONCE}), and for the embedded
 * engine the table's {@code CREATE TABLE IF NOT EXISTS} statement.
 */
public final class ChaosPipeline {

    /** The sink's request timeout; {@link ChaosMain} stalls the proxy for longer than this. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private ChaosPipeline() {
    }

    public static void main(String[] args) throws Exception {
        String target = args[3];
        DeliveryGuarantee guarantee = DeliveryGuarantee.valueOf(args[5]);
        // Exactly-once inserts once per partition and batch: a longer age keeps 18.16's parts (and merges
        // through ZooKeeper) in step, as the default 5 s does for users.
        Duration maxAge = Duration.ofMillis(guarantee == DeliveryGuarantee.EXACTLY_ONCE ? 1_000 : 300);
        ClickHouseSink.Builder sink = ClickHouseSink.builder().table(args[4])
                .maxRows(20_000).maxAge(maxAge)
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        if (target.startsWith("chdb:")) {
            sink.target(ChDbTarget.builder().dataPath(Path.of(target.substring("chdb:".length()))).build())
                    .createTableIfMissing(args[6]);
        } else {
            sink.endpoint(target).connectTimeout(Duration.ofSeconds(2)).requestTimeout(REQUEST_TIMEOUT);
        }
        Pipeline pipeline = Pipeline.builder()
                .name("chaos")
                .source(KafkaSource.builder().bootstrapServers(args[0]).topics(args[1]).groupId(args[2])
                        .startingOffsets(StartingOffsets.EARLIEST)
                        .property("session.timeout.ms", "6000")
                        .property("heartbeat.interval.ms", "1000")
                        .build())
                .decoder(JsonDecoder.create())
                .sink(sink.build())
                .deliveryGuarantee(guarantee)
                .metricsLogInterval(Duration.ofSeconds(5))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "chaos-pipeline-stop"));
        pipeline.start();
        pipeline.awaitTermination();
    }
}
