package dev.tributary.chdb;

import dev.tributary.core.clickhouse.ClickHouseTarget;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.TargetProvider;

import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code sink.target=chdb}: a {@link ChDbTarget} (the embedded engine) from {@code sink.target.data-path},
 * {@code sink.target.library-path} and {@code sink.target.database}, each one builder call.
 */
public final class ChDbTargetProvider implements TargetProvider {

    @Override
    public String type() {
        return "chdb";
    }

    @Override
    public ClickHouseTarget create(Config target) {
        Optional<Path> dataPath = target.path("data-path");
        Optional<Path> libraryPath = target.path("library-path");
        Optional<String> database = target.string("database");
        ChDbTarget.Builder builder = ChDbTarget.builder();
        dataPath.ifPresent(builder::dataPath);
        libraryPath.ifPresent(builder::libraryPath);
        database.ifPresent(builder::database);
        return target.build(builder::build);
    }
}
