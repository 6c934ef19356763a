package dev.tributary.core;

import dev.tributary.core.internal.Backoff;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.metrics.MetricsRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Moves records from a {@link Source} through a {@link Decoder} and a {@link SchemaMapper} into a
 * {@link BatchingSink}, with at-least-once delivery: a position is committed to the source only
 * once every record up to it in its split is durable — inserted into the table, or written to the
 * error table. A crash replays from the last commit; records may be duplicated, never lost.
 *
 * <p>One thread (named {@code tributary-<name>}) polls, decodes, maps and encodes; the sink inserts
 * on its own threads. When the sink has as many batches in flight as it allows, the source is
 * paused (but kept alive) until one lands, so memory stays bounded by the batch settings.
 *
 * <p>It writes one table ({@code sink(...)}) or several: a {@code route(name, sink)} per table and a
 * router ({@code routeByTopic(...)}, {@code routeBy(...)}); the routes' batches are sealed together, so
 * that a commit covers every table (see docs/schema.md).
 *
 * <pre>{@code
 * try (Pipeline pipeline = Pipeline.builder()
 *         .name("events")
 *         .source(source)
 *         .decoder(JsonDecoder.create())
 *         .sink(ClickHouseSink.builder().endpoint("http://127.0.0.1:8123").table("events").build())
 *         .build()) {
 *     pipeline.start();
 *     pipeline.awaitTermination();
 * }
 * }</pre>
 */
public final class Pipeline implements AutoCloseable {

    /** Where a pipeline is in its life. */
    public enum State { CREATED, RUNNING, STOPPING, STOPPED, FAILED }

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** The longest wait, at the end, for listeners to take the events still queued. */
    private static final Duration LISTENER_DRAIN = Duration.ofSeconds(5);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

    private final String name;
    private final Source source;
    private final Decoder decoder;
    /** One lane per route (target table), in the order the routes were given. */
    private final List<Lane> lanes;
    /** Where records go that no route takes (their error rows), and every record when there is one route and no router. */
    private final Lane defaultLane;
    /** Routing by topic: the lane of each topic, and the virtual column the topic is read from; else null. */
    private final Map<String, Lane> topicLanes;
    private final String topicColumn;
    /** Routing by a function of the record; else null. */
    private final RecordRouter router;
    private final Map<String, Lane> lanesByRoute = new java.util.LinkedHashMap<>();
    private final Duration pollTimeout;
    private final Duration metricsLogInterval;
    private final Duration retryBackoffMax;
    private final int maxRecordBytes;
    private final Duration shutdownTimeout;
    private final DeliveryGuarantee deliveryGuarantee;
    /** Opt-in schema evolution, or null (the default: records are mapped onto the table as it is). */
    private final SchemaEvolution evolution;
    /** Exactly-once bookkeeping per split; null under at-least-once. Owned by the pipeline thread. */
    private final RangeTracker ranges;
    private final PipelineMetrics metrics = new PipelineMetrics();
    /** Where every event goes: the counters, and the listeners' queue (see {@link PipelineEvents}). */
    private final PipelineEvents events;
    private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile long stopRequestedNanos;
    private volatile boolean pauseRequested;
    private volatile boolean pausedByUser;
    private volatile Throwable failure;
    private ScheduledExecutorService metricsLogger;

    /** Requests of the sink's threads to encode records again for a changed table; served by the pipeline thread. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Reencoding> reencodings = new java.util.concurrent.ConcurrentLinkedQueue<>();

    // Owned by the pipeline thread.
    /** Splits revoked or lost since they were last assigned: nothing more of them is processed or committed. */
    private final java.util.Set<String> departedSplits = new java.util.HashSet<>();
    private final Map<String, SourcePosition> uncommitted = new HashMap<>();
    private final ArrayDeque<InFlight> inFlight = new ArrayDeque<>();
    private long recordsReadAtLastFlush;

    private boolean sourcePaused;
    private boolean closing;

