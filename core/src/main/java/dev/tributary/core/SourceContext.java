package dev.tributary.core;

/** What a pipeline hands its source when it opens it. */
public interface SourceContext {

    /** The pipeline's name, for client ids and log messages. */
    String pipelineName();

    /** Where the source reports splits being assigned, revoked and lost. */
    SplitListener splitListener();

    /**
     * Reports records of {@code split} that the source had to skip because they were gone before
     * it could read them (e.g. deleted by retention). Counted in the pipeline's metrics; the
     * source logs the details. The default ignores the report.
     */
    default void recordsSkipped(String split, long count) {
    }
}
