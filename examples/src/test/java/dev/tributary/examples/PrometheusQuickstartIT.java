package dev.tributary.examples;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.Pipeline;
import dev.tributary.core.SourceLag;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.micrometer.TributaryMetrics;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import static dev.tributary.testkit.PrometheusText.samples;
import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PrometheusQuickstart} against a real Kafka broker and ClickHouse 18.16: after N good and M bad records,
 * the registry's meters are the pipeline's own counters, and the endpoint, scraped over HTTP, serves them as
 * Prometheus text.
 */
@ExtendWith(TestServers.class)
class PrometheusQuickstartIT {

    private static final int GOOD = 400;
    private static final int BAD = 7;

    @Test
    void theEndpointServesTheRunsCountsLagAndStateAsThePipelineHasThem(KafkaBroker kafka, ClickHouseServer clickhouse)
            throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String topic = "github_prometheus_" + suffix;
        String table = "github_" + suffix;
        Demo.createTopic(kafka, topic, 3);
        Demo.produce(kafka, topic, GOOD);
        produceNotJson(kafka, topic, BAD);
        Quickstart.Settings settings = new Quickstart.Settings(kafka.bootstrapServers(), topic, "group-" + suffix,
                clickhouse.endpoint(), table, false, Duration.ofMillis(500));

        try (PrometheusQuickstart.Served served = PrometheusQuickstart.serve(settings, 0)) {
            Pipeline pipeline = served.pipeline();
            String name = "pipeline=\"" + pipeline.name() + "\"";
            pipeline.start();
            await("every record landed or in the error table", Duration.ofMinutes(1), () -> pipeline.metrics().rowsInserted() == GOOD
                    && pipeline.metrics().errorsTotal() == BAD);
            await("the source's lag known and 0", Duration.ofMinutes(1), () -> {
                SourceLag lag = pipeline.lag();
                return lag.isKnown() && lag.total().orElse(-1) == 0;
            });

            // A scrape over HTTP between two equal snapshots: the scrape shows the counters as they were then.
            HttpClient http = HttpClient.newHttpClient();
            AtomicReference<MetricsSnapshot> snapshot = new AtomicReference<>();
            AtomicReference<String> text = new AtomicReference<>();
            // (The listener's events, which time inserts, come on a thread of their own: a commit is timed soon after.)
            await("a scrape between two equal snapshots, with a gauge for every split and an insert timed",
                    Duration.ofMinutes(1), () -> {
                MetricsSnapshot before = pipeline.metrics();
                HttpResponse<String> response = get(http, served);
                MetricsSnapshot after = pipeline.metrics();
                snapshot.set(after);
                text.set(response.body());
                Map<String, Double> scraped = samples(response.body());
                return before.equals(after)
                        && scraped.keySet().stream().filter(key -> key.startsWith("tributary_split_lag_records{")).count()
                                == pipeline.lag().splits().size()
                        && scraped.getOrDefault("tributary_insert_latency_seconds_count{" + name + "}", 0.0) >= 1;
            });
            MetricsSnapshot counts = snapshot.get();
            Map<String, Double> samples = samples(text.get());

            assertEquals(GOOD + BAD, counts.recordsRead());
            assertEquals(GOOD, counts.rowsInserted());
            assertEquals(BAD, counts.errors().get(ErrorKind.DECODE));
            assertTrue(counts.bytesInserted() > 0, counts.summary());
            assertTrue(counts.bytesRead() > 0, counts.summary());

            // The registry's meters are the snapshot's counters.
            PrometheusMeterRegistry registry = served.registry();
            assertEquals(counts.recordsRead(), registry.get(TributaryMetrics.FETCHED_EVENTS).functionCounter().count());
            assertEquals(counts.bytesRead(), registry.get(TributaryMetrics.FETCHED_BYTES).functionCounter().count());
            assertEquals(counts.rowsInserted(), registry.get(TributaryMetrics.SENT_EVENTS).functionCounter().count());
            assertEquals(counts.bytesInserted(), registry.get(TributaryMetrics.SENT_BYTES).functionCounter().count());
            assertEquals(counts.batchesInserted(), registry.get(TributaryMetrics.SENT_BATCHES).functionCounter().count());
            assertEquals(counts.commits(), registry.get(TributaryMetrics.COMMITS).functionCounter().count());
            assertEquals(BAD, registry.get(TributaryMetrics.ERRORS).tag("kind", "DECODE").functionCounter().count());

            // The endpoint serves the same, under Prometheus names.
            assertEquals(GOOD + BAD, samples.get("tributary_fetched_events_total{" + name + "}"), text.get());
            assertEquals(counts.bytesRead(), samples.get("tributary_fetched_bytes_total{" + name + "}"), text.get());
            assertEquals(GOOD, samples.get("tributary_sent_events_total{" + name + "}"), text.get());
            assertEquals(counts.bytesInserted(), samples.get("tributary_sent_bytes_total{" + name + "}"), text.get());
            assertEquals(counts.batchesInserted(), samples.get("tributary_sent_batches_total{" + name + "}"), text.get());
            assertEquals(counts.commits(), samples.get("tributary_commits_total{" + name + "}"), text.get());
            assertEquals(counts.insertRetries(), samples.get("tributary_insert_retries_total{" + name + "}"), text.get());
            assertEquals(BAD, samples.get("tributary_errors_total{kind=\"DECODE\"," + name + "}"), text.get());
            assertEquals(0, samples.get("tributary_errors_total{kind=\"MAPPING\"," + name + "}"), text.get());
            assertEquals(0, samples.get("tributary_errors_total{kind=\"INSERT\"," + name + "}"), text.get());
            assertEquals(1, samples.get("tributary_state{" + name + ",state=\"RUNNING\"}"), text.get());
            assertEquals(0, samples.get("tributary_state{" + name + ",state=\"FAILED\"}"), text.get());
            assertEquals(1, samples.get("tributary_source_lag_known{" + name + "}"), text.get());
            assertEquals(0, samples.get("tributary_source_lag_records{" + name + "}"), text.get());
            samples.forEach((key, value) -> {
                if (key.startsWith("tributary_split_lag_records{")) {
                    assertEquals(0, value, key);
                }
            });
            assertEquals(3, samples.keySet().stream().filter(key -> key.startsWith("tributary_split_lag_records{")).count(),
                    "a gauge per partition: " + text.get());
            assertTrue(samples.get("tributary_insert_latency_seconds_count{" + name + "}") >= 1, text.get());
            assertTrue(samples.get("tributary_insert_latency_seconds_max{" + name + "}") > 0, text.get());
        }
    }

    private static HttpResponse<String> get(HttpClient http, PrometheusQuickstart.Served served) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(served.url()).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                    response.headers().toString());
            return response;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} records that are not JSON: DECODE errors. */
    private static void produceNotJson(KafkaBroker kafka, String topic, int count) {
        Properties properties = kafka.clientProperties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int n = 0; n < count; n++) {
                producer.send(new ProducerRecord<>(topic, ("bad-" + n).getBytes(StandardCharsets.UTF_8),
                        ("not json {" + n).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }
}
