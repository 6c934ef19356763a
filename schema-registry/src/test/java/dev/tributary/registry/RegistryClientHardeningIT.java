package dev.tributary.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tributary.core.RetriableException;
import dev.tributary.testkit.Await;
import dev.tributary.testkit.SchemaRegistry;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry client against misbehaving servers on loopback: redirects to another origin (a
 * different port is another origin) must not carry the credentials, answers are bounded in size,
 * and an answer that trickles forever ends at the request timeout. Where a real registry is
 * needed, the redirect target is a front of the Apicurio registry.
 */
@ExtendWith(TestServers.class)
class RegistryClientHardeningIT {

    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-Pa55";
    private static final String BASIC = "Basic " + Base64.getEncoder()
            .encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static final String V1 = """
            {"type":"record","name":"Ev","fields":[{"name":"id","type":"long"}]}""";
    private static final String V2 = """
            {"type":"record","name":"Ev","fields":[{"name":"id","type":"long"},{"name":"note","type":"string","default":""}]}""";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A bound on each test: today's client hangs or reads without end on some of these servers. */
    private static final Duration HANG = Duration.ofSeconds(30);

    private static String schemaAnswer(String schema) {
        return JSON.createObjectNode().put("schema", schema).toString();
    }

    private static List<Optional<String>> none(int requests) {
        return java.util.Collections.nCopies(requests, Optional.empty());
    }

