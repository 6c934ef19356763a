package dev.tributary.kinesis;

import dev.tributary.core.Source;
import dev.tributary.core.config.ClickHouseTargetConfig;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.ProviderContext;
import dev.tributary.core.config.SourceProvider;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * {@code source.type=kinesis}: a {@link KinesisSource} from the {@code source.*} keys, each one builder call
 * (docs/configuration.md lists them). The checkpoint store writes to the sink's ClickHouse (its
 * {@code sink.*} connection keys, with any {@code source.checkpoint-store.*} connection key over them) unless
 * {@code source.checkpoint-store.endpoint} or {@code .target} names another.
 */
public final class KinesisSourceProvider implements SourceProvider {

    @Override
    public String type() {
        return "kinesis";
    }

    @Override
    public Source create(Config source, ProviderContext context) {
        KinesisSource.Builder builder = KinesisSource.builder();
        applyStream(source, builder);
        Config store = source.prefix("checkpoint-store");
        Optional<String> table = store.string("table");
        Optional<Boolean> createTable = store.bool("create-table");
        boolean ownTarget = store.has("endpoint") || store.has("target");
        ClickHouseCheckpointStore.Builder storeBuilder = ClickHouseTargetConfig.apply(ownTarget ? store : context.sink(),
                ClickHouseCheckpointStore.builder());
        if (!ownTarget) {
            ClickHouseTargetConfig.apply(store, storeBuilder); // its own keys (e.g. user, database) over the sink's
        }
        table.ifPresent(storeBuilder::table);
        createTable.ifPresent(storeBuilder::createTable);

        Optional<Integer> index = source.integer("instance-index");
        Optional<Integer> count = source.integer("instance-count");
        Optional<Duration> discovery = source.duration("shard-discovery-interval");
        Optional<Integer> fetchThreads = source.integer("fetch-threads");
        Optional<Duration> retryInitial = source.duration("retry-backoff-initial");
        Optional<Duration> retryMax = source.duration("retry-backoff-max");
        Optional<Duration> apiCallTimeout = source.duration("api-call-timeout");
        Optional<Duration> unreachableTimeout = source.duration("unreachable-timeout");
        if (index.isPresent() != count.isPresent()) {
            throw source.invalid(index.isPresent() ? "instance-count" : "instance-index", "must be set with "
                    + source.key(index.isPresent() ? "instance-index" : "instance-count") + " (one builder call, instance(index, count))",
                    index.isPresent() ? "3" : "0");
        }
        if (retryInitial.isPresent() != retryMax.isPresent()) {
            throw source.invalid(retryInitial.isPresent() ? "retry-backoff-max" : "retry-backoff-initial", "must be set with "
                    + source.key(retryInitial.isPresent() ? "retry-backoff-initial" : "retry-backoff-max")
                    + " (one builder call, retryBackoff(initial, max); defaults 200ms and 10s)", retryInitial.isPresent() ? "10s" : "200ms");
        }
        builder.checkpointStore(source.build(storeBuilder::build));
        index.ifPresent(i -> builder.instance(i, count.get()));
        discovery.ifPresent(builder::shardDiscoveryInterval);
        fetchThreads.ifPresent(builder::fetchThreads);
        retryInitial.ifPresent(initial -> builder.retryBackoff(initial, retryMax.get()));
        apiCallTimeout.ifPresent(builder::apiCallTimeout);
        unreachableTimeout.ifPresent(builder::unreachableTimeout);
        return builder.build();
    }

    /**
     * The keys both Kinesis sources share ({@link KinesisBuilder}): stream, region, endpoint, credentials,
     * starting position, reading and buffers. Every key is read before any is applied.
     */
    static <B extends KinesisBuilder<B>> B applyStream(Config source, B builder) {
        Optional<String> streamName = source.string("stream-name");
        Optional<String> streamArn = source.string("stream-arn");
        Optional<String> region = source.string("region");
        Optional<String> endpoint = source.string("endpoint-override");
        Optional<KinesisCredentials> credentials = credentials(source.prefix("credentials"));
        Optional<StartingPosition> start = startingPosition(source);
        Optional<String> fanOut = source.string("enhanced-fan-out");
        Optional<Duration> pollInterval = source.duration("poll-interval");
        Optional<Integer> limit = source.integer("get-records-limit");
        Optional<String> application = source.string("application-name");
        Optional<Integer> maxBufferedRecords = source.integer("max-buffered-records-per-shard");
        Optional<Long> maxBufferedBytes = source.size("max-buffered-bytes-per-shard");
        Optional<Integer> maxPollRecords = source.integer("max-poll-records");
        Optional<Duration> startupTimeout = source.duration("startup-timeout");
        streamName.ifPresent(builder::streamName);
        streamArn.ifPresent(builder::streamArn);
        region.ifPresent(builder::region);
        endpoint.ifPresent(builder::endpointOverride);
        credentials.ifPresent(builder::credentials);
        start.ifPresent(builder::startingPosition);
        fanOut.ifPresent(builder::enhancedFanOut);
        pollInterval.ifPresent(builder::pollInterval);
        limit.ifPresent(builder::getRecordsLimit);
        application.ifPresent(builder::applicationName);
        maxBufferedRecords.ifPresent(builder::maxBufferedRecordsPerShard);
        maxBufferedBytes.ifPresent(builder::maxBufferedBytesPerShard);
        maxPollRecords.ifPresent(builder::maxPollRecords);
        startupTimeout.ifPresent(builder::startupTimeout);
        return builder;
    }

