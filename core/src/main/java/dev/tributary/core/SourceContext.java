package dev.tributary.core;

/** What a pipeline hands its source when it opens it. */
public interface SourceContext {

    /** The pipeline's name, for client ids and log messages. */
    String pipelineName();

    /** Where the source reports splits being assigned, revoked and lost. */
    SplitListener splitListener();
}