    @Test
    void credentialsAreNotSentOnARedirectToAnotherPort(SchemaRegistry registry) throws Exception {
        String subject = "redirect-" + System.nanoTime() + "-value";
        SchemaRegistryClient direct = SchemaRegistryClient.builder().url(registry.url().toString()).build();
        int id = direct.register(subject, "AVRO", V1, List.of());
        try (RegistryFront elsewhere = RegistryFront.plain(registry.url());
             LoopbackHttp moved = LoopbackHttp.http(exchange -> LoopbackHttp.redirect(exchange, 307,
                     elsewhere.url().replace(registry.url().getPath(), "") + exchange.getRequestURI().getRawPath()))) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(moved.origin() + registry.url().getPath())
                    .basicAuth(USER, PASSWORD).build();
            assertTimeoutPreemptively(HANG, () -> {
                assertEquals(direct.schemaById(id).text(), client.schemaById(id).text(), "the redirect is followed");
                assertTrue(client.register(subject, "AVRO", V2, List.of()) > 0, "a POST is redirected (307) with its body");
            });
            assertEquals(List.of(Optional.of(BASIC), Optional.of(BASIC)), moved.authorizations(),
                    "the configured origin gets the credentials");
            assertEquals(none(2), elsewhere.authorizations(), "the other port never sees them");
        }
    }

    @Test
    void credentialsStayOnARedirectWithinTheSameOrigin() throws Exception {
        try (LoopbackHttp registry = LoopbackHttp.http(exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            if (path.startsWith("/old/")) {
                LoopbackHttp.redirect(exchange, 308, "/new/" + path.substring("/old/".length()));
            } else if (!BASIC.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                LoopbackHttp.json(exchange, 401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}");
            } else {
                LoopbackHttp.json(exchange, 200, schemaAnswer(V1));
            }
        })) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.origin() + "/old")
                    .basicAuth(USER, PASSWORD).build();
            assertTimeoutPreemptively(HANG, () -> assertEquals(V1, client.schemaById(5).text()));
            assertEquals(List.of(Optional.of(BASIC), Optional.of(BASIC)), registry.authorizations());
        }
    }

    @Test
    void anotherOriginAskingForCredentialsIsRetriableAndSaysWhy() throws Exception {
        try (LoopbackHttp elsewhere = LoopbackHttp.http(exchange ->
                LoopbackHttp.json(exchange, 401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}"));
             LoopbackHttp moved = LoopbackHttp.http(exchange -> LoopbackHttp.redirect(exchange, 302,
                     elsewhere.origin() + exchange.getRequestURI().getRawPath()))) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(moved.origin()).basicAuth(USER, PASSWORD).build();
            RetriableException e = assertTimeoutPreemptively(HANG, () -> assertThrows(RetriableException.class, () -> client.schemaById(9)));
            assertTrue(e.getMessage().contains("refused the credentials (HTTP 401)"), e.getMessage());
            assertTrue(e.getMessage().contains("redirected to " + elsewhere.origin() + "/schemas/ids/9")
                    && e.getMessage().contains("credentials are sent only to " + moved.origin()), e.getMessage());
            assertFalse(e.getMessage().contains(PASSWORD) || e.getMessage().contains(BASIC.substring(6)), e.getMessage());
            assertEquals(none(1), elsewhere.authorizations());
        }
    }

    @Test
    void redirectsEndAfterAFewHops() throws Exception {
        try (LoopbackHttp loop = LoopbackHttp.http(exchange -> LoopbackHttp.redirect(exchange, 302,
                exchange.getRequestURI().getRawPath() + "/again"))) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(loop.origin()).build();
            RetriableException e = assertTimeoutPreemptively(HANG, () -> assertThrows(RetriableException.class, () -> client.schemaById(1)));
            assertTrue(e.getMessage().contains("more than 5 redirects"), e.getMessage());
            assertEquals(6, loop.requests(), "the first request and five redirects, tried once");
        }
    }

    @Test
    void anAnswerLargerThanTheLimitIsRefusedUnreadAndALargerLimitTakesIt() throws Exception {
        // A valid answer padded to 5 MiB: over the 4 MiB default.
        String padded = JSON.createObjectNode().put("schema", V1).put("padding", "x".repeat(5 << 20)).toString();
        try (LoopbackHttp registry = LoopbackHttp.http(exchange -> LoopbackHttp.json(exchange, 200, padded))) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.origin()).build();
            RetriableException e = assertTimeoutPreemptively(HANG, () -> assertThrows(RetriableException.class, () -> client.schemaById(1)));
            assertTrue(e.getMessage().contains("is larger than maxResponseBytes (4194304 bytes)")
                    && e.getMessage().contains("declares " + padded.length() + " bytes"), e.getMessage());
            assertTrue(e.getMessage().contains("SchemaRegistryClient.Builder.maxResponseBytes"), e.getMessage());
            assertEquals(1, registry.requests(), "refused at once, not retried");

            SchemaRegistryClient generous = SchemaRegistryClient.builder().url(registry.origin()).maxResponseBytes(8 << 20).build();
            assertEquals(V1, generous.schemaById(1).text());
        }
    }

    @Test
    void anEndlessAnswerIsCutAtTheLimit() throws Exception {
        AtomicLong written = new AtomicLong();
        AtomicBoolean clientHungUp = new AtomicBoolean();
        long cap = 64L << 20;
        try (LoopbackHttp registry = LoopbackHttp.http(exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked: no length to check in advance
            byte[] chunk = new byte[64 << 10];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = exchange.getResponseBody()) {
                while (written.get() < cap) { // endless for the client; bounded here so a broken client cannot eat the heap
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (IOException e) {
                clientHungUp.set(true);
            }
        })) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.origin()).maxResponseBytes(1 << 20).build();
            RetriableException e = assertTimeoutPreemptively(HANG, () -> assertThrows(RetriableException.class, () -> client.schemaById(1)));
            assertTrue(e.getMessage().contains("is larger than maxResponseBytes (1048576 bytes)"), e.getMessage());
            Await.await("the server to see the client hang up", Duration.ofSeconds(10), clientHungUp::get);
            assertTrue(written.get() < cap, "the client stopped reading after " + written.get() + " bytes");
        }
    }

    @Test
    void anAnswerThatTricklesForeverEndsAtTheRequestTimeout() throws Exception {
        AtomicBoolean clientHungUp = new AtomicBoolean();
        try (LoopbackHttp registry = LoopbackHttp.http(exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            try {
                out.write('{');
                out.flush();
                while (System.nanoTime() < until && !Thread.currentThread().isInterrupted()) {
                    Thread.sleep(100); // the trickle's pace, not a wait for a condition
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException e) {
                clientHungUp.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            SchemaRegistryClient client = SchemaRegistryClient.builder().url(registry.origin())
                    .requestTimeout(Duration.ofSeconds(1)).maxAttempts(2).retryBackoff(Duration.ZERO).build();
            long started = System.nanoTime();
            RetriableException e = assertTimeoutPreemptively(HANG, () -> assertThrows(RetriableException.class, () -> client.schemaById(1)));
            long tookMillis = Duration.ofNanos(System.nanoTime() - started).toMillis();
            assertTrue(e.getMessage().contains("failed 2 times, last: HttpTimeoutException"), e.getMessage());
            assertTrue(tookMillis >= 2_000 && tookMillis < 5_000, "two attempts of 1 s each, took " + tookMillis + " ms");
            Await.await("the server to see the client hang up", Duration.ofSeconds(10), clientHungUp::get);
        }
    }
}
