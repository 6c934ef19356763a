package dev.tributary.kafka;

import dev.tributary.core.SourceLag;
import dev.tributary.core.SplitLag;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The lag of a {@link KafkaSource}: per assigned partition, its end offset (the last stable offset under
 * {@code read_committed}) minus the position the pipeline reads next.
 *
 * <p>Two threads, no lock on the way of either: the pipeline thread publishes the assigned partitions and
 * their positions (an immutable map, only once somebody asked for the lag, at most every 100 ms); a
 * daemon thread of its own, started by the first {@link #lag()} call, reads the end offsets with a small
 * {@link Admin} ({@code listOffsets}, with a timeout) every {@code interval} and publishes them. {@link #lag()} combines the two latest snapshots, so it never waits for a broker. The
 * consumer's own lag ({@code currentLag}) is not used: it comes from fetch responses, which paused
 * partitions (back-pressure) do not get, and it does not age when the brokers stop answering.
 *
 * <p>A partition's lag is unknown, with the time of its last good reading, when the last attempt to read
 * its end failed or timed out, when its last good reading is older than a reader that works would leave
 * it, while it has no position yet, and once the source is closed; never the last value.
 */
final class KafkaLag {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLag.class);

    /** How long one reading of the end offsets may take; a slower answer counts as no answer. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
    /**
     * How often at most the pipeline thread publishes positions (the end offsets are read every
     * {@code interval}): about 1 µs per assigned partition each time, so 0.1% of a core per 100 partitions.
     */
    private static final long PUBLISH_EVERY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /**
     * The assigned partitions and the next offset of each (-1: no position yet), as the pipeline thread saw
     * them; whether the group ever assigned partitions, and whether some were revoked or lost since its
     * last assignment (a rebalance under way: which partitions this source will read is not known).
     */
    record Positions(boolean assignedOnce, boolean rebalancing, Map<TopicPartition, Long> next) {
        Positions {
            next = Map.copyOf(next);
        }

        static final Positions NONE = new Positions(false, false, Map.of());
    }

    /**
     * The last reading of one partition's end: {@code offset} read at {@code readAt}, or, with a
     * {@code failure}, no offset (-1) and {@code readAt} the time of the last good reading (null: none).
     */
    record End(long offset, Instant readAt, String failure) {
        static End read(long offset, Instant at) {
            return new End(offset, at, null);
        }

        static End failed(End previous, String why) {
            return new End(-1, previous == null ? null : previous.readAt(), why);
        }
    }

    private final String pipeline;
    private final String subscription;
    private final String groupId;
    private final Properties adminProperties;
    private final IsolationLevel isolation;
    private final Duration interval;
    private final Duration staleAfter;

    private volatile boolean wanted;
    /** The group assigned this source partitions at least once (told by the pipeline thread, asked or not). */
    private volatile boolean groupAssigned;
    private volatile boolean closed;
    private volatile Positions positions = Positions.NONE;
    private volatile Map<TopicPartition, End> ends = Map.of();
    private volatile Thread reader;
    private Admin admin; // guarded by this
    private long lastPublishNanos;

    /**
     * @param adminProperties the consumer's connection and security settings for an Admin
     *                        ({@link KafkaSource#adminProperties})
     * @param subscription    what the source subscribed to, naming the one entry of a lag with no partition yet
     */
    KafkaLag(String pipeline, String subscription, String groupId, Properties adminProperties, String isolationLevel,
             Duration interval) {
        this.pipeline = pipeline;
        this.subscription = subscription;
        this.groupId = groupId;
        this.adminProperties = adminProperties;
        this.isolation = "read_committed".equalsIgnoreCase(isolationLevel) ? IsolationLevel.READ_COMMITTED
                : IsolationLevel.READ_UNCOMMITTED;
        this.interval = interval;
        this.staleAfter = staleAfter(interval);
        this.lastPublishNanos = System.nanoTime() - PUBLISH_EVERY_NANOS; // nanoTime may be negative: due at once
    }

    /** A reading older than this, with no failure since, means the reader stopped: the lag is then unknown. */
    static Duration staleAfter(Duration interval) {
        return interval.plus(READ_TIMEOUT.multipliedBy(2));
    }

    /** The group assigned partitions (pipeline thread; once is enough to tell "not published yet" from "none yet"). */
    void noteAssigned() {
        if (!groupAssigned) {
            groupAssigned = true;
        }
    }

    /** What the pipeline thread published last. */
    Positions published() {
        return positions;
    }

    /** Whether the pipeline thread must publish positions: somebody asked for the lag. */
    boolean wanted() {
        return wanted && !closed;
    }

    /**
     * Whether the pipeline thread should publish now: at most every 100 ms, unless the assignment
     * changed (it is asked again as every poll begins).
     */
    boolean publishDue(boolean assignmentChanged) {
        long now = System.nanoTime();
        if (assignmentChanged || now - lastPublishNanos >= PUBLISH_EVERY_NANOS) {
            lastPublishNanos = now;
            return true;
        }
        return false;
    }

    /** Publishes the assigned partitions and their positions (pipeline thread); wakes the reader when the assignment changed. */
    void publish(Positions now) {
        Positions before = positions;
        if (before.equals(now)) {
            return;
        }
        positions = now;
        if (!before.next().keySet().equals(now.next().keySet())) {
            Thread current = reader;
            if (current != null) {
                LockSupport.unpark(current); // new partitions: read their end now rather than at the next tick
            }
        }
    }

    /** The lag as last measured; starts the reader on the first call (it never waits for a broker). */
    SourceLag lag() {
        if (!wanted && !closed) {
            startReader();
        }
        return view(Instant.now(), positions, ends, closed, staleAfter, subscription, groupId, groupAssigned);
    }

    private synchronized void startReader() {
        if (wanted || closed) {
            return;
        }
        Thread thread = new Thread(this::readLoop, "tributary-" + pipeline + "-lag");
        thread.setDaemon(true);
        reader = thread;
        wanted = true;
        thread.start();
    }

    /** Stops the reader and closes its Admin (pending reads fail at once); the lag is unknown from now on. */
    void close() {
        Admin current;
        synchronized (this) {
            closed = true;
            current = admin;
            admin = null;
        }
        Thread thread = reader;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
        if (current != null) {
            current.close(Duration.ZERO);
        }
    }

    private void readLoop() {
        boolean failing = false;
        try {
            while (!closed) {
                Map<TopicPartition, Long> assigned = positions.next();
                if (!assigned.isEmpty()) {
                    Map<TopicPartition, End> read = read(assigned.keySet().stream().toList());
                    if (read == null) {
                        return; // closed
                    }
                    ends = Map.copyOf(read);
                    String failure = read.values().stream().map(End::failure).filter(java.util.Objects::nonNull)
                            .findFirst().orElse(null);
                    if (failure != null && !failing) {
                        LOG.warn("pipeline {}: the lag is unknown: cannot read the end offsets: {}", pipeline, failure);
                    } else if (failure == null && failing) {
                        LOG.info("pipeline {}: the lag is known again", pipeline);
                    }
                    failing = failure != null;
                }
                LockSupport.parkNanos(this, interval.toNanos());
            }
        } catch (RuntimeException e) {
            // The view marks the readings stale after staleAfter; say why.
            LOG.warn("pipeline {}: the lag reader stopped; the lag stays unknown: {}", pipeline, e.toString(), e);
        } finally {
            closeAdmin();
        }
    }

    /** The end of each partition now, or why not; null once closed. */
    private Map<TopicPartition, End> read(List<TopicPartition> partitions) {
        Map<TopicPartition, End> before = ends;
        Map<TopicPartition, End> read = new HashMap<>();
        Admin client;
        try {
            client = admin();
        } catch (RuntimeException e) {
            String why = "cannot make a client to read the end offsets: " + e.getMessage();
            partitions.forEach(partition -> read.put(partition, End.failed(before.get(partition), why)));
            return read;
        }
        if (client == null) {
            return null;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        ListOffsetsResult result;
        try {
            result = client.listOffsets(latest, new ListOffsetsOptions(isolation).timeoutMs((int) READ_TIMEOUT.toMillis()));
        } catch (RuntimeException e) {
            if (closed) {
                return null;
            }
            String why = "listOffsets failed: " + e;
            partitions.forEach(partition -> read.put(partition, End.failed(before.get(partition), why)));
            return read;
        }
        // The client's own timeout ends every call; this bound is a backstop only.
        long deadline = System.nanoTime() + READ_TIMEOUT.plusSeconds(1).toNanos();
        for (TopicPartition partition : partitions) {
            try {
                long left = Math.max(0, deadline - System.nanoTime());
                ListOffsetsResult.ListOffsetsResultInfo info = result.partitionResult(partition).get(left, TimeUnit.NANOSECONDS);
                read.put(partition, End.read(info.offset(), Instant.now()));
            } catch (ExecutionException e) {
                if (closed) {
                    return null;
                }
                read.put(partition, End.failed(before.get(partition), reason(e.getCause())));
            } catch (TimeoutException e) {
                read.put(partition, End.failed(before.get(partition), "no answer to listOffsets within "
                        + KafkaSource.readable(READ_TIMEOUT)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return read;
    }

    /** Why a reading failed, in words: a broker that does not answer is the usual case. */
    static String reason(Throwable cause) {
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return "no broker answered listOffsets within " + KafkaSource.readable(READ_TIMEOUT) + " (" + cause.getMessage() + ")";
        }
        return "listOffsets failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private synchronized Admin admin() {
        if (closed) {
            return null;
        }
        if (admin == null) {
            admin = Admin.create(adminProperties);
        }
        return admin;
    }

    private void closeAdmin() {
        Admin current;
        synchronized (this) {
            current = admin;
            admin = null;
        }
        if (current != null) {
            current.close(Duration.ZERO);
        }
    }

    /**
     * The lag at {@code now} from the latest positions and end readings: pure, for any thread. One entry
     * per assigned partition, sorted; before the group assigned anything, one unknown entry named after
     * the subscription (a source with no partition yet is not "0 behind"). A group that assigned this
     * member no partition has no entry, and its total is 0.
     */
    static SourceLag view(Instant now, Positions positions, Map<TopicPartition, End> ends, boolean closed,
                          Duration staleAfter, String subscription, String groupId, boolean groupAssigned) {
        List<SplitLag> splits = new ArrayList<>();
        if (closed && !positions.assignedOnce()) {
            splits.add(SplitLag.unknown(subscription, null, "the source is closed"));
        } else if (!positions.assignedOnce()) {
            splits.add(SplitLag.unknown(subscription, null, groupAssigned
                    ? "the lag was first asked for just now: its first reading is under way"
                    : "no partition assigned to this source yet (group " + groupId + " is being joined)"));
        } else if (positions.rebalancing() && !closed) {
            // Which partitions come next is not known: a total without them would understate the lag.
            splits.add(SplitLag.unknown(subscription, null, "group " + groupId + " is rebalancing"));
        }
        List<TopicPartition> partitions = new ArrayList<>(positions.next().keySet());
        partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
        for (TopicPartition partition : partitions) {
            splits.add(split(now, partition, positions.next().get(partition), ends.get(partition), closed, staleAfter));
        }
        return new SourceLag(SourceLag.Unit.RECORDS, splits, now);
    }

    private static SplitLag split(Instant now, TopicPartition partition, long next, End end, boolean closed,
                                  Duration staleAfter) {
        String split = KafkaPosition.split(partition);
        Instant last = end == null ? null : end.readAt();
        if (closed) {
            return SplitLag.unknown(split, last, "the source is closed");
        }
        if (end == null) {
            return SplitLag.unknown(split, null, "its end offset has not been read yet");
        }
        if (end.failure() != null) {
            return SplitLag.unknown(split, last, end.failure());
        }
        Duration age = Duration.between(end.readAt(), now);
        if (age.compareTo(staleAfter) > 0) {
            return SplitLag.unknown(split, last, "no reading of its end offset for " + seconds(age));
        }
        if (next < 0) {
            return SplitLag.unknown(split, last, "no read position yet (the partition is being positioned)");
        }
        return SplitLag.known(split, end.offset() - next, end.readAt());
    }

    private static String seconds(Duration age) {
        return String.format(Locale.ROOT, "%.1f s", age.toMillis() / 1000.0);
    }

    /** The isolation level a consumer with these properties reads with. */
    static String isolationLevel(Properties consumer) {
        return consumer.getProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    }
}
