package dev.tributary.bench.chaos;

import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kinesis.ClickHouseCheckpointStore;
import dev.tributary.kinesis.KinesisCredentials;
import dev.tributary.kinesis.KinesisSource;

import java.time.Duration;

/**
 * The pipeline under {@link KinesisChaosMain}'s faults, in a JVM of its own that is killed with SIGKILL
 * and restarted. It reads JSON from a Kinesis stream into ClickHouse, with its checkpoints (and, under
 * exactly-once, its pending ranges) in the same server. Small batches and a short age keep several
 * batches in flight at every moment, so that a kill finds ranges pending; shards are listed every
 * second, so that the children of a reshard start soon. A SIGTERM stops it gracefully.
 *
 * <p>Arguments: Kinesis endpoint, region, stream, application name, ClickHouse endpoint, table, delivery
 * guarantee ({@code AT_LEAST_ONCE} or {@code EXACTLY_ONCE}). The AWS credentials come from the default
 * chain ({@link KinesisChaosMain} sets {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}).
 */
public final class KinesisChaosPipeline {

    /** Rows per batch: small, so that many batches are in flight (and pending) when the pipeline is killed. */
    static final int MAX_ROWS = 200;
    static final int MAX_IN_FLIGHT_BATCHES = 4;

    private KinesisChaosPipeline() {
    }

    public static void main(String[] args) throws Exception {
        String clickhouse = args[4];
        Pipeline pipeline = Pipeline.builder()
                .name("kchaos")
                .source(KinesisSource.builder()
                        .endpointOverride(args[0])
                        .region(args[1])
                        .streamName(args[2])
                        .applicationName(args[3])
                        .credentials(KinesisCredentials.defaultChain())
                        .checkpointStore(ClickHouseCheckpointStore.builder().endpoint(clickhouse).build())
                        .shardDiscoveryInterval(Duration.ofSeconds(1))
                        .pollInterval(Duration.ofMillis(100))
                        .getRecordsLimit(100)
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                        .build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse).table(args[5])
                        .maxRows(MAX_ROWS).maxAge(Duration.ofMillis(150)).maxInFlightBatches(MAX_IN_FLIGHT_BATCHES)
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                        .build())
                .deliveryGuarantee(DeliveryGuarantee.valueOf(args[6]))
                .metricsLogInterval(Duration.ofSeconds(5))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "kchaos-pipeline-stop"));
        pipeline.start();
        pipeline.awaitTermination();
    }
}