    /**
     * {@code credentials.*}: {@code access-key-id} + {@code secret-access-key} (+ {@code session-token}) for
     * static keys, or {@code profile} (+ {@code profile-file}); else the default chain. With
     * {@code assume-role.role-arn} (+ {@code session-name}, {@code external-id}, {@code sts-endpoint},
     * {@code duration}) that role is assumed with them.
     */
    private static Optional<KinesisCredentials> credentials(Config c) {
        Optional<String> keyId = c.string("access-key-id");
        Optional<String> secret = c.string("secret-access-key");
        Optional<String> token = c.string("session-token");
        Optional<String> profile = c.string("profile");
        Optional<Path> profileFile = c.path("profile-file");
        Config role = c.prefix("assume-role");
        Optional<String> roleArn = role.string("role-arn");
        Optional<String> sessionName = role.string("session-name");
        Optional<String> externalId = role.string("external-id");
        Optional<String> stsEndpoint = role.string("sts-endpoint");
        Optional<Duration> duration = role.duration("duration");
        boolean keys = keyId.isPresent() || secret.isPresent() || token.isPresent();
        if (keys && profile.isPresent()) {
            throw c.invalid("profile", "cannot be set with " + c.key("access-key-id") + ": give static keys or a profile",
                    "default");
        }
        if (keys && (keyId.isEmpty() || secret.isEmpty())) {
            String missing = keyId.isEmpty() ? "access-key-id" : "secret-access-key";
            throw c.invalid(missing, "must be set with " + c.key(keyId.isEmpty() ? "secret-access-key" : "access-key-id")
                    + " (static keys)", keyId.isEmpty() ? "AKIA..." : "(the secret)");
        }
        if (profileFile.isPresent() && profile.isEmpty()) {
            throw c.invalid("profile", "must be set with " + c.key("profile-file"), "default");
        }
        KinesisCredentials base = null;
        if (keys) {
            base = token.isPresent() ? KinesisCredentials.staticKeys(keyId.get(), secret.get(), token.get())
                    : KinesisCredentials.staticKeys(keyId.get(), secret.get());
        } else if (profile.isPresent()) {
            base = profileFile.isPresent() ? KinesisCredentials.profile(profile.get(), profileFile.get())
                    : KinesisCredentials.profile(profile.get());
        }
        if (roleArn.isEmpty()) {
            if (sessionName.isPresent() || externalId.isPresent() || stsEndpoint.isPresent() || duration.isPresent()) {
                throw role.invalid("role-arn", "must be set with the other " + role.key("*") + " keys",
                        "arn:aws:iam::123456789012:role/reader");
            }
            return Optional.ofNullable(base);
        }
        KinesisCredentials.AssumeRole assumed = KinesisCredentials.assumeRole(roleArn.get(), sessionName.orElse(null),
                base != null ? base : KinesisCredentials.defaultChain());
        if (externalId.isPresent()) {
            assumed = assumed.externalId(externalId.get());
        }
        if (stsEndpoint.isPresent()) {
            try {
                assumed = assumed.stsEndpoint(URI.create(stsEndpoint.get()));
            } catch (IllegalArgumentException e) {
                throw role.invalid("sts-endpoint", "is not a URL", "https://sts.eu-west-1.amazonaws.com");
            }
        }
        if (duration.isPresent()) {
            assumed = assumed.duration(duration.get());
        }
        return Optional.of(assumed);
    }

    /** {@code starting-position}: {@code trim-horizon}, {@code latest} or {@code at-timestamp:<ISO instant>}. */
    private static Optional<StartingPosition> startingPosition(Config source) {
        return source.string("starting-position").map(text -> {
            if (text.equalsIgnoreCase("trim-horizon")) {
                return StartingPosition.TRIM_HORIZON;
            }
            if (text.equalsIgnoreCase("latest")) {
                return StartingPosition.LATEST;
            }
            if (text.regionMatches(true, 0, "at-timestamp:", 0, 13)) {
                try {
                    return StartingPosition.atTimestamp(Instant.parse(text.substring(13).trim()));
                } catch (DateTimeParseException e) {
                    // worded below
                }
            }
            throw source.invalid("starting-position", "is not trim-horizon, latest or at-timestamp:<ISO instant>",
                    "at-timestamp:2024-05-01T00:00:00Z");
        });
    }
}
