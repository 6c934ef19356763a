package dev.tributary.registry;

import dev.tributary.core.config.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.Field;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryConfigTest {

    private static SchemaRegistryClient fromKeys(Map<String, String> keys) {
        Config config = Config.of(keys);
        SchemaRegistryClient client = RegistryConfig.client(config.prefix("decoder").prefix("registry"));
        config.refuseUnknownKeys();
        return client;
    }

    @Test
    void everyKeyReachesItsBuilderCall() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("decoder.registry.url", "http://127.0.0.1:8081/subjects/orders-value");
        p.put("decoder.registry.user", "key");
        p.put("decoder.registry.password", "reg-s3cret");
        p.put("decoder.registry.connect-timeout", "3s");
        p.put("decoder.registry.request-timeout", "7s");
        p.put("decoder.registry.max-attempts", "5");
        p.put("decoder.registry.retry-backoff", "50ms");
        p.put("decoder.registry.max-response-bytes", "8MB");
        SchemaRegistryClient fromKeys = fromKeys(p);
        SchemaRegistryClient built = SchemaRegistryClient.builder().url("http://127.0.0.1:8081/subjects/orders-value")
                .basicAuth("key", "reg-s3cret").connectTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(7))
                .maxAttempts(5).retryBackoff(Duration.ofMillis(50)).maxResponseBytes(8L << 20).build();
        // The retry backoff is kept as a Backoff, compared by what it prints (its delays).
        for (String field : List.of("url", "authorization", "requestTimeout", "maxAttempts", "backoff", "maxResponseBytes")) {
            assertEquals(String.valueOf(field(built, field)), String.valueOf(field(fromKeys, field)), field);
        }
        assertEquals(((HttpClient) field(built, "http")).connectTimeout(), ((HttpClient) field(fromKeys, "http")).connectTimeout());
        assertEquals(built.toString(), fromKeys.toString());
        assertFalse(fromKeys.toString().contains("reg-s3cret"));
    }

    @Test
    void theTrustedCertificatesReachTheBuilder(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----");
        // The builder's own check proves the call: a CA with an http URL is refused, naming the key.
        String message = assertThrows(IllegalArgumentException.class, () -> fromKeys(Map.of("decoder.registry.url",
                "http://127.0.0.1:8081", "decoder.registry.trusted-certificates", ca.toString()))).getMessage();
        assertTrue(message.startsWith("SchemaRegistryClient: trusted certificates are given, but the URL"), message);
        assertTrue(message.contains("decoder.registry.trusted-certificates") || message.contains("decoder.registry.url"), message);
    }

    @Test
    void badKeysAreNamedAndSecretsKeptOut() {
        assertEquals("decoder.registry.user: (not set) must be set with decoder.registry.password (basicAuth(user, password));"
                        + " e.g. decoder.registry.user=api-key",
                assertThrows(IllegalArgumentException.class, () -> fromKeys(Map.of("decoder.registry.url", "http://127.0.0.1:8081",
                        "decoder.registry.password", "reg-s3cret"))).getMessage());
        String message = assertThrows(IllegalArgumentException.class, () -> fromKeys(Map.of("decoder.registry.user", "u")))
                .getMessage();
        assertTrue(message.startsWith("SchemaRegistryClient: ") && message.contains("(set by decoder.registry.url)"), message);
        message = assertThrows(IllegalArgumentException.class, () -> fromKeys(Map.of("decoder.registry.url", "http://127.0.0.1:8081",
                "decoder.registry.max-attempts", "50"))).getMessage();
        assertTrue(message.startsWith("SchemaRegistryClient: maxAttempts must be 1 to 10, was 50")
                && message.endsWith("(set by decoder.registry.max-attempts)"), message);
    }

    @Test
    void everyDocumentedRegistryKeyIsRead() throws Exception {
        Config config = Config.of(Map.of());
        assertThrows(IllegalArgumentException.class, () -> RegistryConfig.client(config.prefix("decoder").prefix("registry")));
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        java.util.Set<String> documented = new java.util.TreeSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\| `(decoder\\.registry\\.[a-z-]+)` \\|").matcher(doc);
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertEquals(documented, new java.util.TreeSet<>(config.askedKeys()));
    }

    private static Object field(Object target, String name) {
        try {
            Field f = target.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return f.get(target);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
