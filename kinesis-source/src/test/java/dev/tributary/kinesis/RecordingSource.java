package dev.tributary.kinesis;

import dev.tributary.core.RecordCodec;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Passes a source through and remembers every record it handed to the pipeline, in order. */
final class RecordingSource implements Source {

    /** A record as handed out: where it came from and its partition key and value. */
    record Handed(String shardId, String key, String value) {
    }

    private final Source delegate;
    private final List<Handed> handed = Collections.synchronizedList(new ArrayList<>());

    RecordingSource(Source delegate) {
        this.delegate = delegate;
    }

    /** The records handed out so far, in order. */
    List<Handed> handed() {
        synchronized (handed) {
            return List.copyOf(handed);
        }
    }

    @Override
    public void open(SourceContext context) {
        delegate.open(context);
    }

    @Override
    public List<SourceRecord> poll(Duration timeout) {
        List<SourceRecord> records = delegate.poll(timeout);
        for (SourceRecord record : records) {
            KinesisPosition position = (KinesisPosition) record.position();
            handed.add(new Handed(position.shardId(), (String) record.virtualColumn(KinesisVirtualColumns.KEY),
                    new String(record.value(), java.nio.charset.StandardCharsets.UTF_8)));
        }
        return records;
    }

    /** The records are the delegate's own: its codec keeps them. */
    @Override
    public RecordCodec recordCodec() {
        return delegate.recordCodec();
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
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public List<VirtualColumn> virtualColumns() {
        return delegate.virtualColumns();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
