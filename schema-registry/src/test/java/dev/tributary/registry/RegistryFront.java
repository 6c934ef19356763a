package dev.tributary.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A front for the real registry, on loopback: forwards every request to it, counts the requests,
 * and, when configured, speaks TLS with a test certificate and demands HTTP basic credentials —
 * what a hosted registry does, which Apicurio without an identity server cannot. Records the
 * Authorization header of every request.
 */
public final class RegistryFront implements AutoCloseable {

    private final HttpServer server;
    private final URI target;
    private final String expectedAuthorization;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<Optional<String>> authorizations = new CopyOnWriteArrayList<>();

    private RegistryFront(HttpServer server, URI target, String expectedAuthorization) {
        this.server = server;
        this.target = target;
        this.expectedAuthorization = expectedAuthorization;
        server.createContext("/", this::forward);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    /** Plain HTTP, no credentials asked. */
    public static RegistryFront plain(URI registryRoot) throws IOException {
        return new RegistryFront(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), registryRoot, null);
    }

    /** HTTPS with the server certificate in {@code keystore}, asking for basic credentials. */
    public static RegistryFront tls(URI registryRoot, Path keystore, String storePassword, String user, String password) throws Exception {
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls(keystore, storePassword)));
        String authorization = "Basic " + java.util.Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new RegistryFront(server, registryRoot, authorization);
    }

    /** A server-side TLS context presenting the certificate in {@code keystore} (PKCS12). */
    public static SSLContext serverTls(Path keystore, String storePassword) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, storePassword.toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, storePassword.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }

    /** The front's equivalent of the registry root, e.g. {@code https://127.0.0.1:4711/apis/ccompat/v7}. */
    public String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        return scheme + "://127.0.0.1:" + server.getAddress().getPort() + target.getPath();
    }

    public int requests() {
        return requests.get();
    }

    /** The Authorization header of each request so far, in order; empty where there was none. */
    public List<Optional<String>> authorizations() {
        return List.copyOf(authorizations);
    }

    private void forward(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        authorizations.add(Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
        try (exchange) {
            if (expectedAuthorization != null && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                byte[] body = "{\"error_code\":40101,\"message\":\"Unauthorized\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(401, body.length);
                exchange.getResponseBody().write(body);
                return;
            }
            URI uri = URI.create(target.getScheme() + "://" + target.getAuthority() + exchange.getRequestURI().getRawPath());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri);
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null) {
                request.header("Content-Type", contentType);
            }
            byte[] requestBody = exchange.getRequestBody().readAllBytes();
            request.method(exchange.getRequestMethod(), requestBody.length == 0 ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(requestBody));
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(response.statusCode(), response.body().length == 0 ? -1 : response.body().length);
            exchange.getResponseBody().write(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
