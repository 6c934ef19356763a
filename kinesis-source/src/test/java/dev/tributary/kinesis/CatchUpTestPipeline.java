package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;

import java.time.Duration;

/**
 * The pipeline of {@link KinesisPromptCommitIT}, run in a child JVM that the test kills with
 * SIGKILL during a catch-up. Arguments: Kinesis endpoint, region, stream, ClickHouse endpoint,
 * table. Small batches sealed by size, two inserts in flight, and the longest poll timeout the
 * pipeline allows (10 s): commits must follow a landed batch at once, not wait for a poll to end.
 */
public final class CatchUpTestPipeline {

    static final String NAME = "catch-up-test";
    static final int MAX_ROWS = 100;
    static final int MAX_IN_FLIGHT = 2;
    static final int MAX_POLL_RECORDS = 50;
    /** The pipeline checks a batch's size between polls: a batch holds at most this many rows. */
    static final int MAX_BATCH_ROWS = MAX_ROWS + MAX_POLL_RECORDS - 1;

    private CatchUpTestPipeline() {
    }

    public static void main(String[] args) throws Exception {
        Pipeline pipeline = Pipeline.builder()
                .name(NAME)
                .source(KinesisSource.builder()
                        .endpointOverride(args[0])
                        .region(args[1])
                        .streamName(args[2])
                        .credentials(KinesisCredentials.defaultChain())
                        .checkpointStore(ClickHouseCheckpointStore.builder().endpoint(args[3]).build())
                        .maxPollRecords(MAX_POLL_RECORDS) // the pipeline seals a batch between polls
                        .build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(args[3]).table(args[4])
                        .maxRows(MAX_ROWS).maxAge(Duration.ofSeconds(5)).maxInFlightBatches(MAX_IN_FLIGHT).build())
                .pollTimeout(Duration.ofSeconds(10))
                .metricsLogInterval(Duration.ofSeconds(2))
                .build();
        // A graceful stop (SIGTERM) flushes and commits; SIGKILL gives no such chance.
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close));
        pipeline.start();
        pipeline.awaitTermination();
    }
}
