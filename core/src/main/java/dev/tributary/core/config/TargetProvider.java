package dev.tributary.core.config;

import dev.tributary.core.clickhouse.ClickHouseTarget;

/**
 * Makes a {@link ClickHouseTarget} other than a server over HTTP (e.g. the embedded engine) from its
 * settings ({@code sink.target.*}), for {@link PipelineConfig}; registered in
 * {@code META-INF/services/dev.tributary.core.config.TargetProvider} and picked by {@code sink.target}.
 */
public interface TargetProvider {

    /** The {@code sink.target} this provider answers to, e.g. {@code chdb}. */
    String type();

    /** The target built from {@code target} (the view of the {@code sink.target.*} keys). */
    ClickHouseTarget create(Config target);
}
