package dev.tributary.kafka;

import dev.tributary.core.Source;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.ProviderContext;
import dev.tributary.core.config.SourceProvider;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code source.type=kafka}: a {@link KafkaSource} from the {@code source.*} keys, each one builder call
 * (docs/configuration.md lists them): brokers, topics or pattern, group, starting offsets, timeouts,
 * security (SASL PLAIN/SCRAM, MSK IAM, TLS, mutual TLS) and any consumer property as {@code property.<name>}.
 */
public final class KafkaSourceProvider implements SourceProvider {

    private static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "AWS_MSK_IAM");

    @Override
    public String type() {
        return "kafka";
    }

    @Override
    public Source create(Config source, ProviderContext context) {
        return builder(source).build();
    }

    /** The builder the keys of {@code source} describe (every key read first, then applied; nothing built yet). */
    public static KafkaSource.Builder builder(Config source) {
        Optional<String> bootstrap = source.string("bootstrap-servers");
        Config sasl = source.prefix("sasl");
        Optional<String> mechanism = sasl.choice("mechanism", MECHANISMS);
        Optional<String> user = sasl.string("user");
        Optional<String> password = sasl.string("password");
        Optional<String> roleArn = sasl.string("aws-role-arn");
        Optional<List<String>> topics = source.list("topics");
        Optional<String> topicPattern = source.string("topic-pattern");
        Optional<String> groupId = source.string("group-id");
        Optional<String> clientId = source.string("client-id");
        Optional<StartingOffsets> startingOffsets = startingOffsets(source);
        Optional<Duration> startupTimeout = source.duration("startup-timeout");
        Optional<Duration> unreachableTimeout = source.duration("unreachable-timeout");
        Optional<Duration> lagInterval = source.duration("lag-interval");
        Optional<Integer> maxPollRecords = source.integer("max-poll-records");
        Optional<String> securityProtocol = source.string("security-protocol");
        Optional<Path> trusted = source.path("trusted-certificates");
        Optional<Path> certificate = source.path("client-certificate");
        Optional<Path> key = source.path("client-key");
        Map<String, String> properties = source.children("property");

        boolean iam = mechanism.filter("AWS_MSK_IAM"::equals).isPresent();
        if (roleArn.isPresent() && !iam) {
            throw sasl.invalid("aws-role-arn", "is only for " + sasl.key("mechanism") + "=AWS_MSK_IAM",
                    "arn:aws:iam::123456789012:role/reader");
        }
        if (mechanism.isEmpty() && (user.isPresent() || password.isPresent())) {
            throw sasl.invalid("mechanism", "must be set with " + sasl.key("user") + " and " + sasl.key("password")
                    + " (one of " + String.join(", ", MECHANISMS) + ")", "SCRAM-SHA-512");
        }
        // MSK IAM is the preset: it checks that the IAM library is on the class path and sets its login module.
        KafkaSource.Builder builder = iam ? KafkaPresets.mskIam(bootstrap.orElse(""), roleArn.orElse(null)) : KafkaSource.builder();
        if (!iam) {
            bootstrap.ifPresent(builder::bootstrapServers);
        }
        mechanism.filter(m -> !m.equals("AWS_MSK_IAM")).ifPresent(m -> {
            if (m.equals("PLAIN")) {
                builder.saslPlain(user.orElse(null), password.orElse(null));
            } else {
                builder.saslScram(m, user.orElse(null), password.orElse(null));
            }
        });
        topics.ifPresent(list -> builder.topics(list.toArray(String[]::new)));
        topicPattern.ifPresent(regex -> {
            try {
                builder.topicPattern(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw source.invalid("topic-pattern", "is not a regular expression (" + e.getDescription() + ")", "orders\\\\..*");
            }
        });
        groupId.ifPresent(builder::groupId);
        clientId.ifPresent(builder::clientId);
        startingOffsets.ifPresent(builder::startingOffsets);
        startupTimeout.ifPresent(builder::startupTimeout);
        unreachableTimeout.ifPresent(builder::unreachableTimeout);
        lagInterval.ifPresent(builder::lagInterval);
        maxPollRecords.ifPresent(builder::maxPollRecords);
        securityProtocol.ifPresent(builder::securityProtocol);
        trusted.ifPresent(builder::trustedCertificates);
        if (certificate.isPresent() || key.isPresent()) {
            builder.clientCertificate(certificate.orElse(null), key.orElse(null)); // the builder refuses one without the other
        }
        properties.forEach(builder::property);
        return builder;
    }

    /**
     * {@code starting-offsets}: {@code earliest}, {@code latest}, {@code timestamp:<ISO instant or epoch ms>};
     * with {@code explicit-offsets=<topic>:<partition>:<offset>,...} it is where the other partitions start.
     */
    private static Optional<StartingOffsets> startingOffsets(Config source) {
        Optional<String> text = source.string("starting-offsets");
        Optional<List<String>> explicit = source.list("explicit-offsets");
        StartingOffsets start = null;
        if (text.isPresent()) {
            String value = text.get();
            if (value.equalsIgnoreCase("earliest")) {
                start = StartingOffsets.EARLIEST;
            } else if (value.equalsIgnoreCase("latest")) {
                start = StartingOffsets.LATEST;
            } else if (value.regionMatches(true, 0, "timestamp:", 0, 10) && explicit.isEmpty()) {
                start = StartingOffsets.timestamp(epochMillis(source, value.substring(10).trim()));
            } else {
                throw source.invalid("starting-offsets", explicit.isPresent() ? "must be earliest or latest with "
                        + source.key("explicit-offsets") : "is not earliest, latest or timestamp:<time>", "timestamp:2024-05-01T00:00:00Z");
            }
        }
        if (explicit.isEmpty()) {
            return Optional.ofNullable(start);
        }
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        for (String entry : explicit.get()) {
            String[] parts = entry.split(":");
            try {
                if (parts.length != 3) {
                    throw new NumberFormatException();
                }
                offsets.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
            } catch (NumberFormatException e) {
                throw source.invalid("explicit-offsets", "has an entry '" + entry + "' that is not <topic>:<partition>:<offset>",
                        "orders:0:1500,orders:1:1720");
            }
        }
        return Optional.of(StartingOffsets.explicit(offsets, start != null ? start : StartingOffsets.EARLIEST));
    }

    private static long epochMillis(Config source, String time) {
        try {
            return time.matches("\\d{1,18}") ? Long.parseLong(time) : Instant.parse(time).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw source.invalid("starting-offsets", "does not give a time (an ISO instant or epoch milliseconds)",
                    "timestamp:2024-05-01T00:00:00Z");
        }
    }
}
