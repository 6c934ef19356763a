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

    /**
     * A context for a source used on its own, outside a pipeline (a tool that reads a few records, a
     * test): split changes and skipped records are ignored.
     */
    static SourceContext standalone(String name) {
        java.util.Objects.requireNonNull(name, "name");
        SplitListener ignored = new SplitListener() {
            @Override
            public void onSplitsAssigned(java.util.Collection<String> splits) {
            }

            @Override
            public void onSplitsRevoked(java.util.Collection<String> splits) {
            }

            @Override
            public void onSplitsLost(java.util.Collection<String> splits) {
            }
        };
        return new SourceContext() {
            @Override
            public String pipelineName() {
                return name;
            }

            @Override
            public SplitListener splitListener() {
                return ignored;
            }
        };
    }
}
