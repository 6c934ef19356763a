package dev.tributary.kafka;

import dev.tributary.core.RecordSampler;
import dev.tributary.core.SampleStart;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.internal.Checks;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Reads a few records of Kafka topics for a preview, leaving no trace: it assigns the partitions
 * itself ({@code assign}, never {@code subscribe}), has no group id — so it joins no consumer group
 * and cannot commit — and auto-commit is off (records deleted by retention while it reads are
 * skipped: {@code auto.offset.reset=earliest}). Made by {@link KafkaSource.Builder#buildSampler} from
 * the settings of the pipeline's source (brokers, topics or pattern, security, presets).
 *
 * <p>{@link SampleStart#EARLIEST} reads from each partition's beginning, {@link SampleStart#LATEST}
 * the last records written before the sample began; either way the records asked for are shared
 * over the partitions that have records (one more to the first partitions when they do not divide
 * evenly; a partition with fewer leaves its share to the others). A partition is read up to its end
 * as the sample began, so a sample ends as soon as every partition has given its share: an empty
 * topic gives an empty list at once. Records come back by topic, partition and offset, as
 * {@code KafkaRecord}s with Kafka's virtual columns. A compacted or transactional log may give fewer
 * records than its offsets suggest.
 *
 * <p>A topic that does not exist is refused, naming it; brokers that do not answer within the
 * timeout (or {@code startupTimeout}, if shorter) fail the sample, naming the bootstrap servers.
 * Not thread-safe; {@link #close()} it.
 */
public final class KafkaSampler implements RecordSampler {

    /** How long one poll waits at most, so that partitions read to their end are noticed. */
    private static final Duration POLL_SLICE = Duration.ofMillis(200);

    private final Properties properties;
    private final List<String> topics;
    private final Pattern pattern;
    private final SampleStart start;
    private final Duration startupTimeout;
    private KafkaConsumer<byte[], byte[]> consumer;
    private boolean closed;

    KafkaSampler(Properties properties, List<String> topics, Pattern pattern, SampleStart start, Duration startupTimeout) {
        this.properties = properties;
        this.topics = topics;
        this.pattern = pattern;
        this.start = start;
        this.startupTimeout = startupTimeout;
    }

    @Override
    public List<SourceRecord> sample(int maxRecords, Duration timeout) throws InterruptedException {
        Checks.requireAtLeast("KafkaSampler", maxRecords, 1, "maxRecords");
        Checks.requirePositive("KafkaSampler", timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        KafkaConsumer<byte[], byte[]> kafka = consumer();
        try {
            List<TopicPartition> partitions = partitions(kafka, deadline, timeout);
            if (partitions.isEmpty()) {
                return List.of();
            }
            Map<TopicPartition, Long> beginning = kafka.beginningOffsets(partitions, remaining(deadline));
            Map<TopicPartition, Long> end = kafka.endOffsets(partitions, remaining(deadline));
            Map<TopicPartition, long[]> ranges = ranges(partitions, beginning, end, maxRecords, start);
            return read(kafka, ranges, maxRecords, deadline);
        } catch (InterruptException e) {
            Thread.interrupted(); // Kafka's unchecked form sets the flag again; the caller gets the checked one
            InterruptedException interrupted = new InterruptedException("KafkaSampler: interrupted while sampling");
            interrupted.initCause(e);
            throw interrupted;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new IllegalStateException("KafkaSampler: the brokers at " + bootstrapServers() + " did not give the offsets"
                    + " of " + describeTopics() + " within " + KafkaSource.readable(timeout) + "; check that they run and"
                    + " can be reached from here", e);
        } catch (KafkaException e) {
            throw new IllegalStateException("KafkaSampler: cannot sample " + describeTopics() + " from the brokers at "
                    + bootstrapServers() + ": " + e.getMessage(), e);
        } finally {
            kafka.unsubscribe(); // drops the assignment; nothing to commit, no group to leave
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (closed) {
            throw new IllegalStateException("KafkaSampler: closed; build another with buildSampler(...)");
        }
        if (consumer == null) {
            consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    /** The partitions of the topics (or of every topic matching the pattern); a missing topic is refused. */
    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> kafka, long deadline, Duration timeout) {
        Duration wait = min(remaining(deadline), startupTimeout);
        // The message names the wait as configured (the sample's timeout or startupTimeout), not what was left of it.
        Map<String, List<PartitionInfo>> existing = KafkaSource.listTopics("KafkaSampler", bootstrapServers(),
                min(timeout, startupTimeout), () -> kafka.listTopics(wait));
        List<String> chosen = new ArrayList<>();
        if (pattern != null) {
            existing.keySet().stream().filter(topic -> pattern.matcher(topic).matches()).sorted().forEach(chosen::add);
        } else {
            for (String topic : topics) {
                if (!existing.containsKey(topic)) {
                    throw new IllegalArgumentException("KafkaSampler: topic '" + topic + "' does not exist on "
                            + bootstrapServers() + "; check the topic name (topics(...))");
                }
                chosen.add(topic);
            }
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : chosen) {
            existing.get(topic).stream().map(info -> new TopicPartition(topic, info.partition()))
                    .sorted(Comparator.comparingInt(TopicPartition::partition)).forEach(partitions::add);
        }
        return partitions;
    }

    /**
     * Per partition, the offsets to read, {@code [from, to)}: {@code maxRecords} shared over the
     * partitions with records, one at a time in turn, from the beginning (EARLIEST) or back from the
     * end (LATEST). Partitions with no share are left out.
     */
    static Map<TopicPartition, long[]> ranges(List<TopicPartition> partitions, Map<TopicPartition, Long> beginning,
                                              Map<TopicPartition, Long> end, int maxRecords, SampleStart start) {
        long[] available = new long[partitions.size()];
        long[] share = new long[partitions.size()];
        for (int i = 0; i < available.length; i++) {
            available[i] = Math.max(0, end.get(partitions.get(i)) - beginning.get(partitions.get(i)));
        }
        long left = maxRecords;
        boolean gave = true;
        while (left > 0 && gave) {
            gave = false;
            for (int i = 0; i < available.length && left > 0; i++) {
                if (share[i] < available[i]) {
                    share[i]++;
                    left--;
                    gave = true;
                }
            }
        }
        Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        for (int i = 0; i < share.length; i++) {
            if (share[i] > 0) {
                TopicPartition partition = partitions.get(i);
                long from = start == SampleStart.LATEST ? end.get(partition) - share[i] : beginning.get(partition);
                ranges.put(partition, new long[] {from, from + share[i]});
            }
        }
        return ranges;
    }

    private static List<SourceRecord> read(KafkaConsumer<byte[], byte[]> kafka, Map<TopicPartition, long[]> ranges,
                                           int maxRecords, long deadline) throws InterruptedException {
        if (ranges.isEmpty()) {
            return List.of(); // no records anywhere: no waiting
        }
        kafka.assign(ranges.keySet());
        ranges.forEach((partition, range) -> kafka.seek(partition, range[0]));
        List<KafkaRecord> read = new ArrayList<>();
        Map<TopicPartition, long[]> open = new LinkedHashMap<>(ranges);
        while (!open.isEmpty() && read.size() < maxRecords && System.nanoTime() < deadline) {
            if (Thread.interrupted()) {
                throw new InterruptedException("KafkaSampler: interrupted while sampling");
            }
            for (ConsumerRecord<byte[], byte[]> record : kafka.poll(min(remaining(deadline), POLL_SLICE))) {
                long[] range = open.get(new TopicPartition(record.topic(), record.partition()));
                if (range != null && record.offset() >= range[0] && record.offset() < range[1] && read.size() < maxRecords) {
                    read.add(new KafkaRecord(record));
                }
            }
            // By position, not by count: control records and compacted offsets take no record.
            List<TopicPartition> done = open.entrySet().stream()
                    .filter(entry -> readTo(kafka, entry.getKey(), entry.getValue()[1]))
                    .map(Map.Entry::getKey).toList();
            if (!done.isEmpty()) {
                done.forEach(open::remove);
                kafka.pause(done);
            }
        }
        read.sort(Comparator.comparing((KafkaRecord record) -> record.position().topic())
                .thenComparingInt(record -> record.position().partition())
                .thenComparingLong(record -> record.position().offset()));
        return List.copyOf(read);
    }

    /** Whether the consumer's position in {@code partition} has reached {@code end}; not yet while it is being reset. */
    private static boolean readTo(KafkaConsumer<byte[], byte[]> kafka, TopicPartition partition, long end) {
        try {
            return kafka.position(partition, Duration.ZERO) >= end;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return false; // reset after a deletion, not known yet: a later poll positions it
        }
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private String bootstrapServers() {
        return properties.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
    }

    private String describeTopics() {
        return pattern != null ? "the topics matching " + pattern : "topics " + topics;
    }

    /** Where samples start. */
    public SampleStart start() {
        return start;
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        return KafkaVirtualColumns.ALL;
    }

    @Override
    public void close() {
        KafkaConsumer<byte[], byte[]> current = consumer;
        consumer = null;
        closed = true;
        if (current != null) {
            current.close(Duration.ZERO); // no group to leave, no offsets to commit
        }
    }

    /** The consumer properties in force, with secret values masked. */
    public Map<String, String> describe() {
        return KafkaSource.describe(properties);
    }

    @Override
    public String toString() {
        return "KafkaSampler" + describe() + "[" + start + "]";
    }
}
