package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;

import java.time.Duration;

/**
 * One instance of {@link LeaseKinesisCrashIT}, run in a child JVM that the test may kill with
 * SIGKILL. Arguments: Kinesis endpoint, DynamoDB endpoint, region, stream, ClickHouse endpoint,
 * table, application, worker id. The AWS credentials come from the default chain (the test sets
 * {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}).
 */
public final class LeaseCrashTestPipeline {

    private LeaseCrashTestPipeline() {
    }

    public static void main(String[] args) throws Exception {
        Pipeline pipeline = Pipeline.builder()
                .name(args[7])
                .source(LeaseKinesisSource.builder()
                        .endpointOverride(args[0])
                        .dynamoDbEndpointOverride(args[1])
                        .region(args[2])
                        .streamName(args[3])
                        .credentials(KinesisCredentials.defaultChain())
                        .applicationName(args[6])
                        .workerId(args[7])
                        .failoverTime(Duration.ofSeconds(2))
                        .leaderLeaseDuration(Duration.ofSeconds(3))
                        .shardSyncInterval(Duration.ofSeconds(2))
                        .pollInterval(Duration.ofMillis(200))
                        // Slow reading (125 records per second per shard), so that the kill lands mid-run.
                        .getRecordsLimit(25)
                        .build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(args[4]).table(args[5])
                        .maxRows(10_000).maxAge(Duration.ofMillis(300)).build())
                .metricsLogInterval(Duration.ofSeconds(2))
                .build();
        // A graceful stop (SIGTERM) flushes, commits and hands the leases off; SIGKILL gives no such chance.
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination();
    }
}
