package dev.tributary.core.config;

import dev.tributary.core.clickhouse.ClickHouseTargetBuilder;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The keys that say which ClickHouse a builder writes to, applied to any {@link ClickHouseTargetBuilder}
 * (the sink's, the Kinesis checkpoint store's) so that they read the same keys the same way:
 * {@code endpoint}, {@code database}, {@code user}, {@code password}, {@code connect-timeout},
 * {@code request-timeout}, {@code compression}, {@code trusted-certificate}, {@code client-certificate},
 * {@code client-key}, {@code client-option.<name>}; or {@code target=<type>} with {@code target.*} for a
 * target of a {@link TargetProvider} (e.g. {@code chdb}).
 */
public final class ClickHouseTargetConfig {

    /** The {@code target} of a server over HTTP(S), the default. */
    public static final String HTTP = "http";

    private ClickHouseTargetConfig() {
    }

    /** Applies the target keys of {@code config} to {@code builder}; returns it. */
    public static <B extends ClickHouseTargetBuilder<B>> B apply(Config config, B builder) {
        String type = config.string("target").orElse(HTTP);
        config.string("endpoint").ifPresent(builder::endpoint);
        config.string("database").ifPresent(builder::database);
        Optional<String> user = config.string("user");
        Optional<String> password = config.string("password");
        if (user.isPresent() || password.isPresent()) {
            // The builder's defaults: user "default", no password.
            builder.credentials(user.orElse("default"), password.orElse(""));
        }
        config.duration("connect-timeout").ifPresent(builder::connectTimeout);
        config.duration("request-timeout").ifPresent(builder::requestTimeout);
        config.bool("compression").ifPresent(builder::compression);
        config.path("trusted-certificate").ifPresent(builder::trustedCertificate);
        Optional<Path> certificate = config.path("client-certificate");
        Optional<Path> key = config.path("client-key");
        if (certificate.isPresent() || key.isPresent()) {
            builder.clientCertificate(certificate.orElse(null), key.orElse(null)); // the builder refuses one without the other
        }
        config.children("client-option").forEach(builder::clientOption);
        if (!type.equals(HTTP)) {
            // Last, so that every key above is read first; the builder refuses them beside a target.
            Config target = config.prefix("target");
            builder.target(config.build(() -> findTarget(config, type).create(target)));
        }
        return builder;
    }

    private static TargetProvider findTarget(Config config, String type) {
        List<TargetProvider> found = ServiceLoader.load(TargetProvider.class, Providers.loader()).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.type().equals(type)).toList();
        if (found.isEmpty()) {
            throw new Config.KeyedException(config.key("target") + "=" + type + ": no provider on the class path; "
                    + Providers.hint("target", type, "http"), null);
        }
        return found.get(0);
    }
}
