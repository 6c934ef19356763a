package dev.tributary.registry;

import dev.tributary.core.config.Config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@link SchemaRegistryClient} from keys ({@code decoder.registry.*} for the Avro and Protobuf decoders),
 * each one builder call: {@code url}, {@code user} and {@code password} ({@code basicAuth}),
 * {@code trusted-certificates}, {@code connect-timeout}, {@code request-timeout}, {@code max-attempts},
 * {@code retry-backoff}, {@code max-response-bytes}. One place, so that every format reads them alike.
 */
public final class RegistryConfig {

    private RegistryConfig() {
    }

    /** The client the keys of {@code registry} describe; the builder's checks and messages, with the key added. */
    public static SchemaRegistryClient client(Config registry) {
        Optional<String> url = registry.string("url");
        Optional<String> user = registry.string("user");
        Optional<String> password = registry.string("password");
        Optional<Path> trusted = registry.path("trusted-certificates");
        Optional<Duration> connectTimeout = registry.duration("connect-timeout");
        Optional<Duration> requestTimeout = registry.duration("request-timeout");
        Optional<Integer> maxAttempts = registry.integer("max-attempts");
        Optional<Duration> retryBackoff = registry.duration("retry-backoff");
        Optional<Long> maxResponseBytes = registry.size("max-response-bytes");
        if (password.isPresent() && user.isEmpty()) {
            throw registry.invalid("user", "must be set with " + registry.key("password") + " (basicAuth(user, password))", "api-key");
        }
        SchemaRegistryClient.Builder builder = SchemaRegistryClient.builder();
        url.ifPresent(builder::url);
        user.ifPresent(u -> builder.basicAuth(u, password.orElse(null))); // the builder refuses a missing password
        trusted.ifPresent(path -> registry.build(() -> builder.trustedCertificates(path)));
        connectTimeout.ifPresent(builder::connectTimeout);
        requestTimeout.ifPresent(builder::requestTimeout);
        maxAttempts.ifPresent(builder::maxAttempts);
        retryBackoff.ifPresent(builder::retryBackoff);
        maxResponseBytes.ifPresent(builder::maxResponseBytes);
        return registry.build(builder::build);
    }
}
