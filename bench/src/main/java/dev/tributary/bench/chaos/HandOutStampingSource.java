package dev.tributary.bench.chaos;

import dev.tributary.core.PendingRange;
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

/**
 * Passes a source through and stamps each record with when and by which instance it was handed to
 * the pipeline: virtual columns {@code _handed} (UInt64: epoch milliseconds × 1000 plus a counter, so
 * one instance's records keep their hand-out order within a millisecond) and {@code _worker}
 * (String). Instances run on one machine, so their stamps compare; the chaos run checks each key's
 * order with them, and tells which instance's rows a duplicate came from.
 */
final class HandOutStampingSource implements Source {

    static final String HANDED = "_handed";
    static final String WORKER = "_worker";

    private final Source delegate;
    private final String worker;
    private long lastStamp;

    HandOutStampingSource(Source delegate, String worker) {
        this.delegate = delegate;
        this.worker = worker;
    }

    @Override
    public void open(SourceContext context) {
        delegate.open(context);
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        List<SourceRecord> records = delegate.poll(timeout);
        List<SourceRecord> stamped = new ArrayList<>(records.size());
        for (SourceRecord record : records) {
            lastStamp = Math.max(lastStamp + 1, System.currentTimeMillis() * 1000);
            stamped.add(new Stamped(record, lastStamp, worker));
        }
        return stamped;
    }

    /** A record and its stamps; the pipeline keeps it as an object (no codec: the stamps would be lost). */
    private record Stamped(SourceRecord record, long handed, String worker) implements SourceRecord {
        @Override
        public SourcePosition position() {
            return record.position();
        }

        @Override
        public byte[] key() {
            return record.key();
        }

        @Override
        public byte[] value() {
            return record.value();
        }

        @Override
        public long timestampMillis() {
            return record.timestampMillis();
        }

        @Override
        public Object virtualColumn(String name) {
            return switch (name) {
                case HANDED -> handed;
                case WORKER -> worker;
                default -> record.virtualColumn(name);
            };
        }
    }

    @Override
    public void pause() {
        delegate.pause();
    }

    @Override
    public void resume() {
        delegate.resume();
    }

    @Override
    public void commit(Collection<SourcePosition> positions) {
        delegate.commit(positions);
    }

    @Override
    public boolean supportsExactlyOnce() {
        return delegate.supportsExactlyOnce();
    }

    @Override
    public void commit(Collection<SourcePosition> positions, Map<String, List<PendingRange>> pending) {
        delegate.commit(positions, pending);
    }

    @Override
    public List<PendingRange> pendingRanges(String split) {
        return delegate.pendingRanges(split);
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        List<VirtualColumn> columns = new ArrayList<>(delegate.virtualColumns());
        columns.add(new VirtualColumn(HANDED, "UInt64", "when the record was handed to the pipeline (epoch ms × 1000 + n)"));
        columns.add(new VirtualColumn(WORKER, "String", "the instance that handed it out"));
        return columns;
    }

    @Override
    public void close() {
        delegate.close();
    }
}
