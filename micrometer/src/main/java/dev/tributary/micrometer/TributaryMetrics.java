package dev.tributary.micrometer;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineListener;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SplitLag;
import dev.tributary.core.metrics.MetricsSnapshot;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A pipeline's metrics in Micrometer, the set the managed service (ClickPipes) publishes for Prometheus:
 * fetched and sent events and bytes, errors by kind, insert latency, lag and state, and a few more
 * (batches, retries, commits, skipped records). Every meter is tagged {@code pipeline=<name>}, so one
 * binder serves several pipelines.
 *
 * <pre>{@code
 * TributaryMetrics metrics = new TributaryMetrics();
 * Pipeline pipeline = Pipeline.builder()...listener(metrics.listener()).build();
 * metrics.add(pipeline).bindTo(registry);
 * }</pre>
 *
 * <p>Counters are {@link FunctionCounter}s over {@link Pipeline#metrics()} and gauges read
 * {@link Pipeline#lag()} and {@link Pipeline#state()}: all are read when the registry is scraped or
 * published, by the registry's thread; the binder starts no thread. The insert latency {@link Timer} is
 * fed by {@link #listener()}, which the pipeline must be built with (without it the timer stays empty and
 * everything else works). Splits come and go: the per-split lag gauges follow the source's splits at each
 * read of the pipeline's lag gauges. Pipelines may be added before or after {@link #bindTo}, and
 * {@link #remove(Pipeline) removed}; two pipelines with one name are refused (their meters would be one).
 */
public final class TributaryMetrics implements MeterBinder {

    /** Records read from the source (ClickPipes' FetchedEvents). */
    public static final String FETCHED_EVENTS = "tributary.fetched.events";
    /** Bytes of those records as read, keys and values (ClickPipes' FetchedBytes). */
    public static final String FETCHED_BYTES = "tributary.fetched.bytes";
    /** Rows that landed in the target table(s) (ClickPipes' SentEvents). */
    public static final String SENT_EVENTS = "tributary.sent.events";
    /** Bytes sent for those rows, as inserted (ClickPipes' SentBytes). */
    public static final String SENT_BYTES = "tributary.sent.bytes";
    /** Successful inserts into the target table(s). */
    public static final String SENT_BATCHES = "tributary.sent.batches";
    /** Records written to the error table, tagged {@code kind} (an {@link ErrorKind}) (ClickPipes' Errors). */
    public static final String ERRORS = "tributary.errors";
    /** Inserts tried again after a retryable failure. */
    public static final String INSERT_RETRIES = "tributary.insert.retries";
    /** Commits of durable positions to the source. */
    public static final String COMMITS = "tributary.commits";
    /** Records the source never read because they were gone first (a reported gap, e.g. Kafka retention). */
    public static final String SKIPPED_EVENTS = "tributary.skipped.events";
    /** Insert latency: per commit, the longest insert among the rows it made durable (fed by {@link #listener()}). */
    public static final String INSERT_LATENCY = "tributary.insert.latency";
    /** 1 for the pipeline's current {@link Pipeline.State}, 0 for the others; tagged {@code state}. */
    public static final String STATE = "tributary.state";
    /** 1 while the pipeline is paused by {@link Pipeline#pause()}, else 0. */
    public static final String PAUSED = "tributary.paused";
    /**
     * Lag of one split, tagged {@code split}: records behind (Kafka; base unit "records") or seconds behind
     * (Kinesis; base unit "seconds"); NaN while unknown.
     */
    public static final String SPLIT_LAG = "tributary.split.lag";
    /** Lag of the whole source (records: the sum over splits; time: the largest); NaN while any split's is unknown. */
    public static final String SOURCE_LAG = "tributary.source.lag";
    /** 1 when every split's lag is known (a recent reading of the server), 0 when any is unknown. */
    public static final String SOURCE_LAG_KNOWN = "tributary.source.lag.known";
    /** Age of the oldest split's last good lag reading (how stale the view may be); NaN when there never was one. */
    public static final String SOURCE_LAG_READING_AGE = "tributary.source.lag.reading.age";

    private final Object lock = new Object();
    private final Map<String, Watched> pipelines = new LinkedHashMap<>();
    private final List<MeterRegistry> registries = new ArrayList<>();
    private final PipelineListener listener = new LatencyListener();

    /**
     * The listener that times inserts; register it with {@link Pipeline.Builder#listener} of every pipeline
     * {@link #add added} here. It ignores pipelines that were not added.
     */
    public PipelineListener listener() {
        return listener;
    }

    /**
     * Publishes {@code pipeline}'s meters, tagged {@code pipeline=<its name>}, in every registry this binder
     * is bound to, now and later.
     *
     * @throws IllegalArgumentException when a pipeline of the same name was added (the meters would be one)
     */
    public TributaryMetrics add(Pipeline pipeline) {
        Objects.requireNonNull(pipeline, "TributaryMetrics.add(null): pass a built Pipeline");
        synchronized (lock) {
            Watched existing = pipelines.get(pipeline.name());
            if (existing != null) {
                if (existing.pipeline == pipeline) {
                    return this;
                }
                throw new IllegalArgumentException("TributaryMetrics: a pipeline named '" + pipeline.name()
                        + "' was already added; meters are told apart by the tag pipeline=<name>, so give each pipeline"
                        + " a distinct Pipeline.Builder#name");
            }
            Watched watched = new Watched(pipeline);
            pipelines.put(pipeline.name(), watched);
            for (MeterRegistry registry : registries) {
                watched.bind(registry);
            }
        }
        return this;
    }

    /** Removes {@code pipeline}'s meters from every registry (e.g. once it is closed for good); no-op if not added. */
    public TributaryMetrics remove(Pipeline pipeline) {
        Objects.requireNonNull(pipeline, "TributaryMetrics.remove(null): pass a Pipeline added before");
        synchronized (lock) {
            Watched watched = pipelines.get(pipeline.name());
            if (watched != null && watched.pipeline == pipeline) {
                pipelines.remove(pipeline.name());
                watched.unbind();
            }
        }
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        synchronized (lock) {
            if (registries.contains(registry)) {
                return;
            }
            registries.add(registry);
            for (Watched watched : pipelines.values()) {
                watched.bind(registry);
            }
        }
    }

    /** One pipeline's meters, in every registry bound. The object every meter reads (and gauges hold strongly). */
    private static final class Watched {
        final Pipeline pipeline;
        final Tags tags;
        /** What the source's lag counts, fixed for a source: it names the lag gauges' base unit. */
        final SourceLag.Unit unit;
        final List<Timer> timers = new CopyOnWriteArrayList<>();
        final List<Bound> bound = new ArrayList<>();

        Watched(Pipeline pipeline) {
            this.pipeline = pipeline;
            this.tags = Tags.of("pipeline", pipeline.name());
            this.unit = pipeline.lag().unit();
        }

        void bind(MeterRegistry registry) {
            List<Meter> meters = new ArrayList<>();
            counter(registry, meters, FETCHED_EVENTS, BaseUnits.EVENTS, "records read from the source",
                    MetricsSnapshot::recordsRead);
            counter(registry, meters, FETCHED_BYTES, BaseUnits.BYTES, "bytes of those records as read, keys and values",
                    MetricsSnapshot::bytesRead);
            counter(registry, meters, SENT_EVENTS, BaseUnits.EVENTS, "rows that landed in the target table(s)",
                    MetricsSnapshot::rowsInserted);
            counter(registry, meters, SENT_BYTES, BaseUnits.BYTES, "bytes sent for those rows, as inserted",
                    MetricsSnapshot::bytesInserted);
            counter(registry, meters, SENT_BATCHES, null, "successful inserts into the target table(s)",
                    MetricsSnapshot::batchesInserted);
            for (ErrorKind kind : ErrorKind.values()) {
                meters.add(FunctionCounter.builder(ERRORS, this, w -> w.pipeline.metrics().errors().getOrDefault(kind, 0L))
                        .tags(tags).tag("kind", kind.name())
                        .description("records written to the error table, by kind")
                        .register(registry));
            }
            counter(registry, meters, INSERT_RETRIES, null, "inserts tried again after a retryable failure",
                    MetricsSnapshot::insertRetries);
            counter(registry, meters, COMMITS, null, "commits of durable positions to the source",
                    MetricsSnapshot::commits);
            counter(registry, meters, SKIPPED_EVENTS, BaseUnits.EVENTS,
                    "records the source never read because they were gone first", MetricsSnapshot::recordsSkipped);

            Timer timer = Timer.builder(INSERT_LATENCY).tags(tags)
                    .description("per commit, the longest insert among the rows it made durable")
                    .register(registry);
            meters.add(timer);

            for (Pipeline.State state : Pipeline.State.values()) {
                meters.add(Gauge.builder(STATE, this, w -> w.pipeline.state() == state ? 1 : 0)
                        .tags(tags).tag("state", state.name())
                        .description("1 for the pipeline's current state, 0 for the others")
                        .strongReference(true)
                        .register(registry));
            }
            meters.add(Gauge.builder(PAUSED, this, w -> w.pipeline.isPaused() ? 1 : 0).tags(tags)
                    .description("1 while the pipeline is paused").strongReference(true).register(registry));

            SplitGauges splits = new SplitGauges(this, MultiGauge.builder(SPLIT_LAG).tags(tags).baseUnit(lagUnit())
                    .description("lag of one split; NaN while unknown").register(registry));
            meters.add(Gauge.builder(SOURCE_LAG, splits, s -> s.follow().total().stream().mapToDouble(this::scaled)
                            .findFirst().orElse(Double.NaN))
                    .tags(tags).baseUnit(lagUnit())
                    .description("lag of the whole source (records: sum over splits; time: the largest); NaN while unknown")
                    .strongReference(true).register(registry));
            meters.add(Gauge.builder(SOURCE_LAG_KNOWN, splits, s -> s.follow().isKnown() ? 1 : 0).tags(tags)
                    .description("1 when every split's lag is known, 0 when any is unknown")
                    .strongReference(true).register(registry));
            meters.add(TimeGauge.builder(SOURCE_LAG_READING_AGE, splits, TimeUnit.MILLISECONDS, s -> {
                        Instant oldest = s.follow().oldestReading();
                        return oldest == null ? Double.NaN : Math.max(0, Duration.between(oldest, Instant.now()).toMillis());
                    }).tags(tags)
                    .description("age of the oldest split's last good lag reading; NaN when there never was one")
                    .strongReference(true).register(registry));
            splits.follow();

            timers.add(timer);
            bound.add(new Bound(registry, meters, splits));
        }

        void unbind() {
            for (Bound b : bound) {
                b.splits.clear();
                b.meters.forEach(b.registry::remove);
            }
            bound.clear();
            timers.clear();
        }

        private void counter(MeterRegistry registry, List<Meter> meters, String name, String baseUnit, String description,
                             ToDoubleFunction<MetricsSnapshot> value) {
            meters.add(FunctionCounter.builder(name, this, w -> value.applyAsDouble(w.pipeline.metrics()))
                    .tags(tags).baseUnit(baseUnit).description(description).register(registry));
        }

        String lagUnit() {
            return unit == SourceLag.Unit.MILLIS ? "seconds" : "records";
        }

        /** A lag value in the gauges' base unit. */
        double scaled(long behind) {
            return unit == SourceLag.Unit.MILLIS ? behind / 1000.0 : behind;
        }

        double splitLag(SplitLag lag) {
            return lag != null && lag.isKnown() ? scaled(lag.behind()) : Double.NaN;
        }
    }

    /** The meters of one pipeline in one registry. */
    private record Bound(MeterRegistry registry, List<Meter> meters, SplitGauges splits) {
    }

    /**
     * One pipeline's per-split lag gauges in one registry, kept to the source's splits.
     *
     * <p>A scrape reads every split's gauge; asking the source for its whole lag once per split would make
     * a scrape square in the number of splits. So the gauges share one view of the lag: a split's gauge
     * reads the latest view unless it has read that view already or the view is older than
     * {@link #VIEW_REUSE} — then it takes a new one. Each scrape thereby sees a view taken during it, for
     * about one {@link Pipeline#lag()} per scrape.
     */
    private static final class SplitGauges {
        /** How long a view may serve gauges that have not read it yet: a scrape, not the next one. */
        static final long VIEW_REUSE = TimeUnit.SECONDS.toNanos(1);

        private final Watched watched;
        private final MultiGauge gauges;
        private Set<String> splits = Set.of();
        private boolean cleared;
        private Map<String, SplitLag> view = Map.of();
        private long viewNanos;
        /** The splits whose gauge has read {@link #view}. */
        private final Set<String> readView = new HashSet<>();

        SplitGauges(Watched watched, MultiGauge gauges) {
            this.watched = watched;
            this.gauges = gauges;
        }

        /** Reads the lag and, when the source's splits changed, registers a gauge per split now (and drops the rest). */
        synchronized SourceLag follow() {
            SourceLag lag = watched.pipeline.lag();
            Map<String, SplitLag> now = new LinkedHashMap<>();
            for (SplitLag split : lag.splits()) {
                now.put(split.split(), split);
            }
            view = now;
            viewNanos = System.nanoTime();
            readView.clear();
            if (!cleared && !now.keySet().equals(splits)) {
                List<MultiGauge.Row<?>> rows = new ArrayList<>();
                for (String split : now.keySet()) {
                    rows.add(MultiGauge.Row.of(Tags.of("split", split), this, g -> g.splitLag(split)));
                }
                gauges.register(rows, false); // keeps the gauges of splits still there, drops the others
                splits = Set.copyOf(now.keySet());
            }
            return lag;
        }

        /** One split's gauge value, from the shared view or a new one (see the class comment). */
        synchronized double splitLag(String split) {
            if (!readView.add(split) || System.nanoTime() - viewNanos > VIEW_REUSE) {
                follow();
                readView.add(split);
            }
            return watched.splitLag(view.get(split));
        }

        synchronized void clear() {
            cleared = true;
            gauges.register(List.of(), true);
        }
    }

    /** Times inserts from the pipelines' commits. */
    private final class LatencyListener implements PipelineListener {
        @Override
        public void onBatchCommitted(String pipeline, Collection<SourcePosition> positions, long rows, long bytes,
                                     Duration insertLatency) {
            if (rows == 0 || insertLatency == null) {
                return; // nothing was inserted into a table: no latency to tell
            }
            Watched watched;
            synchronized (lock) {
                watched = pipelines.get(pipeline);
            }
            if (watched != null) {
                for (Timer timer : watched.timers) {
                    timer.record(insertLatency);
                }
            }
        }
    }
}
