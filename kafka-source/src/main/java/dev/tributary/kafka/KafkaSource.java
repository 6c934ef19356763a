package dev.tributary.kafka;

import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitListener;
import dev.tributary.core.VirtualColumn;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads Kafka-protocol brokers (Apache Kafka, Confluent Cloud, Redpanda, AWS MSK, Azure Event
 * Hubs, WarpStream) as a member of a consumer group, with kafka-clients.
 *
 * <p>Offsets are committed only through {@link #commit} (auto-commit is off): the pipeline commits
 * what has landed in ClickHouse. A partition without a committed offset starts at
 * {@link StartingOffsets}. On a rebalance the pipeline hears about revoked partitions before they
 * move, and flushes and commits what it read from them.
 *
 * <pre>{@code
 * KafkaSource source = KafkaSource.builder()
 *         .bootstrapServers("broker-1:9092,broker-2:9092")
 *         .topics("events")
 *         .groupId("tributary-events")
 *         .startingOffsets(StartingOffsets.EARLIEST)
 *         .build();
 * }</pre>
 * Secrets given to the builder (passwords, keys, connection strings) never appear in logs,
 * exceptions or {@code toString()}.
 */
public final class KafkaSource implements Source {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSource.class);

    /** Consumer properties whose values are secret. */
    private static final Set<String> SECRET_PROPERTIES = Set.of("sasl.jaas.config", "ssl.keystore.password",
            "ssl.key.password", "ssl.truststore.password", "ssl.keystore.key", "ssl.keystore.certificate.chain",
            "ssl.truststore.certificates", "basic.auth.user.info");

    private final Config config;
    private KafkaConsumer<byte[], byte[]> consumer;
    private SplitListener listener;
    private boolean paused;

    private KafkaSource(Config config) {
        this.config = config;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void open(SourceContext context) {
        if (consumer != null) {
            throw new IllegalStateException("KafkaSource for group " + config.groupId + " is already open");
        }
        this.listener = context.splitListener();
        Properties properties = new Properties();
        properties.putAll(config.properties);
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-" + context.pipelineName());
        consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        checkReachable();
        if (config.pattern != null) {
            consumer.subscribe(config.pattern, new Rebalance());
        } else {
            consumer.subscribe(config.topics, new Rebalance());
        }
        LOG.info("pipeline {}: consuming {} as group {} from {}", context.pipelineName(),
                config.pattern != null ? "topics matching " + config.pattern : config.topics, config.groupId,
                config.properties.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    /**
     * Fails at start, with the reason, when the brokers cannot be reached or refuse the credentials,
     * instead of letting the first poll wait forever.
     */
    private void checkReachable() {
        String bootstrap = config.properties.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        Map<String, List<org.apache.kafka.common.PartitionInfo>> existing;
        try {
            existing = consumer.listTopics(config.startupTimeout);
        } catch (AuthenticationException e) {
            closeQuietly();
            throw new IllegalStateException("KafkaSource: the brokers at " + bootstrap + " refused the credentials: "
                    + e.getMessage(), e);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            closeQuietly();
            throw new IllegalStateException("KafkaSource: no broker at " + bootstrap + " answered within "
                    + config.startupTimeout.toSeconds() + " s; check bootstrapServers and the security settings", e);
        } catch (org.apache.kafka.common.KafkaException e) {
            closeQuietly();
            throw new IllegalStateException("KafkaSource: cannot talk to the brokers at " + bootstrap + ": " + e.getMessage(), e);
        }
        for (String topic : config.topics) {
            if (!existing.containsKey(topic)) {
                LOG.warn("topic {} does not exist (yet) on {}; reading it once it does", topic, bootstrap);
            }
        }
    }

    private void closeQuietly() {
        try {
            consumer.close(Duration.ZERO);
        } catch (RuntimeException ignored) {
            // already failing
        }
        consumer = null;
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return List.of();
        }
        if (records.isEmpty()) {
            return List.of();
        }
        List<SourceRecord> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            out.add(new KafkaRecord(record));
        }
        return out;
    }

    @Override
    public void pause() {
        paused = true;
        consumer.pause(consumer.assignment());
    }

    @Override
    public void resume() {
        paused = false;
        consumer.resume(consumer.paused());
    }

    @Override
    public void commit(Collection<SourcePosition> positions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (SourcePosition position : positions) {
            KafkaPosition kafka = (KafkaPosition) position;
            // Kafka's committed offset is the next record to read.
            offsets.put(kafka.topicPartition(), new OffsetAndMetadata(kafka.offset() + 1));
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    @Override
    public void wakeup() {
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        return KafkaVirtualColumns.ALL;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(10));
            consumer = null;
        }
    }

    /** The consumer properties in force, with secret values masked. */
    public Map<String, String> describe() {
        Map<String, String> described = new LinkedHashMap<>();
        config.properties.stringPropertyNames().stream().sorted().forEach(name -> described.put(name,
                SECRET_PROPERTIES.contains(name) ? "[hidden]" : config.properties.getProperty(name)));
        return described;
    }

    @Override
    public String toString() {
        return "KafkaSource" + describe();
    }

    /** Hands partition moves to the pipeline and positions partitions that have no committed offset. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                listener.onSplitsRevoked(splits(partitions));
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                listener.onSplitsLost(splits(partitions));
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            if (config.startingOffsets instanceof StartingOffsets.Timestamp
                    || config.startingOffsets instanceof StartingOffsets.Explicit) {
                positionUncommitted(partitions);
            }
            if (paused) {
                consumer.pause(partitions);
            }
            listener.onSplitsAssigned(splits(partitions));
        }

        private void positionUncommitted(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
            List<TopicPartition> fresh = partitions.stream().filter(p -> committed.get(p) == null).toList();
            if (fresh.isEmpty()) {
                return;
            }
            if (config.startingOffsets instanceof StartingOffsets.Timestamp timestamp) {
                Map<TopicPartition, Long> query = new HashMap<>();
                fresh.forEach(p -> query.put(p, timestamp.epochMillis()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
                List<TopicPartition> toEnd = new ArrayList<>();
                for (TopicPartition partition : fresh) {
                    OffsetAndTimestamp at = found.get(partition);
                    if (at == null) {
                        toEnd.add(partition); // nothing at or after that time yet
                    } else {
                        consumer.seek(partition, at.offset());
                    }
                }
                if (!toEnd.isEmpty()) {
                    consumer.seekToEnd(toEnd);
                }
            } else if (config.startingOffsets instanceof StartingOffsets.Explicit explicit) {
                for (TopicPartition partition : fresh) {
                    Long offset = explicit.offsets().get(partition);
                    if (offset != null) {
                        consumer.seek(partition, offset);
                    }
                }
            }
        }

        private List<String> splits(Collection<TopicPartition> partitions) {
            return partitions.stream().map(KafkaPosition::split).toList();
        }
    }

    /** Immutable settings of a source. */
    private record Config(Properties properties, List<String> topics, Pattern pattern, String groupId,
                          StartingOffsets startingOffsets, Duration startupTimeout) {
    }

    /**
     * Builds a {@link KafkaSource}. Any consumer property can be set with {@link #property}; the
     * security helpers set the usual ones. {@link #build()} checks the settings and names the wrong one.
     */
    public static final class Builder {
        private final Properties properties = new Properties();
        private final List<String> topics = new ArrayList<>();
        private Pattern pattern;
        private String groupId;
        private StartingOffsets startingOffsets = StartingOffsets.EARLIEST;
        private Duration startupTimeout = Duration.ofSeconds(60);
        private String securityProtocol;
        private String saslMechanism;
        private String saslUser;
        private String saslPassword;
        private String saslJaasOverride;
        private Path trustedCertificates;
        private Path clientCertificate;
        private Path clientKey;

        private Builder() {
        }

        /** {@code host:port[,host:port...]}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.requireNonNull(bootstrapServers, "bootstrapServers"));
            return this;
        }

        /** Topics to read (several topics may go into one table). */
        public Builder topics(String... topics) {
            this.topics.addAll(Arrays.asList(topics));
            return this;
        }

        /** Topics to read, by pattern (new matching topics are picked up). */
        public Builder topicPattern(Pattern pattern) {
            this.pattern = pattern;
            return this;
        }

        /** The consumer group. Required. */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        /** The client id the broker sees (default {@code tributary-<pipeline name>}). */
        public Builder clientId(String clientId) {
            properties.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
            return this;
        }

        /** Where partitions without a committed offset start (default {@link StartingOffsets#EARLIEST}). */
        public Builder startingOffsets(StartingOffsets startingOffsets) {
            this.startingOffsets = startingOffsets;
            return this;
        }

        /** How long the brokers may take to answer at start before the source gives up (default 60 s). */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /** Records per poll at most (default 2000). */
        public Builder maxPollRecords(int maxPollRecords) {
            properties.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
            return this;
        }

        /** Any kafka-clients consumer property, passed through (overrides what the helpers set). */
        public Builder property(String name, String value) {
            properties.setProperty(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** {@code PLAINTEXT}, {@code SSL}, {@code SASL_PLAINTEXT} or {@code SASL_SSL}. */
        public Builder securityProtocol(String protocol) {
            this.securityProtocol = protocol;
            return this;
        }

        /** SASL/PLAIN with a user and password (over SASL_SSL unless {@link #securityProtocol} says otherwise). */
        public Builder saslPlain(String user, String password) {
            return sasl("PLAIN", user, password);
        }

        /** SASL/SCRAM with {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}. */
        public Builder saslScram(String mechanism, String user, String password) {
            if (!"SCRAM-SHA-256".equals(mechanism) && !"SCRAM-SHA-512".equals(mechanism)) {
                throw new IllegalArgumentException("KafkaSource: saslScram mechanism must be SCRAM-SHA-256 or SCRAM-SHA-512, was " + mechanism);
            }
            return sasl(mechanism, user, password);
        }

        /** A SASL mechanism configured by a complete JAAS line (e.g. AWS_MSK_IAM, OAUTHBEARER). */
        Builder saslJaas(String mechanism, String jaasConfig) {
            this.saslMechanism = mechanism;
            this.saslJaasOverride = jaasConfig;
            return this;
        }

        private Builder sasl(String mechanism, String user, String password) {
            this.saslMechanism = mechanism;
            this.saslUser = user;
            this.saslPassword = password;
            return this;
        }

        /** CA certificates (PEM) to trust for TLS, instead of the JVM's. */
        public Builder trustedCertificates(Path pem) {
            this.trustedCertificates = pem;
            return this;
        }

        /** A client certificate chain and an unencrypted PKCS#8 key (PEM), for mutual TLS. */
        public Builder clientCertificate(Path certificatePem, Path keyPem) {
            this.clientCertificate = certificatePem;
            this.clientKey = keyPem;
            return this;
        }

        public KafkaSource build() {
            String bootstrap = properties.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
            if (bootstrap == null || bootstrap.isBlank()) {
                throw new IllegalArgumentException("KafkaSource: bootstrapServers is not set; call bootstrapServers(\"host:9092\")");
            }
            for (String server : bootstrap.split(",")) {
                if (!server.trim().matches("[^\\s:/]+:\\d{1,5}|\\[[0-9a-fA-F:]+]:\\d{1,5}")) {
                    throw new IllegalArgumentException("KafkaSource: bootstrapServers entry '" + server.trim()
                            + "' is not host:port; use e.g. \"broker-1:9092,broker-2:9092\"");
                }
            }
            if (topics.isEmpty() == (pattern == null)) {
                throw new IllegalArgumentException("KafkaSource: give either topics(...) or topicPattern(...), "
                        + (pattern == null ? "neither was set" : "not both"));
            }
            for (String topic : topics) {
                if (topic == null || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
                    throw new IllegalArgumentException("KafkaSource: topic '" + topic + "' is not a valid Kafka topic name");
                }
            }
            if (groupId == null || groupId.isBlank()) {
                throw new IllegalArgumentException("KafkaSource: groupId is not set; call groupId(\"tributary-<name>\")"
                        + " (offsets are committed to this consumer group)");
            }
            Objects.requireNonNull(startingOffsets, "KafkaSource: startingOffsets is null");
            if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("KafkaSource: startupTimeout must be positive, was " + startupTimeout);
            }
            Properties resolved = new Properties();
            resolved.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
            resolved.putAll(securityProperties());
            resolved.putAll(properties);
            resolved.setProperty(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            // The pipeline commits what has landed; the consumer must never commit on its own.
            if ("true".equalsIgnoreCase(resolved.getProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG))) {
                throw new IllegalArgumentException("KafkaSource: enable.auto.commit=true would commit records before they"
                        + " land in ClickHouse; remove that property");
            }
            resolved.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            StartingOffsets fallback = startingOffsets instanceof StartingOffsets.Explicit explicit ? explicit.otherwise() : startingOffsets;
            resolved.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                    fallback instanceof StartingOffsets.Latest ? "latest" : "earliest");
            return new KafkaSource(new Config(resolved, List.copyOf(topics), pattern, groupId, startingOffsets, startupTimeout));
        }

        private Properties securityProperties() {
            Properties security = new Properties();
            String protocol = securityProtocol;
            if (saslMechanism != null) {
                if (saslJaasOverride == null && (saslUser == null || saslUser.isEmpty() || saslPassword == null)) {
                    throw new IllegalArgumentException("KafkaSource: SASL " + saslMechanism + " needs a user and a password");
                }
                protocol = protocol == null ? "SASL_SSL" : protocol;
                if (!protocol.startsWith("SASL_")) {
                    throw new IllegalArgumentException("KafkaSource: SASL " + saslMechanism + " needs securityProtocol"
                            + " SASL_SSL or SASL_PLAINTEXT, not " + protocol);
                }
                security.setProperty("sasl.mechanism", saslMechanism);
                security.setProperty("sasl.jaas.config", saslJaasOverride != null ? saslJaasOverride
                        : (saslMechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                        : "org.apache.kafka.common.security.scram.ScramLoginModule")
                        + " required username=\"" + jaasEscape(saslUser) + "\" password=\"" + jaasEscape(saslPassword) + "\";");
            }
            if (clientCertificate != null || clientKey != null) {
                protocol = protocol == null ? "SSL" : protocol;
                requireReadable(clientCertificate, "clientCertificate certificate");
                requireReadable(clientKey, "clientCertificate key");
                security.setProperty("ssl.keystore.type", "PEM");
                security.setProperty("ssl.keystore.certificate.chain", read(clientCertificate));
                security.setProperty("ssl.keystore.key", read(clientKey));
            }
            if (trustedCertificates != null) {
                requireReadable(trustedCertificates, "trustedCertificates");
                protocol = protocol == null ? "SSL" : protocol;
                security.setProperty("ssl.truststore.type", "PEM");
                security.setProperty("ssl.truststore.certificates", read(trustedCertificates));
            }
            if (protocol != null) {
                String upper = protocol.toUpperCase(Locale.ROOT);
                if (!Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL").contains(upper)) {
                    throw new IllegalArgumentException("KafkaSource: securityProtocol must be PLAINTEXT, SSL, SASL_PLAINTEXT"
                            + " or SASL_SSL, was " + protocol);
                }
                security.setProperty("security.protocol", upper);
            }
            return security;
        }

        private static void requireReadable(Path path, String setting) {
            if (path == null || !Files.isReadable(path)) {
                throw new IllegalArgumentException("KafkaSource: " + setting + " file " + path + " is not readable");
            }
        }

        private static String read(Path path) {
            try {
                return Files.readString(path).trim();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("KafkaSource: cannot read " + path + ": " + e.getMessage(), e);
            }
        }

        private static String jaasEscape(String value) {
            return value.replace("\\", "\\\\").replace("\"", "\\\"");
        }
    }
}
