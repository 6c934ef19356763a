package dev.tributary.core.config;

import dev.tributary.core.Source;

/**
 * Makes a {@link Source} from its settings ({@code source.*}), for {@link PipelineConfig}. A module with a
 * source registers one in {@code META-INF/services/dev.tributary.core.config.SourceProvider}; the
 * configuration picks it by {@code source.type}. Each key maps to one builder call, so that validation and
 * messages are the builder's own.
 */
public interface SourceProvider {

    /** The {@code source.type} this provider answers to, e.g. {@code kafka}. */
    String type();

    /** The source built from {@code source} (the view of the {@code source.*} keys). */
    Source create(Config source, ProviderContext context);
}
