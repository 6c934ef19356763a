package dev.tributary.kinesis;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy on loopback in front of kinesis-mock that sees every Kinesis call: it counts
 * them by operation, remembers the access key ids and session tokens they were signed with, and
 * answers some of them with the errors real Kinesis sends under load (the mock never throttles and
 * expires iterators only after five minutes).
 */
final class KinesisHttpProxy implements AutoCloseable {

    private static final Pattern CREDENTIAL = Pattern.compile("Credential=([^/]+)/");
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "expect", "upgrade",
            "transfer-encoding", "keep-alive");

    /** Answers every {@code every}-th call of {@code operation} with the error {@code code}. */
    record Fault(String operation, int every, String code) {
    }

    private final URI target;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Fault> faults;
    private final ConcurrentMap<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicLong> injected = new ConcurrentHashMap<>();
    private final Set<String> accessKeyIds = ConcurrentHashMap.newKeySet();
    private final Set<String> sessionTokens = ConcurrentHashMap.newKeySet();

    KinesisHttpProxy(URI target, List<Fault> faults) throws IOException {
        this.target = target;
        this.faults = List.copyOf(faults);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(16, runnable -> {
            Thread thread = new Thread(runnable, "kinesis-http-proxy");
            thread.setDaemon(true);
            return thread;
        }));
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Calls of {@code operation} (e.g. {@code GetRecords}) that reached the proxy, answered or not. */
    long calls(String operation) {
        AtomicLong count = calls.get(operation);
        return count == null ? 0 : count.get();
    }

    /** Errors injected, by error code. */
    Map<String, Long> injected() {
        Map<String, Long> snapshot = new java.util.TreeMap<>();
        injected.forEach((code, count) -> snapshot.put(code, count.get()));
        return snapshot;
    }

    Set<String> accessKeyIds() {
        return Set.copyOf(accessKeyIds);
    }

    Set<String> sessionTokens() {
        return Set.copyOf(sessionTokens);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String targetHeader = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            String operation = targetHeader == null ? "?" : targetHeader.substring(targetHeader.indexOf('.') + 1);
            long call = calls.computeIfAbsent(operation, k -> new AtomicLong()).incrementAndGet();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                Matcher credential = CREDENTIAL.matcher(authorization);
                if (credential.find()) {
                    accessKeyIds.add(credential.group(1));
                }
            }
            String token = exchange.getRequestHeaders().getFirst("X-Amz-Security-Token");
            if (token != null) {
                sessionTokens.add(token);
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            for (Fault fault : faults) {
                if (fault.operation().equals(operation) && call % fault.every() == 0) {
                    injected.computeIfAbsent(fault.code(), k -> new AtomicLong()).incrementAndGet();
                    sendError(exchange, contentType, fault.code());
                    return;
                }
            }
            forward(exchange, body);
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                .timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase())) {
                values.forEach(value -> request.header(name, value));
            }
        });
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_HEADERS.contains(name.toLowerCase()) && !name.startsWith(":")) {
                values.forEach(value -> exchange.getResponseHeaders().add(name, value));
            }
        });
        byte[] answer = response.body();
        exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
        }
    }

    /** An error as Kinesis sends it: HTTP 400, the code in a header and in the body (CBOR or JSON, like the request). */
    private static void sendError(HttpExchange exchange, String contentType, String code) throws IOException {
        String message = "injected by the test proxy";
        byte[] body;
        if (contentType != null && contentType.contains("cbor")) {
            ByteArrayOutputStream cbor = new ByteArrayOutputStream();
            cbor.write(0xA2); // a map of two entries
            cborText(cbor, "__type");
            cborText(cbor, code);
            cborText(cbor, "message");
            cborText(cbor, message);
            body = cbor.toByteArray();
        } else {
            body = ("{\"__type\":\"" + code + "\",\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        exchange.getResponseHeaders().add("Content-Type", contentType == null ? "application/x-amz-json-1.1" : contentType);
        exchange.getResponseHeaders().add("x-amzn-ErrorType", code + ":");
        exchange.getResponseHeaders().add("x-amzn-RequestId", "injected");
        exchange.sendResponseHeaders(400, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static void cborText(ByteArrayOutputStream out, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length < 24) {
            out.write(0x60 | bytes.length);
        } else {
            out.write(0x78);
            out.write(bytes.length);
        }
        out.writeBytes(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
