package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;

import java.time.Duration;

/**
 * The pipeline of {@link KinesisCrashIT}, run in a child JVM that the test kills with SIGKILL.
 * Arguments: Kinesis endpoint, region, stream, ClickHouse endpoint, table. The AWS credentials come
 * from the default chain (the test sets {@code AWS_ACCESS_KEY_ID} and {@code AWS_SECRET_ACCESS_KEY}).
 */
public final class CrashTestPipeline {

    private CrashTestPipeline() {
    }

    public static void main(String[] args) throws Exception {
        Pipeline pipeline = Pipeline.builder()
                .name("crash-test")
                .source(KinesisSource.builder()
                        .endpointOverride(args[0])
                        .region(args[1])
                        .streamName(args[2])
                        .credentials(KinesisCredentials.defaultChain())
                        .checkpointStore(ClickHouseCheckpointStore.builder().endpoint(args[3]).build())
                        // Slow reading (125 records per second per shard), so that kills land mid-run.
                        .getRecordsLimit(25)
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
