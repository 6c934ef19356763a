package dev.tributary.core;

import java.time.Duration;
import java.util.List;

/**
 * Reads a few records of a stream for someone to look at them before choosing a table (a preview,
 * or a sample a table is inferred from). A sampler leaves no trace: it joins no consumer group,
 * commits nothing and writes no checkpoint, so a pipeline running on the same stream never notices
 * it. Sources that can be sampled offer one built from the same settings as the source itself
 * (connection, credentials, stream), so what works for the pipeline works for the preview.
 */
public interface RecordSampler extends AutoCloseable {

    /**
     * Reads up to {@code maxRecords} records from where {@link SampleStart} says, returning early
     * when there is nothing more to read or when {@code timeout} has passed (then with what was read).
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting
     */
    List<SourceRecord> sample(int maxRecords, Duration timeout) throws InterruptedException;

    /** The virtual columns the sampled records carry, as for the source. */
    List<VirtualColumn> virtualColumns();

    @Override
    void close();
}
