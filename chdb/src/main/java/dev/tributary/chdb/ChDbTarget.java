package dev.tributary.chdb;

import dev.tributary.chdb.binding.ChDbEngine;
import dev.tributary.core.clickhouse.ClickHouseTarget;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The embedded chDB engine (ClickHouse {@value ChDbEngine#VERSION}) as a {@link ClickHouseTarget}: give it to
 * {@code ClickHouseSink.builder().target(...)} or {@code ClickHouseCheckpointStore.builder().target(...)} and
 * they write into a ClickHouse running in this process.
 *
 * <pre>{@code
 * ChDbTarget chdb = ChDbTarget.builder().dataPath(Path.of("/var/lib/app/chdb")).build();
 * ClickHouseSink sink = ClickHouseSink.builder().target(chdb).table("events").build();
 * }</pre>
 *
 * <p>Immutable. {@link #open()} connects on first use (or shares the engine already connected to the data
 * path: one engine per JVM) and returns a {@link ChDbTransport}; each user closes its own, and the last one
 * to close disconnects the engine. {@link #build()} checks the settings and that the library can be found,
 * without connecting.
 */
public final class ChDbTarget implements ClickHouseTarget {

    private static final Pattern DATABASE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Path dataPath;
    private final Path libraryPath;
    private final String database;

    private ChDbTarget(Builder builder, Path dataPath, Path libraryPath) {
        this.dataPath = dataPath;
        this.libraryPath = libraryPath;
        this.database = builder.database;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A transport on the engine of {@link #dataPath()}; the caller closes it. */
    @Override
    public ChDbTransport open() {
        return ChDbTransport.open(libraryPath, dataPath);
    }

    @Override
    public String database() {
        return database;
    }

    @Override
    public String describe() {
        return "embedded chDB " + ChDbEngine.VERSION + " at " + dataPath;
    }

    /** The engine's data folder. */
    public Path dataPath() {
        return dataPath;
    }

    /** The chDB library file this target loads. */
    public Path libraryPath() {
        return libraryPath;
    }

    @Override
    public String toString() {
        return "ChDbTarget{dataPath=" + dataPath + ", library=" + libraryPath + ", database=" + database + "}";
    }

    /** Builds a {@link ChDbTarget}; {@link #build()} validates. */
    public static final class Builder {

        private Path dataPath;
        private Path libraryPath;
        private String database = "default";

        private Builder() {
        }

        /** The folder the engine keeps its databases in (created if absent). Required. */
        public Builder dataPath(Path dataPath) {
            this.dataPath = dataPath;
            return this;
        }

        /**
         * The chDB library file ({@code libchdb.so}). Optional: without it, the environment variable
         * {@value ChDbEngine#LIBRARY_ENV}, then the system property {@value ChDbEngine#LIBRARY_PROPERTY}.
         */
        public Builder libraryPath(Path libraryPath) {
            this.libraryPath = libraryPath;
            return this;
        }

        /** The database the sink and the checkpoint store work in unless told otherwise; default {@code default}. */
        public Builder database(String database) {
            this.database = database;
            return this;
        }

        /**
         * Checks the settings and resolves the library (not loaded or connected yet).
         *
         * @throws IllegalArgumentException when dataPath is missing or database is not a plain name
         * @throws dev.tributary.chdb.binding.ChDbLibraryNotFoundException when the library is missing
         */
        public ChDbTarget build() {
            if (dataPath == null) {
                throw new IllegalArgumentException("dataPath is required: the folder the embedded engine keeps its"
                        + " data in, e.g. ChDbTarget.builder().dataPath(Path.of(\"/var/lib/app/chdb\"))");
            }
            if (database == null || !DATABASE_NAME.matcher(database).matches()) {
                throw new IllegalArgumentException("database must be a plain name (letters, digits, _), got "
                        + (database == null ? "null" : "'" + database + "'") + "; e.g. database(\"default\")");
            }
            return new ChDbTarget(this, dataPath.toAbsolutePath().normalize(), ChDbEngine.resolveLibrary(libraryPath));
        }
    }
}
