package dev.tributary.chdb;

import java.nio.file.Path;

/** The one data path of this test JVM (chDB holds one per process); transports built on it share the engine. */
final class TestEngine {

    static final Path DATA_PATH = Path.of("target", "chdb-test-data").toAbsolutePath();

    private TestEngine() {
    }

    /** A transport on the shared data path; the library comes from the build's tributary.chdb.library. */
    static ChDbTransport open() {
        return ChDbTarget.builder().dataPath(DATA_PATH).build().open();
    }
}
