package dev.tributary.bench.chaos;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kinesis.KinesisCredentials;
import dev.tributary.kinesis.LeaseKinesisSource;

import java.time.Duration;

/**
 * One instance of {@link KinesisLeaseChaosMain}'s lease-based pipelines, in a JVM of its own that the
 * run kills with SIGKILL or stops with SIGTERM (a graceful stop: flush, commit, hand the leases off).
 * It reads JSON from a Kinesis stream into ClickHouse, at least once, its leases and checkpoints in a
 * DynamoDB lease table. A short failover time and leader lease (as the lease ITs use) let a dead
 * instance's shards move within seconds; small batches keep several in flight when a fault comes. Each
 * row is stamped with when and by which instance it was handed to the pipeline
 * ({@link HandOutStampingSource}), for the run's order and duplicate checks.
 *
 * <p>Arguments: Kinesis endpoint, DynamoDB endpoint, region, stream, application (the lease table),
 * ClickHouse endpoint, table, worker id (also the pipeline's name). The AWS credentials come from the
 * default chain ({@link KinesisLeaseChaosMain} sets {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}).
 */
public final class KinesisLeaseChaosPipeline {

    private KinesisLeaseChaosPipeline() {
    }

    public static void main(String[] args) throws Exception {
        Pipeline pipeline = Pipeline.builder()
                .name(args[7])
                .source(new HandOutStampingSource(LeaseKinesisSource.builder()
                        .endpointOverride(args[0])
                        .dynamoDbEndpointOverride(args[1])
                        .region(args[2])
                        .streamName(args[3])
                        .applicationName(args[4])
                        .workerId(args[7])
                        .credentials(KinesisCredentials.defaultChain())
                        .failoverTime(Duration.ofSeconds(2))
                        .leaderLeaseDuration(Duration.ofSeconds(3))
                        .shardSyncInterval(Duration.ofSeconds(2))
                        .pollInterval(Duration.ofMillis(200))
                        .build(), args[7]))
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(args[5]).table(args[6])
                        .maxRows(KinesisChaosPipeline.MAX_ROWS).maxAge(Duration.ofMillis(150))
                        .maxInFlightBatches(KinesisChaosPipeline.MAX_IN_FLIGHT_BATCHES)
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                        .build())
                .metricsLogInterval(Duration.ofSeconds(5))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "klchaos-pipeline-stop"));
        pipeline.start();
        pipeline.awaitTermination();
    }
}
