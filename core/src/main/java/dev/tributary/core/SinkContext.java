package dev.tributary.core;

import dev.tributary.core.metrics.PipelineMetrics;

/** What a pipeline hands its sink when it opens it. */
public interface SinkContext {

    /** The pipeline's name, written to the error table and used in query ids. */
    String pipelineName();

    /** Where the sink counts rows, bytes, batches, errors and insert latency. */
    PipelineMetrics metrics();
}
