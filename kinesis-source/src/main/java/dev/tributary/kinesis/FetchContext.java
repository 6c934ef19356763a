package dev.tributary.kinesis;

import dev.tributary.core.internal.Backoff;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every shard reader of one source shares: the clients, the fetch threads, the pause switch,
 * the signal that wakes the pipeline thread, and the read settings.
 */
record FetchContext(String pipeline, StreamRef stream, KinesisClient kinesis, KinesisAsyncClient async,
                    String consumerArn, ScheduledExecutorService executor, AtomicBoolean pausedSwitch, Signal signal,
                    int maxBufferedRecords, long maxBufferedBytes, int getRecordsLimit, long pollIntervalMillis,
                    Backoff backoff) {

    boolean paused() {
        return pausedSwitch.get();
    }
}
