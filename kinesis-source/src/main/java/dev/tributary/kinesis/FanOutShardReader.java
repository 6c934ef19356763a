package dev.tributary.kinesis;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEventStream;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardRequest;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;

/**
 * Reads a shard with enhanced fan-out: {@code SubscribeToShard} over HTTP/2 pushes events to the
 * registered consumer. Events are requested one at a time, and only while the source is not paused
 * and the buffer has room, so the push is back-pressured. A subscription lasts five minutes; when it
 * ends, or fails, the reader subscribes again after the last continuation sequence number (with
 * backoff after a failure).
 *
 * <p>The end of a closed shard is an event without a continuation sequence number. Servers that
 * never send one (kinesis-mock keeps sending empty events) are covered too: once {@code ListShards}
 * says the shard is closed and the subscription has caught up, a {@code GetRecords} after the last
 * record confirms the end.
 *
 * <p>Each subscription has a generation; callbacks of an older one are ignored.
 */
final class FanOutShardReader extends ShardReader {

    private static final Logger LOG = LoggerFactory.getLogger(FanOutShardReader.class);
    private static final long END_CHECK_INTERVAL_MILLIS = 2_000;

    private final Object lock = new Object();
    private IteratorStart start;
    private volatile String continuation;
    private volatile boolean closedInListing;
    // Guarded by lock.
    private int generation;
    private Subscription subscription;
    private boolean requested;
    private boolean eventReceived;
    private boolean checkingEnd;
    private long lastEndCheck;

    FanOutShardReader(FetchContext context, String shardId) {
        super(context, shardId, "SubscribeToShard event", ShardLag.FAN_OUT_EVENT_INTERVAL);
    }

    @Override
    void begin(IteratorStart start) {
        this.start = start;
        schedule(this::subscribe, 0);
    }

    private void subscribe() {
        int current;
        synchronized (lock) {
            if (isClosed() || isEnded()) {
                return;
            }
            current = ++generation;
            subscription = null;
            requested = false;
            eventReceived = false;
        }
        String after = continuation;
        IteratorStart from = after != null ? IteratorStart.after(after) : start;
        SubscribeToShardRequest request = SubscribeToShardRequest.builder().consumerARN(context.consumerArn())
                .shardId(shardId).startingPosition(from.toStartingPosition()).build();
        SubscribeToShardResponseHandler handler = SubscribeToShardResponseHandler.builder()
                .onEventStream(publisher -> publisher.subscribe(new Events(current)))
                .onError(error -> { }) // reported through the future below
                .build();
        LOG.debug("pipeline {}: subscribing to shard {} from {}", context.pipeline(), describe(), from);
        try {
            context.async().subscribeToShard(request, handler).whenComplete((ignored, error) -> onSubscriptionEnd(current, error));
        } catch (RuntimeException e) {
            onSubscriptionEnd(current, e);
        }
    }

    private void onSubscriptionEnd(int ended, Throwable error) {
        boolean delivered;
        synchronized (lock) {
            if (ended != generation || isClosed() || isEnded()) {
                return;
            }
            subscription = null;
            delivered = eventReceived;
        }
        if (error == null && !delivered) {
            // Ended at once without a single event: retry with backoff rather than at once, again and again.
            error = new IllegalStateException("the subscription ended without an event");
        }
        if (error == null) {
            // Subscriptions end after five minutes: renew at once, after the last continuation.
            LOG.debug("pipeline {}: subscription to shard {} ended; subscribing again", context.pipeline(), describe());
            schedule(this::subscribe, 0);
        } else {
            schedule(this::subscribe, onFailure("SubscribeToShard", error));
        }
    }

    /** Asks for the next event if the last one was handled and there is room for more. */
    private void demand() {
        Subscription target;
        synchronized (lock) {
            if (subscription == null || requested || isEnded() || mustHold()) {
                return;
            }
            requested = true;
            target = subscription;
        }
        target.request(1);
    }

    private void onEvent(int from, SubscribeToShardEvent event) {
        synchronized (lock) {
            if (from != generation || isClosed()) {
                return;
            }
            requested = false;
            eventReceived = true;
        }
        onSuccess();
        deliver(event.records(), event.millisBehindLatest());
        if (event.continuationSequenceNumber() == null) {
            finish(from);
            end(event.childShards());
            return;
        }
        continuation = event.continuationSequenceNumber();
        if (closedInListing && event.records().isEmpty()) {
            maybeCheckEnd();
        }
        demand();
    }

    /** Stops the current subscription for good. */
    private void finish(int from) {
        Subscription target;
        synchronized (lock) {
            if (from != generation) {
                return;
            }
            generation++;
            target = subscription;
            subscription = null;
        }
        if (target != null) {
            target.cancel();
        }
    }

    @Override
    void onClosedInListing() {
        closedInListing = true;
    }

    @Override
    void resume() {
        demand();
    }

    @Override
    void afterDrain() {
        demand();
    }

    private void maybeCheckEnd() {
        synchronized (lock) {
            long now = System.currentTimeMillis();
            if (checkingEnd || now - lastEndCheck < END_CHECK_INTERVAL_MILLIS) {
                return;
            }
            checkingEnd = true;
            lastEndCheck = now;
        }
        schedule(this::checkEnd, 0);
    }

    /**
     * Confirms with {@code GetRecords} that nothing follows the last continuation of a closed shard.
     * Records found there mean the subscription is not caught up yet: it keeps going.
     */
    private void checkEnd() {
        int current;
        synchronized (lock) {
            current = generation;
        }
        try {
            String after = continuation;
            IteratorStart from = after != null ? IteratorStart.after(after) : start;
            String iterator = context.kinesis().getShardIterator(request -> from.applyTo(context.stream().applyTo(request))
                    .shardId(shardId)).shardIterator();
            for (int page = 0; page < 3 && iterator != null; page++) {
                String pageIterator = iterator;
                GetRecordsResponse response = context.kinesis().getRecords(request -> request.shardIterator(pageIterator).limit(1));
                if (!response.records().isEmpty()) {
                    return;
                }
                iterator = response.nextShardIterator();
                if (iterator == null && after != null && after.equals(continuation)) {
                    finish(current);
                    end(response.childShards());
                    return;
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("pipeline {}: checking the end of closed shard {} failed, will check again: {}", context.pipeline(),
                    describe(), KinesisErrors.describe(e));
        } finally {
            synchronized (lock) {
                checkingEnd = false;
            }
        }
    }

    @Override
    public void close() {
        super.close();
        Subscription target;
        synchronized (lock) {
            generation++;
            target = subscription;
            subscription = null;
        }
        if (target != null) {
            target.cancel();
        }
    }

    /** The subscriber of one subscription's event stream. */
    private final class Events implements Subscriber<SubscribeToShardEventStream> {
        private final int from;

        Events(int from) {
            this.from = from;
        }

        @Override
        public void onSubscribe(Subscription s) {
            synchronized (lock) {
                if (from != generation || isClosed()) {
                    s.cancel();
                    return;
                }
                subscription = s;
                requested = false;
            }
            demand();
        }

        @Override
        public void onNext(SubscribeToShardEventStream event) {
            if (event instanceof SubscribeToShardEvent shardEvent) {
                onEvent(from, shardEvent);
            } else {
                synchronized (lock) {
                    requested = false;
                }
                demand();
            }
        }

        @Override
        public void onError(Throwable error) {
            // The subscription's future reports it.
        }

        @Override
        public void onComplete() {
            // The subscription's future reports it.
        }
    }
}
