package dev.tributary.core.testing;

import dev.tributary.core.RecordCodec;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * A source for tests of the pipeline: {@code total} records spread round-robin over {@code splits}
 * splits, each value made by a function of its global index; it remembers what was committed and
 * resumes after it when opened again (like a consumer group), and can be fed more records later.
 */
public final class GeneratedSource implements Source {

    private final int splits;
    private final LongFunction<byte[]> values;
    private final int maxPollRecords;
    private final Map<String, Long> committed = new ConcurrentHashMap<>();
    private volatile long total;
    private long next;
    private volatile boolean paused;
    private volatile CountDownLatch wakeup = new CountDownLatch(1);
    private final List<Long> commitCalls = java.util.Collections.synchronizedList(new ArrayList<>());
    private final java.util.Queue<String> revokeAtNextPoll = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private SourceContext context;

    public GeneratedSource(int splits, long total, int maxPollRecords, LongFunction<byte[]> values) {
        this.splits = splits;
        this.total = total;
        this.maxPollRecords = maxPollRecords;
        this.values = values;
    }

    /** Makes {@code more} further records available. */
    public synchronized void add(long more) {
        total += more;
        wakeup.countDown();
    }

    @Override
    public void open(SourceContext context) {
        this.context = context;
        // Resume after the lowest committed index of any split (records are spread round-robin).
        long resume = Long.MAX_VALUE;
        for (int s = 0; s < splits; s++) {
            Long offset = committed.get(split(s));
            long nextInSplit = offset == null ? 0 : offset + 1;
            resume = Math.min(resume, nextInSplit * splits + s);
        }
        next = resume;
        context.splitListener().onSplitsAssigned(java.util.stream.IntStream.range(0, splits).mapToObj(GeneratedSource::split).toList());
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        for (String split; (split = revokeAtNextPoll.poll()) != null; ) {
            context.splitListener().onSplitsRevoked(List.of(split)); // as a consumer group does, from within poll
        }
        if (paused || next >= total) {
            try {
                wakeup.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            wakeup = new CountDownLatch(1);
            if (paused || next >= total) {
                return List.of();
            }
        }
        List<SourceRecord> batch = new ArrayList<>();
        synchronized (this) {
            while (next < total && batch.size() < maxPollRecords) {
                batch.add(record(next++));
            }
        }
        return batch;
    }

    private TestRecord record(long index) {
        String split = split((int) (index % splits));
        long offset = index / splits;
        return new TestRecord(new TestRecord.Position(split, offset), ("k" + index).getBytes(), values.apply(index),
                1_700_000_000_000L + index);
    }

    static String split(int n) {
        return "s" + n;
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        paused = false;
        wakeup.countDown();
    }

    @Override
    public void commit(Collection<SourcePosition> positions) {
        for (SourcePosition position : positions) {
            TestRecord.Position p = (TestRecord.Position) position;
            committed.merge(p.split(), p.offset(), Math::max);
        }
        commitCalls.add(committedCount());
    }

    /** How many records are committed in all (the committed prefix of each split). */
    public long committedCount() {
        long count = 0;
        for (int s = 0; s < splits; s++) {
            Long offset = committed.get(split(s));
            count += offset == null ? 0 : offset + 1;
        }
        return count;
    }

    /** The last committed offset of {@code split}, or null. */
    public Long committedOffset(String split) {
        return committed.get(split);
    }

    /** Reports {@code split} revoked from within the next poll (its records are still returned, as by a lagging fetch). */
    public void revokeAtNextPoll(String split) {
        revokeAtNextPoll.add(split);
    }

    public List<Long> commitCalls() {
        return List.copyOf(commitCalls);
    }

    public boolean isPaused() {
        return paused;
    }

    @Override
    public void wakeup() {
        wakeup.countDown();
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        return List.of(new VirtualColumn("_split", "String", "the split"),
                new VirtualColumn("_offset", "UInt64", "offset in the split"),
                new VirtualColumn("_key", "String", "the key"));
    }

    /** Batches keep its records as bytes, as with the real sources. */
    @Override
    public RecordCodec recordCodec() {
        return TestRecord.CODEC;
    }

    @Override
    public void close() {
    }
}
