package dev.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the test kit finds the server artifacts that {@code scripts/setup.sh} installs, and where
 * it keeps each server's data and logs.
 *
 * <ul>
 *   <li>artifacts: system property {@code tributary.deps}, else environment variable
 *       {@code TRIBUTARY_DEPS}, else {@code ~/.cache/tributary};</li>
 *   <li>server folders: system property {@code tributary.testkit.dir} (the build sets it to
 *       {@code target/testkit}), else {@code target/testkit} under the working directory.</li>
 * </ul>
 */
public final class TestkitPaths {

    private static final String SETUP_HINT = "run scripts/setup.sh (it installs every test server)";

    private final Path deps;
    private final Path work;
    private final AtomicInteger sequence = new AtomicInteger();

    TestkitPaths(Path deps, Path work) {
        this.deps = deps;
        this.work = work;
    }

    /** The paths in force for this JVM, from system properties and the environment. */
    public static TestkitPaths fromEnvironment() {
        String deps = System.getProperty("tributary.deps");
        if (deps == null || deps.isBlank()) {
            deps = System.getenv("TRIBUTARY_DEPS");
        }
        Path depsPath = deps == null || deps.isBlank()
                ? Path.of(System.getProperty("user.home"), ".cache", "tributary")
                : Path.of(deps);
        String work = System.getProperty("tributary.testkit.dir");
        Path workPath = work == null || work.isBlank() ? Path.of("target", "testkit") : Path.of(work);
        return new TestkitPaths(depsPath.toAbsolutePath(), workPath.toAbsolutePath());
    }

    /** The folder that holds the installed server artifacts. */
    public Path deps() {
        return deps;
    }

    /**
     * An installed artifact below {@link #deps()}, or an error that says how to install it.
     *
     * @param relative path below the artifacts folder, e.g. {@code kafka-4.3.1/lib}
     * @param what     what the artifact is, for the error message
     */
    public Path requireInstalled(String relative, String what) {
        Path path = deps.resolve(relative);
        if (!Files.exists(path)) {
            throw new IllegalStateException(what + " is not installed: expected " + path + "; " + SETUP_HINT
                    + ", or point TRIBUTARY_DEPS at the folder it installed into");
        }
        return path;
    }

    /** A new, empty folder for one server instance, e.g. {@code target/testkit/clickhouse-1}. */
    public Path newServerDir(String name) {
        try {
            Files.createDirectories(work);
            while (true) {
                Path dir = work.resolve(name + "-" + sequence.incrementAndGet());
                if (!Files.exists(dir)) {
                    return Files.createDirectories(dir);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a server folder under " + work, e);
        }
    }
}
