package dev.tributary.core.config;

import java.util.Objects;

/**
 * What a provider may need besides its own keys: the pipeline's name, and the view of the sink's keys
 * ({@code sink.*}) for a component that writes to the same ClickHouse (e.g. a checkpoint store, with
 * {@link ClickHouseTargetConfig#apply}).
 *
 * @param pipelineName the {@code pipeline.name}
 * @param sink         the view of the {@code sink.*} keys
 */
public record ProviderContext(String pipelineName, Config sink) {
    public ProviderContext {
        Objects.requireNonNull(sink, "sink");
    }
}
