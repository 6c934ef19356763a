package dev.tributary.kafka;

import dev.tributary.core.PendingRange;
import dev.tributary.core.PendingRangesText;
import dev.tributary.core.RecordCodec;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceLag;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.SplitLag;
import dev.tributary.core.SplitListener;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.Checks;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.InvalidOffsetException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.RetriableException;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads Kafka-protocol brokers (Apache Kafka, Confluent Cloud, Redpanda, AWS MSK, Azure Event
 * Hubs, WarpStream) as a member of a consumer group, with kafka-clients.
 *
 * <p>Offsets are committed only through {@link #commit} (auto-commit is off): the pipeline commits
 * what has landed in ClickHouse. A partition without a committed offset starts at
 * {@link StartingOffsets}, resolved at its first assignment and committed at once, so that it
 * applies once. A committed offset that fell out of retention resumes at the earliest retained
 * record, with the gap logged and counted. On a rebalance the pipeline hears about revoked
 * partitions before they move, and flushes and commits what it read from them. A
 * {@link #wakeup()} only ends a poll early. When no broker answers for
 * {@link Builder#unreachableTimeout} the source fails.
 *
 * <p>Exactly-once delivery: the pending ranges of a partition are kept in the metadata of its
 * committed offset (see {@link PendingRangesMetadata}), whose offset is then the first range's first
 * offset, so that the next owner resumes there and replays them. They are read with the committed
 * offset when the partition is assigned, before the pipeline hears of it.
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

    /** Every property the Kafka clients (consumer, producer, admin) define, with its type. */
    private static final List<ConfigDef.ConfigKey> CLIENT_CONFIG_KEYS = Stream.of(ConsumerConfig.configDef(),
                    ProducerConfig.configDef(), AdminClientConfig.configDef())
            .flatMap(def -> def.configKeys().values().stream())
            .toList();

    /**
     * Properties whose values are secret: every property the Kafka clients type {@code PASSWORD}
     * (which they print as {@code [hidden]} themselves), taken from their own config definitions so
     * that properties a newer client adds are covered too.
     */
    private static final Set<String> PASSWORD_PROPERTIES = CLIENT_CONFIG_KEYS.stream()
            .filter(key -> key.type == ConfigDef.Type.PASSWORD)
            .map(key -> key.name)
            .collect(Collectors.toUnmodifiableSet());

    /** The clients' property names; the name check below is only for others (a plug-in's, a registry's). */
    private static final Set<String> CLIENT_PROPERTIES = CLIENT_CONFIG_KEYS.stream()
            .map(key -> key.name)
            .collect(Collectors.toUnmodifiableSet());

    /** Names that suggest a secret in a property the clients do not define (e.g. {@code basic.auth.user.info}). */
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i)password|passwd|secret|passphrase|credential|token|jaas|private|user\\.info|(^|[._-])key($|[._-])");

    private final Config config;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private SourceContext context;
    private SplitListener listener;
    private boolean paused;
    /** A wakeup arrived: the next poll returns at once (a wakeup is only ever meant to end a poll early). */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /**
     * True only while the pipeline thread waits in {@code consumer.poll} outside this source's
     * rebalance callbacks: the only time a wakeup is passed to the consumer, so that it cannot
     * abort a commit, an offset lookup or a seek.
     */
    private volatile boolean wakeable;
    /** The consumer's count of responses received from any broker, to tell an idle topic from unreachable brokers. */
    private Metric responses;
    private double responsesSeen;
    private long lastContactNanos;
    /** Partitions assigned from which no record has been read yet: their position is the committed offset. */
    private final Set<TopicPartition> unreadSinceAssignment = new HashSet<>();
    /** Per assigned split, its committed offset and metadata as read at its assignment (absent: none committed). */
    private final Map<String, OffsetAndMetadata> committedAtAssignment = new HashMap<>();
    /** Per assigned split, the pending ranges read from that metadata, parsed when the pipeline first asks. */
    private final Map<String, List<PendingRange>> pendingAtAssignment = new HashMap<>();
    /** Per assigned partition, its committed offset as last read or committed here: kept by a commit that names no new position. */
    private final Map<TopicPartition, Long> committedOffsets = new HashMap<>();
    /** The partitions assigned now, as the rebalance callbacks told (pipeline thread). */
    private final Set<TopicPartition> assigned = new HashSet<>();
    /** The assignment changed since the positions were last published for the lag. */
    private boolean assignmentChanged;
    /** The group assigned partitions at least once; and partitions were revoked or lost since the last assignment. */
    private boolean assignedOnce;
    private boolean rebalancing;
    /** The lag's two snapshots and its reader; made at open, closed with the source. */
    private volatile KafkaLag lag;

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
        this.context = context;
        this.listener = context.splitListener();
        Properties properties = new Properties();
        properties.putAll(config.properties);
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-" + context.pipelineName());
        consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        checkReachable();
        lag = new KafkaLag(context.pipelineName(), subscription(), config.groupId, adminProperties(properties),
                KafkaLag.isolationLevel(properties), config.lagInterval);
        responses = responseCounter(consumer);
        if (responses == null) {
            LOG.warn("pipeline {}: this Kafka client has no consumer-metrics/response-total metric; unreachableTimeout"
                    + " is not enforced", context.pipelineName());
        } else {
            responsesSeen = ((Number) responses.metricValue()).doubleValue();
        }
        lastContactNanos = System.nanoTime();
        if (config.pattern != null) {
            consumer.subscribe(config.pattern, new Rebalance());
        } else {
            consumer.subscribe(config.topics, new Rebalance());
        }
        LOG.info("pipeline {}: consuming {} as group {} from {}", context.pipelineName(),
                config.pattern != null ? "topics matching " + config.pattern : config.topics, config.groupId,
                bootstrapServers());
    }

    private String bootstrapServers() {
        return config.properties.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    /** What the source reads, in words: the topics, or the pattern. */
    private String subscription() {
        return config.pattern != null ? "topics matching " + config.pattern : String.join(",", config.topics);
    }

    /**
     * The properties of an Admin that talks to the same brokers as a consumer with {@code consumer}'s
     * properties: the same connection and security settings (SASL, TLS, mTLS, MSK IAM, any plug-in's
     * own properties), without the consumer-only ones, and the client id's name with {@code -lag} appended.
     * The one way the source derives another client from its settings.
     */
    static Properties adminProperties(Properties consumer) {
        Set<String> admin = AdminClientConfig.configNames();
        Properties properties = new Properties();
        for (String name : consumer.stringPropertyNames()) {
            if (admin.contains(name) || !CLIENT_PROPERTIES.contains(name)) {
                properties.setProperty(name, consumer.getProperty(name));
            }
        }
        String clientId = consumer.getProperty(ConsumerConfig.CLIENT_ID_CONFIG);
        if (clientId != null && !clientId.isEmpty()) {
            // The name is the part before any ",key=value" a service reads (WarpStream's ws_az): that stays as it is.
            int comma = clientId.indexOf(',');
            properties.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, comma < 0 ? clientId + "-lag"
                    : clientId.substring(0, comma) + "-lag" + clientId.substring(comma));
        }
        return properties;
    }

    /**
     * Fails at start, with the reason, when the brokers cannot be reached or refuse the credentials,
     * instead of letting the first poll wait forever.
     */
    private void checkReachable() {
        String bootstrap = bootstrapServers();
        Map<String, List<org.apache.kafka.common.PartitionInfo>> existing;
        try {
            existing = listTopics("KafkaSource", bootstrap, config.startupTimeout,
                    () -> redo(() -> consumer.listTopics(config.startupTimeout)));
        } catch (IllegalStateException e) {
            closeQuietly();
            throw e;
        }
        for (String topic : config.topics) {
            if (!existing.containsKey(topic)) {
                LOG.warn("topic {} does not exist (yet) on {}; reading it once it does", topic, bootstrap);
            }
        }
    }

    /**
     * The topics the brokers know ({@code listTopics}, which creates none), or why they cannot be
     * asked, as an IllegalStateException naming the brokers (never a secret): refused credentials,
     * no answer within {@code timeout}, another failure. For the source and its sampler.
     */
    static Map<String, List<org.apache.kafka.common.PartitionInfo>> listTopics(String who, String bootstrap, Duration timeout,
            Supplier<Map<String, List<org.apache.kafka.common.PartitionInfo>>> listTopics) {
        try {
            return listTopics.get();
        } catch (AuthenticationException e) {
            throw new IllegalStateException(who + ": the brokers at " + bootstrap + " refused the credentials: "
                    + e.getMessage(), e);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException(who + ": no broker at " + bootstrap + " answered within "
                    + readable(timeout) + "; check bootstrapServers and the security settings", e);
        } catch (KafkaException e) {
            throw new IllegalStateException(who + ": cannot talk to the brokers at " + bootstrap + ": " + e.getMessage(), e);
        }
    }

    private static Metric responseCounter(KafkaConsumer<?, ?> consumer) {
        for (Map.Entry<MetricName, ? extends Metric> metric : consumer.metrics().entrySet()) {
            if (metric.getKey().name().equals("response-total") && metric.getKey().group().equals("consumer-metrics")) {
                return metric.getValue();
            }
        }
        return null;
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
        // Before polling: the pipeline has handled every record of the previous poll by now.
        publishPositions();
        ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
        InvalidOffsetException invalidOffset = null;
        wakeable = true;
        try {
            records = consumer.poll(wakeupPending.getAndSet(false) ? Duration.ZERO : timeout);
        } catch (WakeupException e) {
            // A wakeup ends a poll early, nothing more.
        } catch (InvalidOffsetException e) {
            invalidOffset = e; // handled below, where no wakeup can interrupt the handling
        } finally {
            wakeable = false;
        }
        if (invalidOffset != null) {
            repositionAfter(invalidOffset);
        }
        checkContact(!records.isEmpty());
        if (records.isEmpty()) {
            return List.of();
        }
        if (!unreadSinceAssignment.isEmpty()) {
            unreadSinceAssignment.removeAll(records.partitions());
        }
        List<SourceRecord> out = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            out.add(new KafkaRecord(record));
        }
        return out;
    }

    /**
     * Hands the assigned partitions and the offsets the pipeline reads next to the lag, once somebody
     * asked for it (until then this costs a volatile read). Called as a poll begins, so that records the
     * pipeline was given still count as behind until it has handled them all (a stop drops the rest): a
     * lag of 0 then means that stopping loses nothing.
     */
    private void publishPositions() {
        KafkaLag current = lag;
        if (current == null || !current.wanted() || !current.publishDue(assignmentChanged)) {
            return;
        }
        assignmentChanged = false;
        Map<TopicPartition, Long> published = current.published().next();
        Map<TopicPartition, Long> next = new HashMap<>();
        for (TopicPartition partition : assigned) {
            long position;
            try {
                // Known positions are answered from the consumer's memory; zero: never waits for a broker.
                position = redo(() -> consumer.position(partition, Duration.ZERO));
            } catch (KafkaException | IllegalStateException e) {
                // Not positioned yet, or being validated: what was published stays (-1: none yet).
                position = published.getOrDefault(partition, -1L);
            }
            next.put(partition, position);
        }
        current.publish(new KafkaLag.Positions(assignedOnce, rebalancing, next));
    }

    /**
     * A partition whose offset is not in the log (deleted by retention, or a truncated log) or that
     * has no offset at all: auto.offset.reset is none, so the consumer asks instead of jumping.
     */
    private void repositionAfter(InvalidOffsetException invalid) {
        try {
            if (invalid instanceof LogTruncationException truncation) {
                resumeAfterTruncation(truncation);
            } else if (invalid instanceof OffsetOutOfRangeException outOfRange) {
                resumeAfterGap(outOfRange.offsetOutOfRangePartitions());
            } else if (invalid instanceof NoOffsetForPartitionException noOffset) {
                positionFresh(noOffset.partitions());
            } else {
                throw invalid;
            }
        } catch (RetriableException e) {
            // The next poll raises the same again and this is retried; unreachableTimeout bounds the wait.
            LOG.warn("pipeline {}: cannot reposition {} yet, retrying: {}", context.pipelineName(), invalid.partitions(), e.toString());
        }
    }

    /**
     * Fails the source when no broker has answered anything (fetches, heartbeats, metadata) for
     * {@code unreachableTimeout}: an idle topic still gets answers, unreachable brokers give none.
     */
    private void checkContact(boolean gotRecords) {
        if (responses == null) {
            return;
        }
        long now = System.nanoTime();
        double seen = ((Number) responses.metricValue()).doubleValue();
        if (gotRecords || seen > responsesSeen) {
            responsesSeen = seen;
            lastContactNanos = now;
        } else if (now - lastContactNanos > config.unreachableTimeout.toNanos()) {
            throw new IllegalStateException("KafkaSource (group " + config.groupId + "): no broker at " + bootstrapServers()
                    + " has answered for " + readable(config.unreachableTimeout) + " (unreachableTimeout); giving up."
                    + " Check that the brokers run and can be reached from here (address, network, security settings),"
                    + " or raise unreachableTimeout(...)");
        }
    }

    static String readable(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 120) {
            return duration.toMillis() % 1000 == 0 ? seconds + " s" : duration.toMillis() + " ms";
        }
        return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
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
            // Kafka's committed offset is the next record to read; no metadata: no pending range.
            offsets.put(kafka.topicPartition(), new OffsetAndMetadata(kafka.offset() + 1));
        }
        commitOffsets(offsets);
    }

    @Override
    public boolean supportsExactlyOnce() {
        return true;
    }

    /**
     * One {@code commitSync} for every split named: with pending ranges, the first range's first
     * offset and the ranges as metadata; without, the last durable offset + 1 (or, with no new
     * position either, the offset committed before) and empty metadata.
     */
    @Override
    public void commit(Collection<SourcePosition> positions, Map<String, List<PendingRange>> pending) {
        Map<String, KafkaPosition> durable = new HashMap<>();
        for (SourcePosition position : positions) {
            if (!(position instanceof KafkaPosition kafka)) {
                throw new IllegalArgumentException("KafkaSource: cannot commit " + position + ", not a Kafka position");
            }
            if (durable.put(kafka.split(), kafka) != null) {
                throw new IllegalArgumentException("KafkaSource: two positions to commit for split " + kafka.split());
            }
        }
        Set<String> splits = new HashSet<>(durable.keySet());
        splits.addAll(pending.keySet());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (String split : splits) {
            TopicPartition partition = KafkaPosition.topicPartition(split);
            List<PendingRange> ranges = pending.getOrDefault(split, List.of());
            KafkaPosition last = durable.get(split);
            if (!ranges.isEmpty()) {
                String metadata = PendingRangesMetadata.encode(partition, ranges);
                long first = ((KafkaPosition) ranges.get(0).first()).offset();
                if (last != null && last.offset() >= first) {
                    throw new IllegalArgumentException("KafkaSource: the last durable position " + last
                            + " is not before the first pending range " + ranges.get(0));
                }
                offsets.put(partition, new OffsetAndMetadata(first, metadata));
            } else if (last != null) {
                offsets.put(partition, new OffsetAndMetadata(last.offset() + 1));
            } else {
                Long kept = committedOffsets.get(partition);
                if (kept != null) {
                    offsets.put(partition, new OffsetAndMetadata(kept)); // clears the ranges, keeps the offset
                }
                // else: nothing was ever committed for it here or before its assignment, so no range either
            }
        }
        commitOffsets(offsets);
    }

    private void commitOffsets(Map<TopicPartition, OffsetAndMetadata> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        try {
            redoRun(() -> consumer.commitSync(offsets));
        } catch (OffsetMetadataTooLarge e) {
            throw new IllegalStateException("KafkaSource (group " + config.groupId + "): the brokers refused the pending ranges"
                    + " committed as offset metadata as too large (their offset.metadata.max.bytes is below "
                    + PendingRangesMetadata.MAX_BYTES + "); lower maxInFlightBatches of the sink or raise offset.metadata.max.bytes", e);
        }
        offsets.forEach((partition, offset) -> committedOffsets.put(partition, offset.offset()));
    }

    /** The ranges found pending for {@code split} at its assignment (logs once why unreadable metadata gives none). */
    @Override
    public List<PendingRange> pendingRanges(String split) {
        List<PendingRange> known = pendingAtAssignment.get(split);
        if (known != null) {
            return known;
        }
        OffsetAndMetadata committed = committedAtAssignment.get(split);
        if (committed == null) {
            return List.of();
        }
        PendingRangesMetadata.Decoded decoded = PendingRangesMetadata.decode(KafkaPosition.topicPartition(split),
                committed.offset(), committed.metadata());
        if (decoded.problem() != null) {
            LOG.warn("pipeline {}: partition {}: the metadata {} of its committed offset {} names no pending ranges this"
                            + " source can read ({}); replaying none: reading on from offset {} (records that were in flight"
                            + " when it was committed may be written twice)", context.pipelineName(), split,
                    PendingRangesText.quoted(committed.metadata()), committed.offset(), decoded.problem(), committed.offset());
        } else if (!decoded.ranges().isEmpty()) {
            LOG.info("pipeline {}: partition {}: {} pending ranges to replay: {}", context.pipelineName(), split,
                    decoded.ranges().size(), decoded.ranges());
        }
        pendingAtAssignment.put(split, decoded.ranges());
        return decoded.ranges();
    }

    /**
     * Ends a poll in progress early (or makes the next one return at once). It never reaches a
     * commit or an offset lookup: a stop, or a wakeup after every landed batch, cannot lose a commit.
     */
    @Override
    public void wakeup() {
        wakeupPending.set(true);
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null && wakeable) {
            current.wakeup();
        }
    }

    /**
     * Runs a consumer call to its end. A wakeup is passed to the consumer only during a poll, but
     * one can still land just as the poll returns; it is meant for a poll, so the call is redone and
     * the next poll returns at once.
     */
    private <T> T redo(Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (WakeupException e) {
                wakeupPending.set(true);
            }
        }
    }

    private void redoRun(Runnable call) {
        redo(() -> {
            call.run();
            return null;
        });
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        return KafkaVirtualColumns.ALL;
    }

    /** Batches keep Kafka records as bytes while they wait to be durable, not as objects. */
    @Override
    public RecordCodec recordCodec() {
        return KafkaRecord.CODEC;
    }

    /**
     * Per assigned partition, the records between the position the pipeline reads next and the end of
     * the log (its last stable offset under {@code read_committed}), as last read: see {@link KafkaLag}.
     * The first call starts a daemon thread that reads the end offsets every {@link Builder#lagInterval}
     * with an Admin of the same settings; until a source is asked, no thread or connection is spent on
     * it. Unknown (with the time of the last good reading) when the brokers did not answer the last
     * reading, before the group assigned a partition, and once the source is closed.
     */
    @Override
    public SourceLag lag() {
        KafkaLag current = lag;
        if (current == null) {
            return new SourceLag(SourceLag.Unit.RECORDS, List.of(SplitLag.unknown(subscription(), null,
                    "the source is not open")), java.time.Instant.now());
        }
        return current.lag();
    }

    @Override
    public void close() {
        KafkaLag currentLag = lag;
        if (currentLag != null) {
            currentLag.close();
        }
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            // Brokers that stopped answering would only make close wait for them.
            boolean unreachable = responses != null && System.nanoTime() - lastContactNanos > config.unreachableTimeout.toNanos();
            current.close(unreachable ? Duration.ZERO : Duration.ofSeconds(10));
            consumer = null;
        }
    }

    /** A copy of the consumer properties, secrets included: for the package's tests only. */
    Properties consumerProperties() {
        Properties copy = new Properties();
        copy.putAll(config.properties);
        return copy;
    }

    /** The consumer properties in force, with secret values masked. */
    public Map<String, String> describe() {
        return describe(config.properties);
    }

    /** {@code properties} sorted by name, with secret values masked. */
    static Map<String, String> describe(Properties properties) {
        Map<String, String> described = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted().forEach(name -> described.put(name,
                isSecret(name) ? "[hidden]" : properties.getProperty(name)));
        return described;
    }

    /** Whether a property's value is secret: typed PASSWORD by the clients, or named like a secret if they do not know it. */
    static boolean isSecret(String property) {
        return PASSWORD_PROPERTIES.contains(property)
                || (!CLIENT_PROPERTIES.contains(property) && SECRET_NAME.matcher(property).find());
    }

    /** Every setting (secrets masked), so that two sources configured alike print alike. */
    @Override
    public String toString() {
        return "KafkaSource{" + (config.pattern != null ? "topicPattern=" + config.pattern.pattern() : "topics=" + config.topics)
                + ", startingOffsets=" + config.startingOffsets + ", startupTimeout=" + config.startupTimeout
                + ", unreachableTimeout=" + config.unreachableTimeout + ", lagInterval=" + config.lagInterval
                + ", properties=" + describe() + "}";
    }

    /**
     * Positions the partitions that have no committed offset at the starting offsets and commits
     * that position at once, so that it applies once: a later start (after a crash before the first
     * batch too) resumes from it instead of resolving it again. Partitions with a committed offset
     * resume after it.
     */
    private void positionFresh(Collection<TopicPartition> partitions) {
        Set<TopicPartition> asked = assignedOf(partitions);
        if (!asked.isEmpty()) {
            positionFresh(asked, redo(() -> consumer.committed(asked)));
        }
    }

    private Set<TopicPartition> assignedOf(Collection<TopicPartition> partitions) {
        Set<TopicPartition> assigned = consumer.assignment();
        return partitions.stream().filter(assigned::contains).collect(Collectors.toSet());
    }

    /**
     * The committed offsets (with their metadata: the pending ranges) of partitions just assigned,
     * which the pipeline needs before it hears of them. A failed read is retried (each try waits up
     * to the client's {@code default.api.timeout.ms}) until {@code unreachableTimeout}, then the source fails.
     */
    private Map<TopicPartition, OffsetAndMetadata> readCommitted(Set<TopicPartition> partitions) {
        long start = System.nanoTime();
        while (true) {
            try {
                return redo(() -> consumer.committed(partitions));
            } catch (RetriableException e) {
                if (System.nanoTime() - start > config.unreachableTimeout.toNanos()) {
                    throw new IllegalStateException("KafkaSource (group " + config.groupId + "): cannot read the committed"
                            + " offsets of the partitions assigned, " + new TreeSet<>(partitions.stream().map(KafkaPosition::split)
                            .toList()) + ", for " + readable(config.unreachableTimeout) + " (unreachableTimeout); giving up", e);
                }
                LOG.warn("pipeline {}: cannot read the committed offsets of {} yet, retrying: {}", context.pipelineName(),
                        partitions.stream().map(KafkaPosition::split).sorted().toList(), e.toString());
            }
        }
    }

    /** Seeks partitions with a committed offset to it; resolves and commits the starting offsets of the others. */
    private void positionFresh(Set<TopicPartition> asked, Map<TopicPartition, OffsetAndMetadata> committed) {
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition partition : asked) {
            OffsetAndMetadata offset = committed.get(partition);
            if (offset == null) {
                fresh.add(partition);
            } else {
                consumer.seek(partition, offset);
            }
        }
        if (fresh.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> start = startingOffsets(fresh);
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        start.forEach((partition, offset) -> {
            consumer.seek(partition, offset);
            offsets.put(partition, new OffsetAndMetadata(offset, PendingRangesMetadata.STARTING_POSITION));
        });
        Map<String, Long> bySplit = new TreeMap<>();
        start.forEach((partition, offset) -> bySplit.put(KafkaPosition.split(partition), offset));
        try {
            commitOffsets(offsets);
            LOG.info("pipeline {}: no committed offset for {}; starting at {} ({}), committed at once",
                    context.pipelineName(), bySplit.keySet(), bySplit, config.startingOffsets);
        } catch (KafkaException e) {
            LOG.warn("pipeline {}: no committed offset for {}; starting at {} ({}), but committing that failed ({}):"
                            + " a restart before the first batch lands resolves {} again", context.pipelineName(),
                    bySplit.keySet(), bySplit, config.startingOffsets, e.toString(), config.startingOffsets);
        }
    }

    /** Where {@link StartingOffsets} put each of these partitions now. */
    private Map<TopicPartition, Long> startingOffsets(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> start = new HashMap<>();
        List<TopicPartition> toBeginning = new ArrayList<>();
        List<TopicPartition> toEnd = new ArrayList<>();
        StartingOffsets starting = config.startingOffsets;
        if (starting instanceof StartingOffsets.Timestamp timestamp) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(partition -> query.put(partition, timestamp.epochMillis()));
            Map<TopicPartition, OffsetAndTimestamp> found = redo(() -> consumer.offsetsForTimes(query));
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp at = found.get(partition);
                if (at == null) {
                    toEnd.add(partition); // nothing at or after that time yet
                } else {
                    start.put(partition, at.offset());
                }
            }
        } else if (starting instanceof StartingOffsets.Explicit explicit) {
            Map<TopicPartition, Long> given = new HashMap<>();
            for (TopicPartition partition : partitions) {
                Long offset = explicit.offsets().get(partition);
                if (offset != null) {
                    given.put(partition, offset); // below the log start: a gap, reported by the first poll
                } else {
                    (explicit.otherwise() instanceof StartingOffsets.Latest ? toEnd : toBeginning).add(partition);
                }
            }
            if (!given.isEmpty()) {
                Map<TopicPartition, Long> end = redo(() -> consumer.endOffsets(given.keySet()));
                given.forEach((partition, offset) -> {
                    long last = end.get(partition);
                    if (offset > last) {
                        LOG.warn("pipeline {}: explicit starting offset {} of {} is beyond the end of the log ({}); starting"
                                + " at the end", context.pipelineName(), offset, KafkaPosition.split(partition), last);
                    }
                    start.put(partition, Math.min(offset, last));
                });
            }
        } else {
            (starting instanceof StartingOffsets.Latest ? toEnd : toBeginning).addAll(partitions);
        }
        if (!toBeginning.isEmpty()) {
            start.putAll(redo(() -> consumer.beginningOffsets(toBeginning)));
        }
        if (!toEnd.isEmpty()) {
            start.putAll(redo(() -> consumer.endOffsets(toEnd)));
        }
        return start;
    }

    /**
     * Resumes partitions whose next offset is no longer in the log. Below the log start (records
     * deleted by retention before they were read): at the earliest retained record, with the gap
     * logged and counted, never at the end. Beyond the log end (a truncated or recreated
     * partition, whose records may all be new): at the earliest retained record too, duplicates
     * rather than loss.
     */
    private void resumeAfterGap(Map<TopicPartition, Long> outOfRange) {
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> partitions = outOfRange.keySet().stream().filter(assigned::contains).collect(Collectors.toSet());
        if (partitions.isEmpty()) {
            return;
        }
        Map<TopicPartition, Long> earliest = redo(() -> consumer.beginningOffsets(partitions));
        Map<TopicPartition, Long> end = redo(() -> consumer.endOffsets(partitions));
        for (TopicPartition partition : partitions) {
            long offset = outOfRange.get(partition);
            long first = earliest.get(partition);
            long last = end.get(partition);
            String which = unreadSinceAssignment.contains(partition) ? "committed offset" : "next offset";
            if (offset < first) {
                long skipped = first - offset;
                LOG.warn("pipeline {}: partition {}: the {} {} is no longer in the log (records deleted by retention before"
                                + " they were read); resuming at the earliest retained offset {}: {} records skipped",
                        context.pipelineName(), KafkaPosition.split(partition), which, offset, first, skipped);
                context.recordsSkipped(KafkaPosition.split(partition), skipped);
                warnIfPendingRangeGone(partition, first);
                consumer.seek(partition, first);
            } else if (offset > last) {
                // The log this offset was taken from was truncated or replaced: every record there may be new.
                LOG.warn("pipeline {}: partition {}: the {} {} is beyond the end of the log ({}): the partition was truncated"
                                + " or recreated; reading it again from the earliest retained offset {} (records may be read"
                                + " twice, none skipped)", context.pipelineName(), KafkaPosition.split(partition), which, offset,
                        last, first);
                consumer.seek(partition, first);
            } else {
                consumer.seek(partition, offset); // back in range (e.g. a new leader caught up): read on
            }
        }
    }

    /**
     * Exactly-once: records of a pending range deleted before it was known durable cannot be replayed
     * as they were sealed; the pipeline sees the range's remaining records (if any) and those after it.
     */
    private void warnIfPendingRangeGone(TopicPartition partition, long firstRetained) {
        List<PendingRange> pending = pendingAtAssignment.getOrDefault(KafkaPosition.split(partition), List.of());
        List<PendingRange> hit = pending.stream()
                .filter(range -> ((KafkaPosition) range.first()).offset() < firstRetained).toList();
        if (!hit.isEmpty()) {
            LOG.warn("pipeline {}: partition {}: records of the pending ranges {} were deleted by retention before they"
                            + " were known durable in ClickHouse; what remains of them is read again as new records, which"
                            + " deduplication cannot match against the first attempt (rows may be written twice)",
                    context.pipelineName(), KafkaPosition.split(partition), hit);
        }
    }

    /**
     * The log was truncated below the position (an unclean leader election replaced records): read
     * again from the first offset that diverged, as the consumer itself does with a reset policy,
     * so that the records written in place of the lost ones are not skipped.
     */
    private void resumeAfterTruncation(LogTruncationException truncation) {
        Set<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, Long> rest = new HashMap<>();
        truncation.offsetOutOfRangePartitions().forEach((partition, offset) -> {
            OffsetAndMetadata divergent = truncation.divergentOffsets().get(partition);
            if (!assigned.contains(partition)) {
                return;
            }
            if (divergent == null) {
                rest.put(partition, offset);
                return;
            }
            LOG.warn("pipeline {}: partition {}: the log was truncated below offset {} (unclean leader election); reading"
                            + " again from offset {}, where it diverged", context.pipelineName(), KafkaPosition.split(partition),
                    offset, divergent.offset());
            consumer.seek(partition, divergent);
        });
        if (!rest.isEmpty()) {
            resumeAfterGap(rest);
        }
    }

    /** Hands partition moves to the pipeline and positions partitions seen for the first time. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                departed(partitions);
                unwakeable(() -> {
                    unreadSinceAssignment.removeAll(partitions);
                    try {
                        listener.onSplitsRevoked(splits(partitions)); // the pipeline commits in here
                    } finally {
                        forget(partitions);
                    }
                });
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                departed(partitions);
                unwakeable(() -> {
                    unreadSinceAssignment.removeAll(partitions);
                    try {
                        listener.onSplitsLost(splits(partitions));
                    } finally {
                        forget(partitions);
                    }
                });
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Called after every rebalance, with the partitions added (none, possibly): the assignment is settled.
            assigned.addAll(partitions);
            assignedOnce = true;
            KafkaLag currentLag = lag;
            if (currentLag != null) {
                currentLag.noteAssigned();
            }
            rebalancing = false;
            assignmentChanged = true;
            if (partitions.isEmpty()) {
                return;
            }
            unwakeable(() -> {
                unreadSinceAssignment.addAll(partitions);
                Set<TopicPartition> asked = assignedOf(partitions);
                // Read before the pipeline hears of them: their pending ranges are in the metadata.
                Map<TopicPartition, OffsetAndMetadata> committed = asked.isEmpty() ? Map.of() : readCommitted(asked);
                committed.forEach((partition, offset) -> {
                    if (offset != null) {
                        committedAtAssignment.put(KafkaPosition.split(partition), offset);
                        committedOffsets.put(partition, offset.offset());
                    }
                });
                try {
                    if (!asked.isEmpty()) {
                        positionFresh(asked, committed);
                    }
                } catch (RetriableException e) {
                    // Left without a position, a partition raises NoOffsetForPartitionException at
                    // the next poll (auto.offset.reset is none), where this is tried again.
                    LOG.warn("pipeline {}: cannot position {} yet, retrying at the next poll: {}", context.pipelineName(),
                            splits(partitions), e.toString());
                }
                if (paused) {
                    consumer.pause(partitions);
                }
                listener.onSplitsAssigned(splits(partitions));
            });
        }

        /** Partitions revoked or lost: the lag has a hole until the group assigns again. */
        private void departed(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
            rebalancing = true;
            assignmentChanged = true;
        }

        private void forget(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                committedAtAssignment.remove(KafkaPosition.split(partition));
                pendingAtAssignment.remove(KafkaPosition.split(partition));
                committedOffsets.remove(partition);
            }
        }

        /** A callback runs inside poll; wakeups wait for it to finish (they are meant for the poll). */
        private void unwakeable(Runnable callback) {
            boolean was = wakeable;
            wakeable = false;
            try {
                callback.run();
            } finally {
                wakeable = was;
            }
        }

        private List<String> splits(Collection<TopicPartition> partitions) {
            return partitions.stream().map(KafkaPosition::split).toList();
        }
    }

    /** Immutable settings of a source. */
    private record Config(Properties properties, List<String> topics, Pattern pattern, String groupId,
                          StartingOffsets startingOffsets, Duration startupTimeout, Duration unreachableTimeout,
                          Duration lagInterval) {
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
        private Duration unreachableTimeout = Duration.ofMinutes(15);
        private Duration lagInterval = Duration.ofSeconds(2);
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

        /**
         * Where partitions without a committed offset start (default {@link StartingOffsets#EARLIEST}).
         * The position is resolved when the group first assigns a partition and committed at once,
         * so it applies once: later starts resume from the committed offset.
         */
        public Builder startingOffsets(StartingOffsets startingOffsets) {
            this.startingOffsets = startingOffsets;
            return this;
        }

        /** How long the brokers may take to answer at start before the source gives up (default 60 s). */
        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * How long no broker may answer anything while the source runs before it gives up and the
         * pipeline fails, naming the brokers (default 15 minutes). Shorter outages are waited out.
         * Keep it well above the group's longest rebalance: while it waits to join, a member may
         * hear nothing for up to {@code max.poll.interval.ms} (5 minutes by default).
         */
        public Builder unreachableTimeout(Duration timeout) {
            this.unreachableTimeout = timeout;
            return this;
        }

        /**
         * How often the end offsets are read for {@link KafkaSource#lag()} once it was asked (default 2 s):
         * one {@code listOffsets} request per interval, from a thread of the source's own.
         */
        public Builder lagInterval(Duration interval) {
            this.lagInterval = interval;
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
            Properties resolved = resolve(true);
            return new KafkaSource(new Config(resolved, List.copyOf(topics), pattern, groupId, startingOffsets, startupTimeout,
                    unreachableTimeout, lagInterval));
        }

        /**
         * A {@link KafkaSampler} with these settings (brokers, topics or pattern, security, properties),
         * checked as {@link #build()} checks them but for the group id, which it ignores: it reads
         * partitions it assigns itself, as no group member, and never commits. For a preview of the
         * records before choosing a table; the pipeline's source is {@link #build()}.
         */
        public KafkaSampler buildSampler(dev.tributary.core.SampleStart start) {
            Objects.requireNonNull(start, "KafkaSource: the sample start is null; use SampleStart.EARLIEST or LATEST");
            Properties resolved = resolve(false);
            // No group: no group.id (a consumer without one cannot commit or join), nothing committed.
            resolved.remove(ConsumerConfig.GROUP_ID_CONFIG);
            resolved.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
            resolved.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            // Records deleted by retention while sampling: read on from the earliest kept (nothing is committed).
            resolved.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            resolved.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "tributary-sampler");
            return new KafkaSampler(resolved, List.copyOf(topics), pattern, start, startupTimeout);
        }

        /** Every check of the settings; the consumer properties they give ({@code member}: with the group id). */
        private Properties resolve(boolean member) {
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
            if (member && (groupId == null || groupId.isBlank())) {
                throw new IllegalArgumentException("KafkaSource: groupId is not set; call groupId(\"tributary-<name>\")"
                        + " (offsets are committed to this consumer group)");
            }
            Objects.requireNonNull(startingOffsets, "KafkaSource: startingOffsets is null");
            Checks.requirePositive("KafkaSource", startupTimeout, "startupTimeout");
            if (unreachableTimeout == null || unreachableTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("KafkaSource: unreachableTimeout must be at least 1 s (brokers answer"
                        + " heartbeats every few seconds), was " + unreachableTimeout + "; e.g. unreachableTimeout(Duration.ofMinutes(15))");
            }
            if (lagInterval == null || lagInterval.compareTo(Duration.ofMillis(100)) < 0 || lagInterval.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("KafkaSource: lagInterval must be between 100 ms and 1 h, was " + lagInterval
                        + "; e.g. lagInterval(Duration.ofSeconds(2))");
            }
            Properties resolved = new Properties();
            resolved.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
            resolved.putAll(securityProperties());
            resolved.putAll(properties);
            if (member) {
                resolved.setProperty(ConsumerConfig.GROUP_ID_CONFIG, groupId);
            }
            // The pipeline commits what has landed; the consumer must never commit on its own.
            if ("true".equalsIgnoreCase(resolved.getProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG))) {
                throw new IllegalArgumentException("KafkaSource: enable.auto.commit=true would commit records before they"
                        + " land in ClickHouse; remove that property");
            }
            resolved.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            // The source resolves starting positions itself, once, and never lets the consumer jump
            // (auto.offset.reset=latest would skip records that fell out of retention and everything after them).
            String reset = resolved.getProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
            if (reset != null && !reset.equalsIgnoreCase("none")) {
                throw new IllegalArgumentException("KafkaSource: auto.offset.reset=" + reset + " is not used; remove that"
                        + " property and call startingOffsets(StartingOffsets.EARLIEST or LATEST, a timestamp or explicit offsets)");
            }
            resolved.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
            return resolved;
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
                Checks.requireReadable("KafkaSource", clientCertificate, "clientCertificate certificate");
                Checks.requireReadable("KafkaSource", clientKey, "clientCertificate key");
                security.setProperty("ssl.keystore.type", "PEM");
                security.setProperty("ssl.keystore.certificate.chain", read(clientCertificate));
                security.setProperty("ssl.keystore.key", read(clientKey));
            }
            if (trustedCertificates != null) {
                Checks.requireReadable("KafkaSource", trustedCertificates, "trustedCertificates");
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
