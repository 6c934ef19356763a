package dev.tributary.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A scripted HTTP(S) server on 127.0.0.1 for the registry client's hardening tests: each request
 * is answered by the handler given, and the {@code Authorization} header of every request is
 * recorded (empty when absent), so a test can tell which server saw the credentials.
 */
public final class LoopbackHttp implements AutoCloseable {

    public interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Optional<String>> authorizations = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private LoopbackHttp(HttpServer server, Handler handler) {
        this.server = server;
        server.createContext("/", exchange -> {
            authorizations.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
            try (exchange) {
                handler.handle(exchange);
            }
        });
        // One thread per exchange: a trickling answer must not hold up the next request.
        server.setExecutor(executor);
        server.start();
    }

    public static LoopbackHttp http(Handler handler) throws IOException {
        return new LoopbackHttp(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), handler);
    }

    public static LoopbackHttp https(SSLContext tls, Handler handler) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new LoopbackHttp(server, handler);
    }

    /** {@code http://127.0.0.1:<port>} (or https). */
    public String origin() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The Authorization header of each request so far, in order; empty where there was none. */
    public List<Optional<String>> authorizations() {
        return List.copyOf(authorizations);
    }

    public int requests() {
        return authorizations.size();
    }

    /** Whether {@link #close()} was called: endless answers stop writing then. */
    public boolean closed() {
        return closed;
    }

    public static void redirect(HttpExchange exchange, int status, String location) throws IOException {
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(status, -1);
    }

    public static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