    private Pipeline(Builder builder) {
        this.name = builder.name;
        this.source = builder.source;
        this.decoder = builder.decoder;
        List<Lane> all = new java.util.ArrayList<>();
        for (Builder.RouteSpec route : builder.routes) {
            Lane lane = new Lane(route.name(), route.sink(), route.mapper() != null ? route.mapper() : builder.mapper);
            all.add(lane);
            lanesByRoute.put(route.name(), lane);
        }
        this.lanes = List.copyOf(all);
        this.defaultLane = builder.defaultRoute == null ? lanes.get(0) : lanesByRoute.get(builder.defaultRoute);
        if (builder.topicRoutes != null) {
            Map<String, Lane> byTopic = new HashMap<>();
            builder.topicRoutes.forEach((topic, route) -> byTopic.put(topic, lanesByRoute.get(route)));
            this.topicLanes = byTopic;
            this.topicColumn = builder.topicColumn;
        } else {
            this.topicLanes = null;
            this.topicColumn = null;
        }
        this.router = builder.router;
        this.pollTimeout = builder.pollTimeout;
        this.metricsLogInterval = builder.metricsLogInterval;
        this.retryBackoffMax = builder.retryBackoffMax;
        this.maxRecordBytes = builder.maxRecordBytes;
        this.shutdownTimeout = builder.shutdownTimeout;
        this.deliveryGuarantee = builder.deliveryGuarantee;
        this.evolution = builder.evolution;
        this.ranges = deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE ? new RangeTracker(System::currentTimeMillis) : null;
        this.events = new PipelineEvents(name, metrics, builder.listeners);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String name() {
        return name;
    }

    public State state() {
        return state.get();
    }

    /** The pipeline's counters now. */
    public MetricsSnapshot metrics() {
        return metrics.snapshot();
    }

    /** How far the source's reading is behind (see {@link Source#lag()}); safe from any thread. */
    public SourceLag lag() {
        return source.lag();
    }

    /** Why the pipeline failed, or null. */
    public Throwable failure() {
        return failure;
    }

    /** Starts the pipeline thread; returns at once. */
    public void start() {
        if (!transition(State.CREATED, State.RUNNING)) {
            throw new IllegalStateException("pipeline " + name + " cannot start: it is " + state.get()
                    + " (a pipeline runs once; build a new one to run again)");
        }
        Thread thread = new Thread(this::run, "tributary-" + name);
        thread.setDaemon(false);
        thread.start();
        if (!metricsLogInterval.isZero()) {
            metricsLogger = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread logger = new Thread(runnable, "tributary-" + name + "-metrics");
                logger.setDaemon(true);
                return logger;
            });
            long every = metricsLogInterval.toMillis();
            metricsLogger.scheduleAtFixedRate(() -> LOG.info("pipeline {}: {}", name, metrics.snapshot().summary()),
                    every, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops reading new records (the source keeps its positions); batches already read still land. */
    public void pause() {
        pauseRequested = true;
    }

    /** Whether the source is paused at the user's request (true shortly after {@link #pause()}). */
    public boolean isPaused() {
        return pausedByUser;
    }

    /** Reads records again after {@link #pause()}. */
    public void resume() {
        pauseRequested = false;
    }

    /**
     * Asks the pipeline to stop gracefully: it stops reading, flushes what it holds, waits for it to
     * land, commits, and releases the source and sink. Returns at once; see {@link #awaitTermination()}.
     * What has not landed within {@code shutdownTimeout} is left uncommitted (and logged): it is read
     * again at the next start.
     */
    public void stop() {
        if (!stopRequested) {
            stopRequestedNanos = System.nanoTime();
        }
        stopRequested = true;
        transition(State.RUNNING, State.STOPPING);
        if (transition(State.CREATED, State.STOPPED)) {
            finishEvents(); // never started: the listeners are told of the change to STOPPED before awaitTermination returns
            terminated.countDown();
        }
        source.wakeup();
    }

    /**
     * Changes the state from {@code from} to {@code to} if it is {@code from}, and queues the event for the
     * listeners under the same lock, so that they hear of the changes in the order they happened.
     */
    private boolean transition(State from, State to) {
        synchronized (state) {
            if (!state.compareAndSet(from, to)) {
                return false;
            }
            events.stateChanged(from, to);
            return true;
        }
    }

    /**
     * Lets the listeners take the events still queued, waiting for them at most 5 s (or {@code shutdownTimeout}
     * if shorter): so that {@link #awaitTermination()} returns once they were told of the final state.
     */
    private void finishEvents() {
        try {
            events.finish(shutdownTimeout.compareTo(LISTENER_DRAIN) < 0 ? shutdownTimeout : LISTENER_DRAIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the pipeline has stopped.
     *
     * @throws PipelineException if it stopped because of a failure
     */
    public void awaitTermination() throws InterruptedException {
        terminated.await();
        throwIfFailed();
    }

    /**
     * Waits up to {@code timeout} for the pipeline to stop.
     *
     * @return whether it stopped
     * @throws PipelineException if it stopped because of a failure
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        boolean done = terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (done) {
            throwIfFailed();
        }
        return done;
    }

    private void throwIfFailed() {
        Throwable cause = failure;
        if (cause != null) {
            throw new PipelineException("pipeline " + name + " failed: " + cause.getMessage(), cause);
        }
    }

    /**
     * {@link #stop()}, then waits for the pipeline to finish, at most {@code shutdownTimeout} (default
     * 30 s) from the stop even while ClickHouse is down; a failure is logged, not thrown.
     */
    @Override
    public void close() {
        stop();
        boolean interrupted = false;
        boolean done = false;
        while (!done) {
            long left = stopRequestedNanos + shutdownTimeout.toNanos() - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                done = terminated.await(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (!done && terminated.getCount() > 0) {
            LOG.warn("pipeline {}: not stopped within shutdownTimeout ({}); returning while its thread finishes closing"
                    + " the source and sink; nothing more is committed", name, shutdownTimeout);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Pipeline{name=" + name + ", state=" + state.get() + "}";
    }

    // ---------------------------------------------------------------- the pipeline thread

    private void run() {
        try {
            for (Lane lane : lanes) {
                lane.open();
            }
            narrowDecoder();
            source.open(new SourceContext() {
                @Override
                public String pipelineName() {
                    return name;
                }

                @Override
                public SplitListener splitListener() {
                    return new Rebalance();
                }

                @Override
                public void recordsSkipped(String split, long count) {
                    events.recordsSkipped(count);
                }
            });
            LOG.info("pipeline {}: started ({})", name, deliveryGuarantee);
            while (!stopRequested) {
                serveReencodings();
                commitLandedBatches();
                boolean due = anyFlushDue();
                if (due && canFlush() && readyToRecordPending() && flushOpenBatch(null)) {
                    due = anyFlushDue();
                }
                // Backpressure: while the open batch is due but cannot be sealed, read nothing more; but
                // never while a replayed range is incomplete (exactly-once): its last records must still come.
                boolean userPause = pauseRequested;
                setSourcePaused(userPause || due && (ranges == null || !ranges.midReplay()));
                pausedByUser = userPause;
                List<SourceRecord> records = source.poll(pollTimeout);
                for (SourceRecord record : records) {
                    if (stopRequested) {
                        break; // the rest was not processed, so it is not committed: read again next time
                    }
                    process(record);
                }
            }
            transition(State.RUNNING, State.STOPPING); // unless stop() did
            flushAndCommitAll();
            transition(State.STOPPING, State.STOPPED);
            LOG.info("pipeline {}: stopped; {}", name, metrics.snapshot().summary());
        } catch (Throwable e) {
            failure = e;
            events.failed(e); // before the change to FAILED
            while (true) {
                State from = state.get();
                if (from == State.FAILED || transition(from, State.FAILED)) {
                    break;
                }
            }
            LOG.error("pipeline {}: failed, nothing more is committed: {}", name, e.getMessage(), e);
        } finally {
            closing = true; // a source may report revoked splits while closing: nothing more is committed then
            for (Reencoding request; (request = reencodings.poll()) != null; ) {
                request.done.completeExceptionally(new IllegalStateException("pipeline " + name + " stopped"));
            }
            closeQuietly(source, "source");
            closeQuietly(decoder, "decoder");
            for (Lane lane : lanes) {
                closeQuietly(lane.sink, "sink of route " + lane.route);
            }
            if (metricsLogger != null) {
                metricsLogger.shutdownNow();
            }
            finishEvents();
            terminated.countDown();
        }
    }

    private void process(SourceRecord record) throws InterruptedException {
        byte[] key = record.key();
        byte[] value = record.value();
        events.recordRead((key == null ? 0 : key.length) + (value == null ? 0L : value.length));
        String split = record.position().split();
        if (departedSplits.contains(split)) {
            return; // revoked while an earlier record waited: its new owner reads it
        }
        if (ranges == null) {
            if (encode(record, null, null, true)) {
                uncommitted.put(split, record.position());
            }
            return;
        }
        SourcePosition position = record.position();
        while (ranges.before(position) == RangeTracker.Before.SEAL_FIRST) {
            sealForReplay(position);
            if (stopRequested || departedSplits.contains(split)) {
                return; // not sealed: the record is read again by whoever replays the range
            }
        }
        if (encode(record, null, null, true)) {
            uncommitted.put(split, position);
            if (ranges.appended(position)) {
                sealForReplay(position); // a replayed range is complete: it goes as it went before
            }
        }
    }

    /**
     * Seals the open batch now, for a replayed range (exactly-once), waiting for an in-flight slot.
     * Recording the ranges in the source is retried for a while; if it keeps failing the pipeline
     * fails (a restart replays the same ranges), since the range cannot be sealed and its records
     * were already taken from the source.
     */
    private void sealForReplay(SourcePosition at) throws InterruptedException {
        String split = at.split();
        for (int attempt = 0; ; attempt++) {
            while (!canFlush() && !stopRequested && !departedSplits.contains(split)) {
                awaitOldestFlush();
                commitLandedBatches();
                // Keeps the source's session while ClickHouse is slow (a Kafka member that does not poll is
                // dropped from its group); paused, so nothing is returned. A revoke it reports is handled here.
                setSourcePaused(true);
                source.poll(Duration.ofMillis(1));
            }
            if (stopRequested || departedSplits.contains(split)) {
                return; // the stop or the revoke drops the incomplete replay; its next reader replays the range whole
            }
            if (flushOpenBatch(split)) {
                return;
            }
            if (attempt >= 5 || stopRequested) {
                throw new PipelineException("pipeline " + name + ": could not record the pending ranges in the source"
                        + " while replaying " + at.split() + " at " + at + "; stopping without inserting them (a restart"
                        + " replays them)", lastPendingFailure);
            }
            Thread.sleep(new Backoff(Duration.ofMillis(200), retryBackoffMax).delayMillis(attempt));
        }
    }

    /**
     * Decodes {@code record} and hands its row, or the reason it has none, to {@code target}; with no
     * plan and target (null), routes it first: to its route's lane, or, routed nowhere, to the default
     * route's error table (MAPPING).
     *
     * With schema evolution, a record routed here (no plan and target given) first has the columns it needs
     * added to its lane's table ({@link #evolveFor}); a record encoded again for a changed table does not.
     *
     * @param waitForDependencies whether to wait out an outage of what the decoder depends on (else
     *                            its {@link RetriableException} propagates)
     * @return false if, while decoding waited, the pipeline was asked to stop or the record's split was
     *         revoked: nothing was handed over
     */
    private boolean encode(SourceRecord record, MappingPlan plan, RowTarget target, boolean waitForDependencies)
            throws InterruptedException {
        Lane routed = null; // the lane a record routed here goes to (schema evolution runs on it)
        if (target == null) {
            Lane lane = router != null ? null : laneOfTopic(record);
            if (lane == null && router == null) {
                return true; // no route for its topic: in the default route's error table
            }
            if (lane != null) {
                routed = lane;
                plan = lane.plan;
                target = lane.sink;
            }
        }
        // Routing by a function of the decoded record: a record that cannot be decoded has no route.
        RowTarget errors = target != null ? target : defaultLane.sink;
        byte[] value = record.value();
        if (value != null && value.length > maxRecordBytes) {
            errors.appendError(record, ErrorKind.DECODE, "message of " + value.length + " bytes exceeds the limit of "
                    + maxRecordBytes + " bytes (maxRecordBytes)");
            return true;
        }
        DecodedRecord decoded;
        try {
            decoded = waitForDependencies ? decodeRetrying(record) : decodeOnce(record);
        } catch (DecodeException e) {
            errors.appendError(record, ErrorKind.DECODE, e.getMessage());
            return true;
        } catch (RetriableException | PipelineException e) {
            throw e; // not about this record: a dependency is down, or a batch failed while the decoder waited for one
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // A decoder that breaks its contract on one record must not stop the pipeline for good:
            // the record would be read again, and fail again, at every restart (a poison pill).
            // Of the VM's errors only these two are one record's: a stack overflow unwinds that
            // record's frames, and an allocation that fails leaves the heap as it was (if the heap is
            // really exhausted, the error row's own allocation fails and the pipeline stops). Other
            // VirtualMachineErrors (InternalError, UnknownError) mean the VM itself is broken.
            errors.appendError(record, ErrorKind.DECODE, "the decoder failed on this record: " + e
                    + (e instanceof StackOverflowError ? " (nested too deeply for the thread's stack)" : ""));
            return true;
        }
        if (decoded == null || waitForDependencies && departedSplits.contains(record.position().split())) {
            return false; // stop requested, or the split was revoked, while the decoder waited
        }
        if (target == null) {
            Lane lane = laneOfDecoded(record, decoded);
            if (lane == null) {
                return true; // in the default route's error table
            }
            routed = lane;
            plan = lane.plan;
            target = lane.sink;
        }
        if (evolution != null && routed != null) {
            try {
                decoded = evolveFor(routed, record, decoded);
            } catch (DecodeException e) { // decoded once already: only a decoder that changed its mind
                target.appendError(record, ErrorKind.DECODE, e.getMessage());
                return true;
            }
            if (decoded == null) {
                return false; // stop requested, or the split revoked, while the batch before it was sealed
            }
            plan = routed.plan;
        }
        DecodedRecord row = decoded;
        MappingPlan rows = plan;
        try {
            target.append(record, out -> rows.writeRow(row, record, out));
        } catch (MappingException e) {
            target.appendError(record, e.kind(), e.getMessage());
        } catch (RetriableException | PipelineException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            // Likewise for a mapping that breaks its contract on one record (the sink dropped the partial row).
            target.appendError(record, ErrorKind.MAPPING, "the mapping failed on this record: " + e
                    + (e instanceof StackOverflowError ? " (nested too deeply for the thread's stack)" : ""));
        }
        return true;
    }

    /**
     * Schema evolution, before {@code record} is mapped into the open batch: when it needs columns the
     * table lacks, the sink adds them, the open batch (rows of the old layout, still valid: inserts name
     * their columns and the server fills the new ones) is sealed, the mapping is compiled again for the
     * table as read back, and the record is decoded again for it (the decoder may keep only the fields the
     * old mapping read). Returns the record as the mapping now reads it, or null if a stop or a revoke of
     * its split came while the seal waited for a slot (nothing was handed over: it is read again).
     */
    private DecodedRecord evolveFor(Lane lane, SourceRecord record, DecodedRecord decoded)
            throws InterruptedException, DecodeException {
        if (lane.coveredFor != lane.plan) {
            lane.covered = coveredNames(lane.planSchema, lane.plan.fieldsRead(), lane.notAdded);
            lane.coveredFor = lane.plan;
        }
        List<SchemaEvolution.NewColumn> wanted = evolution.newColumns(record, decoded, lane.planSchema, lane.covered);
        if (wanted.isEmpty()) {
            return decoded;
        }
        TableSchema altered = lane.sink.addColumns(wanted);
        for (SchemaEvolution.NewColumn column : wanted) {
            if (altered.columns().stream().noneMatch(c -> c.name().equals(column.name()))) {
                lane.notAdded.add(column.name());
                LOG.warn("pipeline {}: schema evolution: {} still has no insertable column {} after adding it (the server"
                        + " refused it, or a MATERIALIZED or ALIAS column has that name); the field is ignored", name,
                        altered.qualifiedName(), column.name());
            }
        }
        lane.coveredFor = null;
        String split = record.position().split();
        while (!canFlush()) { // lanes are sealed together
            if (stopRequested || departedSplits.contains(split)) {
                return null;
            }
            awaitOldestFlush();
            commitLandedBatches();
            setSourcePaused(true); // keeps the source's session while a slot frees; paused, so nothing is returned
            source.poll(Duration.ofMillis(1));
        }
        if (stopRequested || departedSplits.contains(split)) {
            return null;
        }
        flushOpenBatch(null); // at-least-once: always seals; the lane's next batch is encoded for the altered table
        LOG.info("pipeline {}: schema evolution: mapping {} with the columns {} added", name, record.position(), wanted);
        return decodeRetrying(record);
    }

    /**
     * The top-level field names schema evolution leaves alone for a mapping of {@code table}: every column's
     * name and its part before a dot ({@code actor.login} reads {@code actor}), the first segment of every
     * path the mapping reads (overrides), and the names it could not add.
     */
    static Set<String> coveredNames(TableSchema table, Set<FieldPath> fieldsRead, Set<String> notAdded) {
        Set<String> names = new java.util.HashSet<>(notAdded);
        for (dev.tributary.core.table.TableColumn column : table.columns()) {
            names.add(column.name());
            int dot = column.name().indexOf('.');
            if (dot > 0) {
                names.add(column.name().substring(0, dot));
            }
        }
        if (fieldsRead != null) {
            for (FieldPath path : fieldsRead) {
                names.add(path.segment(0));
            }
        }
        return Set.copyOf(names);
    }

    /**
     * The lane of a record routed by topic (or of every record, with one route and no router); null if
     * its topic has no route, after its error row went to the default route's error table.
     */
    private Lane laneOfTopic(SourceRecord record) {
        if (topicLanes == null) {
            return defaultLane;
        }
        Object topic;
        try {
            topic = record.virtualColumn(topicColumn);
        } catch (RuntimeException e) {
            unroutable(record, "its " + topicColumn + " could not be read (" + e + ")");
            return null;
        }
        Lane lane = topicLanes.get(String.valueOf(topic));
        if (lane == null) {
            unroutable(record, "no route for " + topicColumn + " '" + topic + "' in routeByTopic (routes for "
                    + new java.util.TreeSet<>(topicLanes.keySet()) + ")");
        }
        return lane;
    }

    /** The lane the router chose for a decoded record; null if none, after its error row went to the default route's error table. */
    private Lane laneOfDecoded(SourceRecord record, DecodedRecord decoded) {
        String route;
        try {
            route = router.route(record, decoded);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            unroutable(record, "the router failed on this record: " + e); // one record's failure, as the decoder's
            return null;
        }
        Lane lane = route == null ? null : lanesByRoute.get(route);
        if (lane == null) {
            unroutable(record, route == null ? "the router chose no route (null)"
                    : "the router chose route '" + route + "', which is not one of " + lanesByRoute.keySet());
        }
        return lane;
    }

    private void unroutable(SourceRecord record, String why) {
        defaultLane.sink.appendError(record, ErrorKind.MAPPING, "no table for this record: " + why
                + "; it is kept in the error table of the default route '" + defaultLane.route + "'");
    }

    /** Decodes once; a decoder that returns nothing has broken its contract on this record. */
    private DecodedRecord decodeOnce(SourceRecord record) throws DecodeException {
        DecodedRecord decoded = decoder.decode(record);
        if (decoded == null) {
            throw new DecodeException("the decoder " + decoder.getClass().getName() + " returned no record (null)");
        }
        return decoded;
    }

    /**
     * Decodes, waiting out outages of what the decoder depends on (e.g. a schema registry); null if
     * the pipeline was asked to stop meanwhile.
     */
    private DecodedRecord decodeRetrying(SourceRecord record) throws DecodeException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            try {
                return decodeOnce(record);
            } catch (RetriableException e) {
                if (stopRequested) {
                    return null;
                }
                long delay = new Backoff(Duration.ofMillis(100), retryBackoffMax).delayMillis(attempt);
                LOG.warn("pipeline {}: decoding {} failed for a reason outside the record, retrying in {} ms: {}",
                        name, record.position(), delay, e.getMessage());
                setSourcePaused(true);
                long until = System.nanoTime() + delay * 1_000_000;
                while (System.nanoTime() < until && !stopRequested) {
                    serveReencodings();
                    commitLandedBatches();
                    source.poll(Duration.ofMillis(Math.min(pollTimeout.toMillis(), delay))); // keeps the session alive
                }
            }
        }
    }

    private void setSourcePaused(boolean paused) {
        if (paused != sourcePaused) {
            if (paused) {
                source.pause();
            } else {
                source.resume();
            }
            sourcePaused = paused;
        }
    }

    /**
     * Seals the open batch and starts writing it. Under exactly-once: the open records of every split
     * but those in the middle of a replayed range (except {@code completing}, whose replayed range is
     * complete; null for none), after their ranges were recorded in the source; false (nothing sealed)
     * when that failed or there was nothing to seal.
     */
    private boolean flushOpenBatch(String completing) {
        Map<String, PendingRange> sealing = null;
        Map<String, SourcePosition> positions;
        if (ranges == null) {
            positions = new HashMap<>(uncommitted);
            uncommitted.clear();
        } else {
            sealing = ranges.rangesToSeal(completing);
            if (sealing.isEmpty() || !recordPending(sealing)) {
                return false;
            }
            positions = new HashMap<>();
            for (String split : sealing.keySet()) {
                SourcePosition last = uncommitted.remove(split);
                if (last != null) {
                    positions.put(split, last);
                }
            }
        }
        CompletableFuture<Void> landed;
        if (sealing == null) {
            landed = sealLanes();
        } else {
            landed = lanes.get(0).sink.flush(sealing); // exactly-once: one lane (checked at build())
            ranges.sealed(sealing);
        }
        // Commit as soon as it lands, not when the next poll happens to return.
        landed.whenComplete((ignored, error) -> source.wakeup());
        long read = metrics.recordsRead();
        inFlight.add(new InFlight(landed, positions, read - recordsReadAtLastFlush,
                sealing == null ? Map.of() : new HashMap<>(sealing)));
        recordsReadAtLastFlush = read;
        for (Lane lane : lanes) {
            lane.followTableChange();
        }
        return true;
    }

    /**
     * Seals every lane's open batch as one unit: the unit lands when all of them have (and fails as soon
     * as one fails), so that the positions it covers are committed only once every row before them, in
     * every table, is durable.
     */
    private CompletableFuture<Void> sealLanes() {
        if (lanes.size() == 1) {
            return lanes.get(0).sink.flush();
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] flushes = new CompletableFuture[lanes.size()];
        for (int i = 0; i < flushes.length; i++) {
            flushes[i] = lanes.get(i).sink.flush();
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(flushes);
        for (CompletableFuture<Void> flush : flushes) {
            flush.whenComplete((ignored, error) -> {
                if (error != null) {
                    all.completeExceptionally(error); // a failed lane fails the unit now, not once the others end
                }
            });
        }
        return all;
    }

    /** Whether any lane's open batch is due. */
    private boolean anyFlushDue() {
        for (Lane lane : lanes) {
            if (lane.sink.isFlushDue()) {
                return true;
            }
        }
        return false;
    }

    /** Whether every lane can seal now: the lanes are sealed together, so one lane without a slot holds all back. */
    private boolean canFlush() {
        for (Lane lane : lanes) {
            if (!lane.sink.canFlush()) {
                return false;
            }
        }
        return true;
    }

    /** Whether every lane's open batch is empty. */
    private boolean lanesEmpty() {
        for (Lane lane : lanes) {
            if (!lane.sink.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** When recording pending ranges last failed (System.nanoTime()), or 0; it is retried a second later. */
    private long pendingFailedNanos;
    private RuntimeException lastPendingFailure;

    /** Whether a seal may try to record its ranges now (not within a second of a failed attempt). */
    private boolean readyToRecordPending() {
        return ranges == null || pendingFailedNanos == 0 || System.nanoTime() - pendingFailedNanos >= 1_000_000_000L;
    }

    /**
     * Records, in the source, every split's pending ranges as they are once {@code sealing} is sealed,
     * with its last durable position: before anything of a range is inserted, whoever reads the split
     * next must know the range. False if the source could not.
     */
    private boolean recordPending(Map<String, PendingRange> sealing) {
        try {
            source.commit(ranges.durablePositions(sealing.keySet()), ranges.pendingWith(sealing, sealing.keySet()));
            pendingFailedNanos = 0;
            return true;
        } catch (RuntimeException e) {
            pendingFailedNanos = System.nanoTime();
            lastPendingFailure = e;
            LOG.warn("pipeline {}: could not record the pending ranges {} in the source; the batch stays open and is"
                    + " sealed once they are recorded: {}", name, sealing.values(), e.toString());
            return false;
        }
    }

    /** Encodes again the records the sink asked for (on this thread: decoders and plans are not thread-safe). */
    private void serveReencodings() throws InterruptedException {
        for (Reencoding request; (request = reencodings.poll()) != null; ) {
            try {
                MappingPlan forTable = request.lane.planFor(request.table);
                for (SourceRecord record : request.records) {
                    encode(record, forTable, request.target, false);
                }
                request.done.complete(null);
            } catch (RuntimeException e) {
                request.done.completeExceptionally(e);
            }
        }
    }

    /** Commits the positions of batches that landed, in order, stopping at the first still in flight. */
    private void commitLandedBatches() {
        Map<String, SourcePosition> landed = null;
        java.util.Set<String> rangesLanded = null;
        while (!inFlight.isEmpty() && inFlight.peek().future.isDone()) {
            InFlight head = inFlight.poll();
            try {
                head.future.join();
            } catch (CompletionException e) {
                throw new PipelineException("pipeline " + name + ": a batch could not be made durable: "
                        + e.getCause().getMessage(), e.getCause());
            }
            if (landed == null) {
                landed = new HashMap<>();
                rangesLanded = new java.util.HashSet<>();
            }
            landed.putAll(head.positions);
            if (ranges != null) {
                ranges.landed(head.ranges, head.positions);
                rangesLanded.addAll(head.ranges.keySet());
            }
        }
        if (ranges != null && landed != null) {
            rangesLanded.addAll(landed.keySet());
            if (!rangesLanded.isEmpty()) {
                commitExactlyOnce(rangesLanded);
            }
        } else if (landed != null && !landed.isEmpty()) {
            commit(landed.values());
        }
    }

    /** Commits, for each of {@code splits}, its last durable position and what is still pending. */
    private void commitExactlyOnce(Collection<String> splits) {
        Map<String, List<PendingRange>> pending = ranges.pendingWith(Map.of(), splits);
        List<SourcePosition> positions = ranges.durablePositions(splits);
        try {
            source.commit(positions, pending);
            events.committed(positions);
        } catch (RuntimeException e) {
            // Still pending in the source: a restart replays those ranges, and ClickHouse drops what it has.
            LOG.warn("pipeline {}: commit of {} failed; their landed ranges stay pending in the source and would be"
                    + " replayed (and deduplicated): {}", name, splits, e.toString());
        }
    }

    private void commit(Collection<SourcePosition> positions) {
        try {
            source.commit(positions);
            events.committed(positions);
        } catch (RuntimeException e) {
            // The records stay uncommitted and will be read again: duplicates, never loss.
            LOG.warn("pipeline {}: commit of {} failed; those records may be read again: {}", name, positions, e.toString());
        }
    }

    /**
     * Seals what is open, waits for every batch in flight to land, and commits. Once a stop is
     * requested this gives up at the shutdown deadline, leaving uncommitted what has not landed.
     */
    private void flushAndCommitAll() throws InterruptedException {
        if (ranges != null) {
            // A replayed range cut short would be inserted with other tokens than its first attempt:
            // its records are left to whoever reads the split next, who replays the range whole.
            List<String> partial = ranges.splitsMidReplay();
            if (!partial.isEmpty()) {
                discardOpen(partial, "they are part of replayed ranges not complete yet");
            }
        }
        if (!lanesEmpty() || !uncommitted.isEmpty()) {
            while (!canFlush() && !pastShutdownDeadline()) {
                awaitOldestFlush();
                commitLandedBatches();
            }
            if (canFlush() && !flushOpenBatch(null) && ranges != null && !uncommitted.isEmpty()) {
                // Their ranges could not be recorded: inserting them would not be exactly once.
                discardOpen(new java.util.ArrayList<>(uncommitted.keySet()), "their ranges could not be recorded in the source");
            }
        }
        while (!inFlight.isEmpty() && !pastShutdownDeadline()) {
            awaitOldestFlush();
            commitLandedBatches();
        }
        commitLandedBatches();
        if (!inFlight.isEmpty() || !lanesEmpty() || !uncommitted.isEmpty()) {
            logLeftUncommitted();
        }
    }

    /**
     * Whether a requested stop has used up its time for flushing: {@code shutdownTimeout} less what
     * is kept for closing the source and sink (a third of it, at most 5 s).
     */
    private boolean pastShutdownDeadline() {
        if (!stopRequested) {
            return false;
        }
        long closing = Math.min(shutdownTimeout.toNanos() / 3, TimeUnit.SECONDS.toNanos(5));
        return System.nanoTime() - stopRequestedNanos >= shutdownTimeout.toNanos() - closing;
    }

    /** Exactly-once: drops the open records of {@code splits}, uninserted and uncommitted: they are read again. */
    private void discardOpen(List<String> splits, String why) {
        LOG.info("pipeline {}: leaving the open records of {} uninserted and uncommitted ({}); they are read again",
                name, splits, why);
        for (Lane lane : lanes) {
            lane.sink.discard(splits);
        }
        ranges.discardOpen(splits);
        uncommitted.keySet().removeAll(splits);
    }

    private void logLeftUncommitted() {
        long batches = inFlight.size();
        long records = 0;
        for (InFlight batch : inFlight) {
            records += batch.records;
        }
        if (!lanesEmpty() || !uncommitted.isEmpty()) {
            batches++;
            records += metrics.recordsRead() - recordsReadAtLastFlush;
        }
        java.util.Set<String> splits = new java.util.TreeSet<>(uncommitted.keySet());
        inFlight.forEach(batch -> splits.addAll(batch.positions.keySet()));
        LOG.warn("pipeline {}: shutdownTimeout ({}) reached with {} batches ({} records) left uncommitted, not durable in"
                + " ClickHouse yet; they will be read again from the last commit of {} at the next start",
                name, shutdownTimeout, batches, records, splits);
    }

    private void awaitOldestFlush() throws InterruptedException {
        InFlight oldest = inFlight.peek();
        if (oldest == null) {
            return;
        }
        try {
            oldest.future.get(Math.min(50, pollTimeout.toMillis()), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // A failure is raised by commitLandedBatches; a timeout just means not yet.
        }
        serveReencodings(); // the oldest batch may be waiting for this thread to encode it again
    }

    private void closeQuietly(AutoCloseable closeable, String what) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("pipeline {}: closing the {} failed: {}", name, what, e.toString());
        }
    }

    /** Reacts to splits moving, on the pipeline thread, from within {@link Source#poll}. */
    private final class Rebalance implements SplitListener {
        @Override
        public void onSplitsAssigned(Collection<String> splits) {
            LOG.info("pipeline {}: assigned {}", name, splits);
            departedSplits.removeAll(splits);
            if (ranges != null) {
                for (String split : splits) {
                    List<PendingRange> pending = source.pendingRanges(split);
                    ranges.assigned(split, pending);
                    if (!pending.isEmpty()) {
                        LOG.info("pipeline {}: {} has {} pending range(s) {}; replaying each as one batch", name, split,
                                pending.size(), pending);
                    }
                }
            }
        }

        @Override
        public void onSplitsRevoked(Collection<String> splits) {
            if (closing) {
                return;
            }
            LOG.info("pipeline {}: {} revoked; flushing and committing what was read", name, splits);
            departedSplits.addAll(splits);
            try {
                flushAndCommitAll();
                if (ranges != null) {
                    ranges.forget(splits);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PipelineException("pipeline " + name + ": interrupted while flushing revoked splits", e);
            }
        }

        @Override
        public void onSplitsLost(Collection<String> splits) {
            LOG.warn("pipeline {}: {} lost; what was read from them will not be committed here", name, splits);
            departedSplits.addAll(splits);
            uncommitted.keySet().removeAll(splits);
            for (InFlight batch : inFlight) {
                batch.positions.keySet().removeAll(splits);
                batch.ranges.keySet().removeAll(splits);
            }
            if (ranges != null) {
                // Their inserts in flight carry the tokens of ranges recorded in the source: the new owner's
                // replay of those ranges is dropped by ClickHouse if ours landed, and the other way round.
                for (Lane lane : lanes) {
                    lane.sink.discard(splits);
                }
                ranges.forget(splits);
            }
        }
    }

    private record InFlight(CompletableFuture<Void> future, Map<String, SourcePosition> positions, long records,
                            Map<String, PendingRange> ranges) {
    }

    private record Reencoding(Lane lane, TableSchema table, List<SourceRecord> records, RowTarget target,
                              CompletableFuture<Void> done) {
    }

    /**
     * One target table of the pipeline: its sink, the mapper its rows are made with, and the plan
     * compiled for the layout the sink encodes for now (with the last other layout's plan, kept for
     * batches the sink has encoded again for it). Owned by the pipeline thread.
     */
    private final class Lane {
        final String route;
        final BatchingSink sink;
        final SchemaMapper mapper;
        /** The plan rows appended now are written with, and the table layout it was compiled for. */
        MappingPlan plan;
        TableSchema planSchema;
        /** A plan for another layout, kept for the next batch encoded again for it. */
        private MappingPlan otherPlan;
        private TableSchema otherPlanSchema;
        /** Schema evolution: top-level names not to add ({@link #coveredNames}), worked out for the plan {@link #coveredFor}. */
        Set<String> covered;
        MappingPlan coveredFor;
        /** Schema evolution: columns asked for that the table still lacked after the ALTER (e.g. a MATERIALIZED one). */
        final Set<String> notAdded = new java.util.HashSet<>();

        Lane(String route, BatchingSink sink, SchemaMapper mapper) {
            this.route = route;
            this.sink = sink;
            this.mapper = mapper;
        }

        /** Opens the sink (each lane has its own context: the sink's requests to encode again name the lane) and compiles the plan. */
        void open() {
            TableSchema schema = sink.open(new LaneContext(this));
            plan = compile(schema);
            planSchema = schema;
        }

        /** After a flush: the table changed under the sink, so the batch just opened is for its new layout. */
        void followTableChange() {
            TableSchema next = sink.encodingSchema();
            if (next != null && !next.equals(planSchema)) {
                plan = planFor(next);
                planSchema = next;
                LOG.info("pipeline {}: mapping compiled again for the changed table {}", name, next.qualifiedName());
            }
        }

        /** The plan for {@code table}: the current one, the last other one, or a new one. */
        MappingPlan planFor(TableSchema table) {
            if (table.equals(planSchema)) {
                return plan;
            }
            if (!table.equals(otherPlanSchema)) {
                otherPlan = compile(table);
                otherPlanSchema = table;
            }
            return otherPlan;
        }

        /** Compiles a plan for {@code table}; once the pipeline runs, tells the decoder the fields it reads. */
        private MappingPlan compile(TableSchema table) {
            MappingPlan compiled = mapper.plan(table, source.virtualColumns());
            if (decoderNarrowed) {
                java.util.Set<FieldPath> fields = compiled.fieldsRead();
                if (fields != null) {
                    decoder.onlyFields(fields);
                }
            }
            return compiled;
        }
    }

    /** Whether the decoder was told which fields are read (owned by the pipeline thread). */
    private boolean decoderNarrowed;

    /**
     * Tells the shared decoder the fields that every lane's plan and the router read, only if each of
     * them says which it reads: one that may read any field needs every field decoded.
     */
    private void narrowDecoder() {
        List<java.util.Set<FieldPath>> read = new java.util.ArrayList<>();
        for (Lane lane : lanes) {
            read.add(lane.plan.fieldsRead());
        }
        if (router != null) {
            read.add(router.fieldsRead());
        }
        if (read.contains(null)) {
            return;
        }
        read.forEach(decoder::onlyFields);
        decoderNarrowed = true;
    }

    /** What the pipeline hands one lane's sink. */
    private final class LaneContext implements SinkContext {
        private final Lane lane;

        LaneContext(Lane lane) {
            this.lane = lane;
        }

        @Override
        public String pipelineName() {
            return name;
        }

        @Override
        public MetricsRecorder metrics() {
            return events; // one set of counters and one listener queue per pipeline, over its lanes
        }

        @Override
        public RecordCodec recordCodec() {
            return source.recordCodec();
        }

        @Override
        public DeliveryGuarantee deliveryGuarantee() {
            return deliveryGuarantee;
        }

        @Override
        public CompletableFuture<Void> reencode(TableSchema table, List<SourceRecord> records, RowTarget target) {
            Reencoding request = new Reencoding(lane, table, records, target, new CompletableFuture<>());
            reencodings.add(request);
            if (terminated.getCount() == 0) {
                request.done.completeExceptionally(new IllegalStateException("pipeline " + name + " has stopped"));
            }
            source.wakeup(); // served between polls
            return request.done;
        }
    }

    /** Builds a {@link Pipeline}; {@link #build()} checks every setting and names the wrong one. */
    public static final class Builder {
        /** A route as given: its name, its sink, and its own mapper (or null: the pipeline's). */
        private record RouteSpec(String name, BatchingSink sink, SchemaMapper mapper) {
        }

        private String name;
        private Source source;
        private Decoder decoder;
        private SchemaMapper mapper;
        private BatchingSink sink;
        private final List<RouteSpec> routes = new java.util.ArrayList<>();
        private Map<String, String> topicRoutes;
        private String topicColumn;
        private RecordRouter router;
        private String defaultRoute;
        private Duration pollTimeout = Duration.ofMillis(200);
        private Duration metricsLogInterval = Duration.ofSeconds(60);
        private Duration retryBackoffMax = Duration.ofSeconds(10);
        private int maxRecordBytes = 20 * 1024 * 1024;
        private Duration shutdownTimeout = Duration.ofSeconds(30);
        private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;
        private SchemaEvolution evolution;
        private final List<PipelineListener> listeners = new java.util.ArrayList<>();

        private Builder() {
        }

        /** The pipeline's name: letters, digits, '.', '_', '-'; written to the error table. Required. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder source(Source source) {
            this.source = source;
            return this;
        }

        public Builder decoder(Decoder decoder) {
            this.decoder = decoder;
            return this;
        }

        /** How fields map to columns (default: {@link DefaultSchemaMapper#create()}); for every route without a mapper of its own. */
        public Builder mapper(SchemaMapper mapper) {
            this.mapper = mapper;
            return this;
        }

        /** The one table the pipeline writes. For several tables, use {@link #route(String, BatchingSink)} instead. */
        public Builder sink(BatchingSink sink) {
            this.sink = sink;
            return this;
        }

        /**
         * A table the pipeline writes, by the name the router chooses it with ({@link #routeByTopic},
         * {@link #routeBy}); its rows are made with the pipeline's {@link #mapper}. Each route has its own
         * sink (batch, table, error table); a position is committed only once every record before it, in
         * every route, is durable. Not with {@link #sink}.
         */
        public Builder route(String name, BatchingSink sink) {
            return route(name, sink, null);
        }

        /** A route as {@link #route(String, BatchingSink)}, whose rows are made with {@code mapper}. */
        public Builder route(String name, BatchingSink sink, SchemaMapper mapper) {
            routes.add(new RouteSpec(name, sink, mapper));
            return this;
        }

        /**
         * Routes each record by its topic: {@code topicToRoute} maps a topic (Kafka's {@code _topic}; for
         * Kinesis, the stream, {@code _stream}) to a route's name. A record of a topic not in the map goes
         * to the error table of the default route ({@link #defaultRoute}), kind MAPPING.
         */
        public Builder routeByTopic(Map<String, String> topicToRoute) {
            this.topicRoutes = topicToRoute == null ? null : new java.util.LinkedHashMap<>(topicToRoute);
            return this;
        }

        /**
         * Routes each record by a function of it and its decoded value (e.g. a field). A record it routes
         * nowhere (null, an unknown name, an exception), or that cannot be decoded, goes to the error table
         * of the default route ({@link #defaultRoute}), kind MAPPING or DECODE.
         */
        public Builder routeBy(RecordRouter router) {
            this.router = router;
            return this;
        }

        /** The route whose error table takes records routed nowhere (default: the first route). */
        public Builder defaultRoute(String name) {
            this.defaultRoute = name;
            return this;
        }

        /** How long one poll of the source may wait for records (default 200 ms). */
        public Builder pollTimeout(Duration pollTimeout) {
            this.pollTimeout = pollTimeout;
            return this;
        }

        /** How often a one-line summary of the counters is logged; zero turns it off (default 60 s). */
        public Builder metricsLogInterval(Duration interval) {
            this.metricsLogInterval = interval;
            return this;
        }

        /** Longest wait between retries while a dependency of the decoder is down (default 10 s). */
        public Builder retryBackoffMax(Duration max) {
            this.retryBackoffMax = max;
            return this;
        }

        /** Records with a larger value go to the error table undecoded (default 20 MiB). */
        public Builder maxRecordBytes(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            return this;
        }

        /**
         * How long {@link Pipeline#close()} (or a stop) may take (default 30 s), even while ClickHouse
         * is down: batches that have not landed by then are left uncommitted, logged, and read again
         * at the next start. The last third of it (at most 5 s) is kept for closing the source and sink.
         */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /**
         * What the pipeline promises about each record (default {@link DeliveryGuarantee#AT_LEAST_ONCE}).
         * {@link DeliveryGuarantee#EXACTLY_ONCE} needs a source and a sink that support it (Kafka, Kinesis;
         * {@code ClickHouseSink}) and a table that deduplicates inserts, checked at start; see
         * docs/reliability.md.
         */
        public Builder deliveryGuarantee(DeliveryGuarantee guarantee) {
            this.deliveryGuarantee = guarantee;
            return this;
        }

        /**
         * Opt-in schema evolution (default: none, the table is used as it is): a record with a field the table
         * has no column for adds that column ({@code ALTER TABLE ... ADD COLUMN}), typed by {@code evolution}
         * ({@code JsonSchemaEvolution.create()} for JSON, {@code AvroSchemaEvolution.create()} for Avro), and
         * lands with it, without a restart. Needs a sink that can add columns ({@code ClickHouseSink}) and
         * at-least-once delivery. Rules and limits: docs/schema.md, "Schema evolution".
         */
        public Builder schemaEvolution(SchemaEvolution evolution) {
            this.evolution = evolution;
            return this;
        }

        /**
         * Adds a listener told of state changes, commits, error records, retries and a failure, in order, from
         * a thread of the pipeline's own ({@code tributary-<name>-events}) through a bounded queue the pipeline
         * never waits on; one that throws is logged and never breaks the pipeline (see {@link PipelineListener}).
         */
        public Builder listener(PipelineListener listener) {
            listeners.add(java.util.Objects.requireNonNull(listener, "Pipeline: listener(null); pass a PipelineListener"));
            return this;
        }

        public Pipeline build() {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("Pipeline: name " + (name == null ? "is not set" : "'" + name + "' is not valid")
                        + "; use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit, e.g. name(\"github-events\")");
            }
            if (source == null) {
                throw new IllegalArgumentException("Pipeline " + name + ": source is not set; call source(...), e.g. a KafkaSource");
            }
            if (decoder == null) {
                throw new IllegalArgumentException("Pipeline " + name + ": decoder is not set; call decoder(JsonDecoder.create())"
                        + " or another Decoder");
            }
            if (sink == null && routes.isEmpty()) {
                throw new IllegalArgumentException("Pipeline " + name + ": sink is not set; call sink(ClickHouseSink.builder()...build()),"
                        + " or route(name, sink) once per table to write several tables");
            }
            if (mapper == null) {
                mapper = DefaultSchemaMapper.create();
            }
            List<RouteSpec> lanes = checkRoutes();
            if (pollTimeout == null || pollTimeout.isNegative() || pollTimeout.isZero() || pollTimeout.toMillis() > 10_000) {
                throw new IllegalArgumentException("Pipeline " + name + ": pollTimeout must be between 1 ms and 10 s, was " + pollTimeout);
            }
            if (metricsLogInterval == null || metricsLogInterval.isNegative()) {
                throw new IllegalArgumentException("Pipeline " + name + ": metricsLogInterval must be zero (off) or positive, was "
                        + metricsLogInterval);
            }
            if (retryBackoffMax == null || retryBackoffMax.isNegative() || retryBackoffMax.isZero()) {
                throw new IllegalArgumentException("Pipeline " + name + ": retryBackoffMax must be positive, was " + retryBackoffMax);
            }
            if (maxRecordBytes < 1) {
                throw new IllegalArgumentException("Pipeline " + name + ": maxRecordBytes must be positive, was " + maxRecordBytes);
            }
            if (shutdownTimeout == null || shutdownTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("Pipeline " + name + ": shutdownTimeout must be positive, was "
                        + shutdownTimeout + "; e.g. shutdownTimeout(Duration.ofSeconds(30))");
            }
            if (deliveryGuarantee == null) {
                throw new IllegalArgumentException("Pipeline " + name + ": deliveryGuarantee is null; use"
                        + " DeliveryGuarantee.AT_LEAST_ONCE (the default) or EXACTLY_ONCE");
            }
            if (evolution != null) {
                for (RouteSpec lane : lanes) {
                    if (!lane.sink().supportsAddingColumns()) {
                        throw new IllegalArgumentException("Pipeline " + name + ": schemaEvolution needs sinks that can add"
                                + " columns to their tables, and " + lane.sink().getClass().getSimpleName() + " (route '"
                                + lane.name() + "') cannot; use a ClickHouseSink, or leave schemaEvolution unset");
                    }
                }
                if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
                    throw new IllegalArgumentException("Pipeline " + name + ": schemaEvolution cannot be combined with"
                            + " deliveryGuarantee EXACTLY_ONCE: adding a column seals the open batches of every split at"
                            + " once, which a split in the middle of a replayed range must not be, and a range replayed after"
                            + " a column was added would be mapped with that column (on servers before 22.2, deduplicated by"
                            + " content, it would land twice); leave schemaEvolution unset (add columns by hand, then restart),"
                            + " or use deliveryGuarantee(AT_LEAST_ONCE)");
                }
            }
            if (deliveryGuarantee == DeliveryGuarantee.EXACTLY_ONCE) {
                if (!source.supportsExactlyOnce()) {
                    throw new IllegalArgumentException("Pipeline " + name + ": deliveryGuarantee EXACTLY_ONCE needs a source"
                            + " that keeps pending ranges beside its positions, and " + source.getClass().getSimpleName()
                            + " does not; use a KafkaSource or KinesisSource, or deliveryGuarantee(AT_LEAST_ONCE)");
                }
                if (lanes.size() > 1) {
                    throw new IllegalArgumentException("Pipeline " + name + ": deliveryGuarantee(EXACTLY_ONCE) is not supported"
                            + " with several routes (" + lanes.size() + " given): use one pipeline per table for exactly-once,"
                            + " or deliveryGuarantee(AT_LEAST_ONCE) with routes");
                }
                BatchingSink only = lanes.get(0).sink();
                if (!only.supportsExactlyOnce()) {
                    throw new IllegalArgumentException("Pipeline " + name + ": deliveryGuarantee EXACTLY_ONCE needs a sink"
                            + " that writes deduplicated inserts, and " + only.getClass().getSimpleName() + " does not;"
                            + " use a ClickHouseSink, or deliveryGuarantee(AT_LEAST_ONCE)");
                }
            }
            Builder copy = copyWith(lanes);
            return new Pipeline(copy);
        }

        /** This builder's settings with {@code lanes} as its routes, so that later changes to this builder change no pipeline. */
        private Builder copyWith(List<RouteSpec> lanes) {
            Builder copy = new Builder();
            copy.name = name;
            copy.source = source;
            copy.decoder = decoder;
            copy.mapper = mapper;
            copy.routes.addAll(lanes);
            copy.topicRoutes = topicRoutes == null ? null : Map.copyOf(topicRoutes);
            copy.topicColumn = topicColumn;
            copy.router = router;
            copy.defaultRoute = defaultRoute;
            copy.pollTimeout = pollTimeout;
            copy.metricsLogInterval = metricsLogInterval;
            copy.retryBackoffMax = retryBackoffMax;
            copy.maxRecordBytes = maxRecordBytes;
            copy.shutdownTimeout = shutdownTimeout;
            copy.deliveryGuarantee = deliveryGuarantee;
            copy.evolution = evolution;
            copy.listeners.addAll(listeners);
            return copy;
        }

        /** Checks the routes and the router; the lanes to build, the one sink as one route when routes are not used. */
        private List<RouteSpec> checkRoutes() {
            String p = "Pipeline " + name + ": ";
            if (sink != null && !routes.isEmpty()) {
                throw new IllegalArgumentException(p + "both sink(...) and route(...) are set; use sink(...) for one table, or"
                        + " route(name, sink) for each table (and no sink(...))");
            }
            if (sink != null) {
                if (topicRoutes != null || router != null || defaultRoute != null) {
                    throw new IllegalArgumentException(p + (topicRoutes != null ? "routeByTopic" : router != null ? "routeBy"
                            : "defaultRoute") + " needs routes, and only sink(...) is set; name each table with"
                            + " route(name, sink) instead of sink(...)");
                }
                return List.of(new RouteSpec("default", sink, null));
            }
            java.util.Set<String> names = new java.util.LinkedHashSet<>();
            java.util.Set<BatchingSink> sinks = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (RouteSpec route : routes) {
                if (route.name() == null || route.name().isBlank()) {
                    throw new IllegalArgumentException(p + "a route has no name; use route(\"events\", sink)");
                }
                if (!names.add(route.name())) {
                    throw new IllegalArgumentException(p + "route '" + route.name() + "' is given twice; give each route(name, sink)"
                            + " a name of its own");
                }
                if (route.sink() == null) {
                    throw new IllegalArgumentException(p + "route '" + route.name() + "' has no sink; use route(\"" + route.name()
                            + "\", ClickHouseSink.builder()...build())");
                }
                if (!sinks.add(route.sink())) {
                    throw new IllegalArgumentException(p + "route '" + route.name() + "' has the sink of another route; a sink"
                            + " writes one table for one route: build one sink per route");
                }
            }
            if (topicRoutes != null && router != null) {
                throw new IllegalArgumentException(p + "both routeByTopic(...) and routeBy(...) are set; choose one router");
            }
            if (routes.size() > 1 && topicRoutes == null && router == null) {
                throw new IllegalArgumentException(p + routes.size() + " routes " + names + " but no router; call"
                        + " routeByTopic(Map.of(\"topic\", \"route\", ...)) or routeBy((record, decoded) -> ...)");
            }
            if (defaultRoute != null && !names.contains(defaultRoute)) {
                throw new IllegalArgumentException(p + "defaultRoute '" + defaultRoute + "' is not a route; use one of " + names);
            }
            if (topicRoutes != null) {
                if (topicRoutes.isEmpty()) {
                    throw new IllegalArgumentException(p + "routeByTopic is given no topic; map each topic to a route, e.g."
                            + " routeByTopic(Map.of(\"orders\", \"" + names.iterator().next() + "\"))");
                }
                topicRoutes.forEach((topic, route) -> {
                    if (topic == null || route == null || !names.contains(route)) {
                        throw new IllegalArgumentException(p + "routeByTopic maps topic '" + topic + "' to route '" + route
                                + "', which is not a route; use one of " + names + " (declared with route(name, sink))");
                    }
                });
                java.util.Set<String> offered = new java.util.HashSet<>();
                for (VirtualColumn column : source.virtualColumns()) {
                    offered.add(column.name());
                }
                topicColumn = offered.contains("_topic") ? "_topic" : offered.contains("_stream") ? "_stream" : null;
                if (topicColumn == null) {
                    throw new IllegalArgumentException(p + "routeByTopic needs a source whose records name their topic"
                            + " (_topic or _stream), and " + source.getClass().getSimpleName() + " offers " + offered
                            + "; use routeBy((record, decoded) -> ...) instead");
                }
            }
            return List.copyOf(routes);
        }

    }
}
