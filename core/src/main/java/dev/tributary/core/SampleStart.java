package dev.tributary.core;

/** Where a {@link RecordSampler} reads from. */
public enum SampleStart {
    /** The oldest records still kept by the stream. */
    EARLIEST,
    /** The newest records: the last ones written before the sample began, spread over the splits. */
    LATEST
}
