package dev.tributary.kinesis;

import dev.tributary.core.internal.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Lists the stream's shards ({@code ListShards}, every page) and reads the application's
 * checkpoints, on its own thread, every {@code interval} and whenever a shard ends (its children
 * are then listed at once). The pipeline thread takes the newest result in {@code poll}.
 */
final class ShardDiscovery implements AutoCloseable {

    /** The shards as listed, and the checkpoints in the store (null if the store could not be read). */
    record Snapshot(List<ShardInfo> shards, Map<String, Checkpoint> checkpoints) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ShardDiscovery.class);

    private final String pipeline;
    private final KinesisClient kinesis;
    private final StreamRef stream;
    private final CheckpointStore store;
    private final String application;
    private final long intervalMillis;
    private final ScheduledExecutorService executor;
    private final AtomicReference<Snapshot> latest = new AtomicReference<>();
    private final AtomicBoolean extraRunQueued = new AtomicBoolean();
    private final Signal signal;
    private final Backoff backoff;
    private volatile boolean closed;
    private int failures;
    private final Reachability reachability = new Reachability();

    ShardDiscovery(String pipeline, KinesisClient kinesis, StreamRef stream, CheckpointStore store, String application,
                   long intervalMillis, ScheduledExecutorService executor, Signal signal, Backoff backoff) {
        this.pipeline = pipeline;
        this.kinesis = kinesis;
        this.stream = stream;
        this.store = store;
        this.application = application;
        this.intervalMillis = intervalMillis;
        this.executor = executor;
        this.signal = signal;
        this.backoff = backoff;
    }

    /** Lists the shards now, on the calling thread; failures are thrown. */
    List<ShardInfo> listShards() {
        return listShards(kinesis, stream);
    }

    /** Every shard of {@code stream} (every page of {@code ListShards}), open and closed; failures are thrown. */
    static List<ShardInfo> listShards(KinesisClient kinesis, StreamRef stream) {
        List<ShardInfo> shards = new ArrayList<>();
        String nextToken = null;
        do {
            ListShardsResponse response;
            if (nextToken == null) {
                response = kinesis.listShards(request -> stream.applyTo(request));
            } else {
                String token = nextToken;
                response = kinesis.listShards(ListShardsRequest.builder().nextToken(token).build());
            }
            for (Shard shard : response.shards()) {
                shards.add(ShardInfo.of(shard));
            }
            nextToken = response.nextToken();
        } while (nextToken != null);
        return shards;
    }

    /** Whether the listings reach Kinesis. */
    Reachability reachability() {
        return reachability;
    }

    /** Starts listing every interval, in the background. */
    void start() {
        executor.schedule(this::runPeriodically, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** Lists again as soon as possible (a shard ended: its children should be read without delay). */
    void requestSoon() {
        if (extraRunQueued.compareAndSet(false, true)) {
            try {
                executor.execute(() -> {
                    extraRunQueued.set(false);
                    discover();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closing
            }
        }
    }

    /** The newest result not taken yet, or null. */
    Snapshot take() {
        return latest.getAndSet(null);
    }

    /** Publishes a result obtained elsewhere (the first listing, made while opening). */
    void publish(Snapshot snapshot) {
        latest.set(snapshot);
        signal.raise();
    }

    private void runPeriodically() {
        long delay = discover() ? intervalMillis : Math.max(intervalMillis, backoff.delayMillis(failures - 1));
        try {
            executor.schedule(this::runPeriodically, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    /** One listing; returns whether it worked. */
    private synchronized boolean discover() {
        List<ShardInfo> shards;
        try {
            shards = listShards();
        } catch (RuntimeException e) {
            if (closed) {
                return false; // interrupted by close
            }
            failures++;
            reachability.failed("ListShards", e);
            if (KinesisErrors.isThrottling(e)) {
                LOG.debug("pipeline {}: ListShards of stream {} throttled: {}", pipeline, stream, KinesisErrors.describe(e));
            } else {
                LOG.warn("pipeline {}: listing the shards of stream {} failed (attempt {}), trying again later: {}", pipeline,
                        stream, failures, KinesisErrors.describe(e));
            }
            return false;
        }
        reachability.reached();
        if (failures > 0) {
            LOG.info("pipeline {}: listing the shards of stream {} works again after {} failed attempts", pipeline, stream, failures);
            failures = 0;
        }
        Map<String, Checkpoint> checkpoints = null;
        try {
            checkpoints = store.load(application, stream.name());
        } catch (RuntimeException e) {
            if (closed) {
                return false;
            }
            LOG.warn("pipeline {}: reading the checkpoints of stream {} failed, using the previous ones: {}", pipeline,
                    stream, e.getMessage());
        }
        publish(new Snapshot(shards, checkpoints));
        return true;
    }

    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
    }
}
