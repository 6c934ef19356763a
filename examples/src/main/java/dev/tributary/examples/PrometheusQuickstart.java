package dev.tributary.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tributary.core.Pipeline;
import dev.tributary.micrometer.TributaryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link Quickstart} with its metrics served for Prometheus to scrape: the pipeline's meters
 * ({@link TributaryMetrics}: fetched and sent events and bytes, errors by kind, insert latency, lag, state) in a
 * Prometheus registry, served at {@code http://127.0.0.1:<port>/metrics} by the JDK's HTTP server.
 *
 * <pre>
 * java dev.tributary.examples.PrometheusQuickstart [Quickstart's options] [--metrics-port 9464]
 * curl http://127.0.0.1:9464/metrics
 * </pre>
 */
public final class PrometheusQuickstart {

    /** The default port (the OpenTelemetry Prometheus exporter's). */
    static final int DEFAULT_PORT = 9464;

    private PrometheusQuickstart() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Quickstart.options(args);
        int port = Integer.parseInt(options.getOrDefault("metrics-port", Integer.toString(DEFAULT_PORT)));
        Quickstart.Settings settings = Quickstart.settings(options);
        try (Served served = serve(settings, port)) {
            Runtime.getRuntime().addShutdownHook(new Thread(served::close, "prometheus-quickstart-shutdown"));
            System.out.println("metrics for Prometheus at " + served.url());
            Quickstart.watch(served.pipeline(), settings);
        } catch (Quickstart.LagUnknownException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Builds the quickstart's pipeline with its meters in a new Prometheus registry and serves them on
     * 127.0.0.1:{@code port} (0: any free port); the pipeline is not started.
     */
    static Served serve(Quickstart.Settings settings, int port) throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        TributaryMetrics metrics = new TributaryMetrics();
        Pipeline pipeline = Quickstart.pipeline(settings).listener(metrics.listener()).build();
        metrics.add(pipeline).bindTo(registry);

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/metrics", exchange -> scrape(exchange, registry));
        server.start();
        return new Served(pipeline, registry, server);
    }

    /** One scrape: the registry's meters as Prometheus text, read now. */
    private static void scrape(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** A pipeline whose meters are served; closing stops the server and closes the pipeline. */
    static final class Served implements AutoCloseable {
        private final Pipeline pipeline;
        private final PrometheusMeterRegistry registry;
        private final HttpServer server;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Served(Pipeline pipeline, PrometheusMeterRegistry registry, HttpServer server) {
            this.pipeline = pipeline;
            this.registry = registry;
            this.server = server;
        }

        Pipeline pipeline() {
            return pipeline;
        }

        PrometheusMeterRegistry registry() {
            return registry;
        }

        /** Where Prometheus scrapes. */
        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/metrics");
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                pipeline.close();
                server.stop(0);
                registry.close();
            }
        }
    }
}
