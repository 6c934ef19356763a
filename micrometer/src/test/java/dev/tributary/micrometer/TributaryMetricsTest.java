package dev.tributary.micrometer;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.Pipeline;
import dev.tributary.core.RecordCodec;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitLag;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.core.testing.GeneratedSource;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static dev.tributary.testkit.PrometheusText.samples;
import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The binder over real pipelines (core's generated source, a sink that lands at once) and a simple registry. */
class TributaryMetricsTest {

    /** Every tenth record is not JSON: a DECODE error. */
    private static byte[] value(long index) {
        return (index % 10 == 3 ? "not json {" : "{\"id\":" + index + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void countersAreThePipelinesSnapshotAfterARunOfGoodAndBadRecords() throws Exception {
        int total = 200;
        int bad = total / 10;
        GeneratedSource source = new GeneratedSource(3, total, 25, TributaryMetricsTest::value);
        TributaryMetrics metrics = new TributaryMetrics();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline pipeline = builder("orders", source).listener(metrics.listener()).build()) {
            metrics.add(pipeline).bindTo(registry);
            pipeline.start();
            await("every record committed", Duration.ofSeconds(10), () -> source.committedCount() == total);
            pipeline.stop();
            assertTrue(pipeline.awaitTermination(Duration.ofSeconds(10)));

            MetricsSnapshot snapshot = pipeline.metrics();
            assertEquals(total, snapshot.recordsRead());
            assertEquals(total - bad, snapshot.rowsInserted());
            assertEquals(bad, snapshot.errors().get(ErrorKind.DECODE));

            assertEquals(total, counter(registry, TributaryMetrics.FETCHED_EVENTS, "orders"));
            assertEquals(snapshot.bytesRead(), counter(registry, TributaryMetrics.FETCHED_BYTES, "orders"));
            assertTrue(snapshot.bytesRead() > 0, snapshot.summary());
            assertEquals(total - bad, counter(registry, TributaryMetrics.SENT_EVENTS, "orders"));
            assertEquals(snapshot.bytesInserted(), counter(registry, TributaryMetrics.SENT_BYTES, "orders"));
            assertTrue(snapshot.bytesInserted() >= 8L * (total - bad), "8 bytes per UInt64 row: " + snapshot.bytesInserted());
            assertEquals(snapshot.batchesInserted(), counter(registry, TributaryMetrics.SENT_BATCHES, "orders"));
            assertTrue(snapshot.batchesInserted() > 0);
            assertEquals(snapshot.commits(), counter(registry, TributaryMetrics.COMMITS, "orders"));
            assertTrue(snapshot.commits() > 0);
            assertEquals(0, counter(registry, TributaryMetrics.INSERT_RETRIES, "orders"));
            assertEquals(0, counter(registry, TributaryMetrics.SKIPPED_EVENTS, "orders"));
            for (ErrorKind kind : ErrorKind.values()) {
                assertEquals(kind == ErrorKind.DECODE ? bad : 0, registry.get(TributaryMetrics.ERRORS)
                        .tags("pipeline", "orders", "kind", kind.name()).functionCounter().count(), kind.name());
            }
            assertEquals(1, gauge(registry, TributaryMetrics.STATE, "orders", "state", "STOPPED"));
            assertEquals(0, gauge(registry, TributaryMetrics.STATE, "orders", "state", "RUNNING"));

            // Timed by the listener, one sample per commit with rows: the longest insert since the previous one.
            Timer latency = registry.get(TributaryMetrics.INSERT_LATENCY).tags("pipeline", "orders").timer();
            assertTrue(latency.count() >= 1 && latency.count() <= snapshot.commits(), latency.count() + " of "
                    + snapshot.commits() + " commits");
            double insertMillis = RecordingSink.INSERT_NANOS / 1e6;
            assertEquals(insertMillis, latency.max(TimeUnit.MILLISECONDS), 1e-9);
            assertEquals(latency.count() * insertMillis, latency.totalTime(TimeUnit.MILLISECONDS), 1e-6);
        }
    }

    @Test
    void aSourceThatDoesNotMeasureItsLagHasAnUnknownLagNotAZeroOne() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline pipeline = builder("unmeasured", new GeneratedSource(2, 0, 10, TributaryMetricsTest::value)).build()) {
            new TributaryMetrics().add(pipeline).bindTo(registry);
            assertEquals(0, gauge(registry, TributaryMetrics.SOURCE_LAG_KNOWN, "unmeasured"));
            assertTrue(Double.isNaN(gauge(registry, TributaryMetrics.SOURCE_LAG, "unmeasured")));
            assertEquals(Map.of(), splitLags(registry, "unmeasured"));
        }
    }

    @Test
    void countersAreReadAtEachScrapeNotAtBinding() throws Exception {
        GeneratedSource source = new GeneratedSource(1, 30, 10, TributaryMetricsTest::value);
        TributaryMetrics metrics = new TributaryMetrics();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline pipeline = builder("lazy", source).build()) {
            metrics.add(pipeline).bindTo(registry);
            assertEquals(0, counter(registry, TributaryMetrics.FETCHED_EVENTS, "lazy"));
            assertEquals(1, gauge(registry, TributaryMetrics.STATE, "lazy", "state", "CREATED"));
            pipeline.start();
            assertEquals(1, gauge(registry, TributaryMetrics.STATE, "lazy", "state", "RUNNING"));
            await("30 records committed", Duration.ofSeconds(10), () -> source.committedCount() == 30);
            assertEquals(30, counter(registry, TributaryMetrics.FETCHED_EVENTS, "lazy"));
            source.add(20);
            await("50 records committed", Duration.ofSeconds(10), () -> source.committedCount() == 50);
            assertEquals(50, counter(registry, TributaryMetrics.FETCHED_EVENTS, "lazy"));
            assertEquals(pipeline.metrics().rowsInserted(), counter(registry, TributaryMetrics.SENT_EVENTS, "lazy"));
            pipeline.pause();
            await("paused", Duration.ofSeconds(10), () -> gauge(registry, TributaryMetrics.PAUSED, "lazy") == 1);
            pipeline.resume();
            await("resumed", Duration.ofSeconds(10), () -> gauge(registry, TributaryMetrics.PAUSED, "lazy") == 0);
        }
    }

    @Test
    void theListenerTimesTheLongestInsertOfEachCommitOfAnAddedPipelineOnly() {
        TributaryMetrics metrics = new TributaryMetrics();
        SimpleMeterRegistry first = new SimpleMeterRegistry();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        try (Pipeline pipeline = builder("timed", new GeneratedSource(1, 0, 10, TributaryMetricsTest::value)).build()) {
            metrics.add(pipeline).bindTo(first);
            metrics.bindTo(second);
            List<SourcePosition> positions = List.of();
            metrics.listener().onBatchCommitted("timed", positions, 100, 4_000, Duration.ofMillis(40));
            metrics.listener().onBatchCommitted("timed", positions, 50, 2_000, Duration.ofMillis(10));
            metrics.listener().onBatchCommitted("timed", positions, 0, 0, Duration.ZERO); // only error records
            metrics.listener().onBatchCommitted("other", positions, 10, 100, Duration.ofMillis(99)); // not added here
            for (MeterRegistry registry : List.of(first, second)) {
                Timer timer = registry.get(TributaryMetrics.INSERT_LATENCY).tags("pipeline", "timed").timer();
                assertEquals(2, timer.count());
                assertEquals(50, timer.totalTime(TimeUnit.MILLISECONDS), 0.001);
                assertEquals(40, timer.max(TimeUnit.MILLISECONDS), 0.001);
            }
            assertNull(first.find(TributaryMetrics.INSERT_LATENCY).tags("pipeline", "other").timer());
        }
    }

    @Test
    void splitGaugesFollowTheSourcesSplitsAndAnUnknownLagIsNaNNeverTheLastValue() {
        LaggingSource source = new LaggingSource(SourceLag.Unit.RECORDS);
        Instant reading = Instant.now().minusSeconds(5);
        source.lag = new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.known("t-0", 7, reading),
                SplitLag.known("t-1", 3, reading)), reading);
        TributaryMetrics metrics = new TributaryMetrics();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline pipeline = builder("lagging", source).build()) {
            metrics.add(pipeline).bindTo(registry);
            assertEquals(Map.of("t-0", 7.0, "t-1", 3.0), splitLags(registry, "lagging"));
            assertEquals(10, gauge(registry, TributaryMetrics.SOURCE_LAG, "lagging"));
            assertEquals(1, gauge(registry, TributaryMetrics.SOURCE_LAG_KNOWN, "lagging"));
            double age = registry.get(TributaryMetrics.SOURCE_LAG_READING_AGE).tags("pipeline", "lagging").timeGauge()
                    .value(TimeUnit.SECONDS);
            assertTrue(age >= 5 && age < 3600, "the reading is 5 s old: " + age);
            assertEquals("records", registry.get(TributaryMetrics.SOURCE_LAG).tags("pipeline", "lagging").gauge().getId()
                    .getBaseUnit());

            // A rebalance: t-1 goes, t-2 comes and has not been read yet; t-0's server cannot be reached.
            source.lag = new SourceLag(SourceLag.Unit.RECORDS, List.of(
                    SplitLag.unknown("t-0", reading, "the broker did not answer"),
                    SplitLag.unknown("t-2", null, "not read yet")), Instant.now());
            assertTrue(Double.isNaN(gauge(registry, TributaryMetrics.SOURCE_LAG, "lagging")), "unknown, not the last 10");
            assertEquals(0, gauge(registry, TributaryMetrics.SOURCE_LAG_KNOWN, "lagging"));
            assertTrue(Double.isNaN(registry.get(TributaryMetrics.SOURCE_LAG_READING_AGE).tags("pipeline", "lagging")
                    .timeGauge().value(TimeUnit.SECONDS)), "t-2 was never read");
            Map<String, Double> splits = splitLags(registry, "lagging");
            assertEquals(Set.of("t-0", "t-2"), splits.keySet(), "t-1's gauge is gone, t-2 has one");
            assertTrue(splits.values().stream().allMatch(v -> Double.isNaN(v)), splits.toString());

            source.lag = new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.known("t-0", 0, Instant.now()),
                    SplitLag.known("t-2", 0, Instant.now())), Instant.now());
            assertEquals(0, gauge(registry, TributaryMetrics.SOURCE_LAG, "lagging"));
            assertEquals(1, gauge(registry, TributaryMetrics.SOURCE_LAG_KNOWN, "lagging"));
            assertEquals(Map.of("t-0", 0.0, "t-2", 0.0), splitLags(registry, "lagging"));
        }
    }

    @Test
    void aLagInMillisecondsIsPublishedInSecondsAndTheSourceLagIsTheLargestSplits() {
        LaggingSource source = new LaggingSource(SourceLag.Unit.MILLIS);
        Instant now = Instant.now();
        source.lag = new SourceLag(SourceLag.Unit.MILLIS, List.of(SplitLag.known("shardId-0", 1_500, now),
                SplitLag.known("shardId-1", 250, now)), now);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Pipeline pipeline = builder("kinesis", source).build()) {
            new TributaryMetrics().add(pipeline).bindTo(registry);
            assertEquals(1.5, gauge(registry, TributaryMetrics.SOURCE_LAG, "kinesis"), 1e-9);
            assertEquals(Map.of("shardId-0", 1.5, "shardId-1", 0.25), splitLags(registry, "kinesis"));
            assertEquals("seconds", registry.get(TributaryMetrics.SPLIT_LAG).tags("pipeline", "kinesis").gauge().getId()
                    .getBaseUnit());
        }
    }

    @Test
    void pipelinesAddedAfterBindingAreTaggedByNameAndTwoOfOneNameAreRefused() {
        TributaryMetrics metrics = new TributaryMetrics();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        metrics.bindTo(registry);
        try (Pipeline a = builder("a", new GeneratedSource(1, 0, 10, TributaryMetricsTest::value)).build();
             Pipeline b = builder("b", new GeneratedSource(1, 0, 10, TributaryMetricsTest::value)).build();
             Pipeline otherA = builder("a", new GeneratedSource(1, 0, 10, TributaryMetricsTest::value)).build()) {
            metrics.add(a).add(b).add(a);
            assertEquals(Set.of("a", "b"), registry.find(TributaryMetrics.FETCHED_EVENTS).functionCounters().stream()
                    .map(c -> c.getId().getTag("pipeline")).collect(Collectors.toSet()));
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> metrics.add(otherA));
            assertTrue(refused.getMessage().contains("'a'") && refused.getMessage().contains("Pipeline.Builder#name"),
                    refused.getMessage());

            metrics.remove(a);
            List<Meter> left = registry.getMeters();
            assertTrue(left.stream().noneMatch(m -> "a".equals(m.getId().getTag("pipeline"))), "a's meters are gone");
            assertTrue(left.stream().anyMatch(m -> "b".equals(m.getId().getTag("pipeline"))), "b's stay");
            metrics.add(otherA); // the name is free again
            assertEquals(1, gauge(registry, TributaryMetrics.STATE, "a", "state", "CREATED"));
        }
    }

    @Test
    void prometheusNamesAndNewSplitsAppearInTheNextScrape() {
        LaggingSource source = new LaggingSource(SourceLag.Unit.RECORDS);
        Instant now = Instant.now();
        source.lag = new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.known("t-0", 4, now)), now);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Pipeline pipeline = builder("prom", source).build()) {
            TributaryMetrics metrics = new TributaryMetrics();
            metrics.add(pipeline).bindTo(registry);
            metrics.listener().onBatchCommitted("prom", List.of(), 5, 50, Duration.ofMillis(30));
            String text = registry.scrape();
            Map<String, Double> samples = samples(text);
            Map<String, Double> expected = new TreeMap<>();
            for (String counter : List.of("fetched_events", "fetched_bytes", "sent_events", "sent_bytes", "sent_batches", "insert_retries",
                    "commits", "skipped_events")) {
                expected.put("tributary_" + counter + "_total{pipeline=\"prom\"}", 0.0);
            }
            for (ErrorKind kind : ErrorKind.values()) {
                expected.put("tributary_errors_total{kind=\"" + kind + "\",pipeline=\"prom\"}", 0.0);
            }
            for (Pipeline.State state : Pipeline.State.values()) {
                expected.put("tributary_state{pipeline=\"prom\",state=\"" + state + "\"}", state == Pipeline.State.CREATED ? 1.0 : 0.0);
            }
            expected.put("tributary_insert_latency_seconds_count{pipeline=\"prom\"}", 1.0);
            expected.put("tributary_insert_latency_seconds_sum{pipeline=\"prom\"}", 0.03);
            expected.put("tributary_insert_latency_seconds_max{pipeline=\"prom\"}", 0.03);
            expected.put("tributary_paused{pipeline=\"prom\"}", 0.0);
            expected.put("tributary_split_lag_records{pipeline=\"prom\",split=\"t-0\"}", 4.0);
            expected.put("tributary_source_lag_records{pipeline=\"prom\"}", 4.0);
            expected.put("tributary_source_lag_known{pipeline=\"prom\"}", 1.0);
            double age = samples.remove("tributary_source_lag_reading_age_seconds{pipeline=\"prom\"}");
            assertTrue(age >= 0 && age < 3600, "age " + age);
            assertEquals(expected, samples, text);

            source.lag = new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.known("t-0", 1, now),
                    SplitLag.known("t-9", 2, now)), now);
            registry.scrape(); // the pipeline-level lag gauges see the new split and register its gauge
            Map<String, Double> next = samples(registry.scrape());
            assertEquals(2.0, next.get("tributary_split_lag_records{pipeline=\"prom\",split=\"t-9\"}"), next.toString());
            assertEquals(1.0, next.get("tributary_split_lag_records{pipeline=\"prom\",split=\"t-0\"}"), next.toString());

            // t-9 goes, then comes back: its gauge goes and comes back with it.
            source.lag = new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.known("t-0", 1, now)), now);
            registry.scrape();
            assertEquals(Set.of("tributary_split_lag_records{pipeline=\"prom\",split=\"t-0\"}"), samples(registry.scrape())
                    .keySet().stream().filter(k -> k.startsWith("tributary_split_lag")).collect(Collectors.toSet()));
            source.lag = new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.known("t-0", 1, now),
                    SplitLag.known("t-9", 6, now)), now);
            registry.scrape();
            assertEquals(6.0, samples(registry.scrape()).get("tributary_split_lag_records{pipeline=\"prom\",split=\"t-9\"}"));
        }
    }

    @Test
    void aScrapeAsksTheSourceForItsLagAFewTimesNotOncePerSplit() {
        int splits = 500;
        LaggingSource source = new LaggingSource(SourceLag.Unit.RECORDS);
        source.lag = lagOfEverySplit(splits, 0);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Pipeline pipeline = builder("many", source).build()) {
            new TributaryMetrics().add(pipeline).bindTo(registry);
            for (int round = 1; round <= 3; round++) {
                source.lag = lagOfEverySplit(splits, round);
                source.lagCalls.set(0);
                Map<String, Double> samples = samples(registry.scrape());
                int calls = source.lagCalls.get();
                // The three pipeline-level gauges each take a view; the split gauges share one.
                assertTrue(calls <= 5, splits + " split gauges asked for the lag " + calls + " times in one scrape");
                for (int split = 0; split < splits; split++) {
                    assertEquals(split * 10.0 + round, samples.get("tributary_split_lag_records{pipeline=\"many\",split=\"t-"
                            + split + "\"}"), "split t-" + split + " in scrape " + round + ": this scrape's value");
                }
            }
        }
    }

    /** Split {@code t-i} is {@code 10 i + offset} records behind. */
    private static SourceLag lagOfEverySplit(int splits, int offset) {
        Instant now = Instant.now();
        List<SplitLag> lags = new java.util.ArrayList<>();
        for (int split = 0; split < splits; split++) {
            lags.add(SplitLag.known("t-" + split, split * 10L + offset, now));
        }
        return new SourceLag(SourceLag.Unit.RECORDS, lags, now);
    }

    private static Pipeline.Builder builder(String name, Source source) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create()).sink(new RecordingSink(10))
                .pollTimeout(Duration.ofMillis(20)).metricsLogInterval(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(2));
    }

    private static double counter(MeterRegistry registry, String name, String pipeline) {
        FunctionCounter counter = registry.get(name).tags("pipeline", pipeline).functionCounter();
        return counter.count();
    }

    private static double gauge(MeterRegistry registry, String name, String pipeline, String... tags) {
        Gauge gauge = registry.get(name).tags("pipeline", pipeline).tags(tags).gauge();
        return gauge.value();
    }

    /** The per-split lag gauges, read after the pipeline's lag gauge (which keeps them to the source's splits). */
    private static Map<String, Double> splitLags(MeterRegistry registry, String pipeline) {
        gauge(registry, TributaryMetrics.SOURCE_LAG, pipeline);
        Map<String, Double> lags = new TreeMap<>();
        for (Gauge gauge : registry.find(TributaryMetrics.SPLIT_LAG).tags("pipeline", pipeline).gauges()) {
            lags.put(gauge.getId().getTag("split"), gauge.value());
        }
        return lags;
    }

    /** A source with no records whose lag the test sets. */
    private static final class LaggingSource implements Source {
        private final GeneratedSource records = new GeneratedSource(1, 0, 10, TributaryMetricsTest::value);
        volatile SourceLag lag;
        final AtomicInteger lagCalls = new AtomicInteger();

        LaggingSource(SourceLag.Unit unit) {
            this.lag = SourceLag.notMeasured(unit);
        }

        @Override
        public SourceLag lag() {
            lagCalls.incrementAndGet();
            return lag;
        }

        @Override
        public void open(SourceContext context) {
            records.open(context);
        }

        @Override
        public List<SourceRecord> poll(Duration timeout) {
            return records.poll(timeout);
        }

        @Override
        public void pause() {
            records.pause();
        }

        @Override
        public void resume() {
            records.resume();
        }

        @Override
        public void commit(Collection<SourcePosition> positions) {
            records.commit(positions);
        }

        @Override
        public void wakeup() {
            records.wakeup();
        }

        @Override
        public List<VirtualColumn> virtualColumns() {
            return records.virtualColumns();
        }

        @Override
        public RecordCodec recordCodec() {
            return records.recordCodec();
        }

        @Override
        public void close() {
            records.close();
        }
    }
}
