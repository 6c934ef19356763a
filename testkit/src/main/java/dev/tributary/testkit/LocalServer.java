package dev.tributary.testkit;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A server process on loopback, either started by the test kit (owned: it can be stopped,
 * restarted with the same ports and data, or killed, for fault-injection tests) or named by an
 * environment variable and reused as it is (not owned: left alone).
 */
public abstract class LocalServer implements AutoCloseable {

    private final String name;
    private final Path dir;
    private ManagedProcess process;

    /** An owned server whose files live in {@code dir}; call {@link #start()} to run it. */
    protected LocalServer(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /** A reused server that the test kit did not start. */
    protected LocalServer(String name) {
        this(name, null);
    }

    /** Launches the process and waits until it serves; called by {@link #start()}. */
    abstract ManagedProcess launch();

    /** How long a SIGTERM may take before SIGKILL follows. */
    Duration stopGrace() {
        return Duration.ofSeconds(20);
    }

    /** The server's name in messages, e.g. {@code clickhouse}. */
    public final String name() {
        return name;
    }

    /** Whether the test kit started this server (and so may stop it). */
    public final boolean isOwned() {
        return dir != null;
    }

    /** The folder that holds the server's data, configuration and log; only for owned servers. */
    public final Path dir() {
        requireOwned("dir");
        return dir;
    }

    /** The server's log file; only for owned servers. */
    public final Path logFile() {
        requireOwned("logFile");
        return process.log();
    }

    /** The server's process id; only for owned, running servers. */
    public final synchronized long pid() {
        requireOwned("pid");
        if (process == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return process.pid();
    }

    /** Whether the server's process is running (always true for a reused server). */
    public final synchronized boolean isRunning() {
        return !isOwned() || (process != null && process.isAlive());
    }

    /** Starts (or restarts) the server on the same ports with the same data, and waits until it serves. */
    public final synchronized void start() {
        requireOwned("start");
        if (process != null && process.isAlive()) {
            return;
        }
        process = launch();
    }

    /**
     * Whether a shared server of a test run ({@link TestServers}) whose process died by itself is
     * started again before the next test gets it (default false).
     */
    boolean restartsWhenFoundDead() {
        return false;
    }

    /**
     * Starts an owned server again, on the same ports with the same data, if its process died by itself
     * (not stopped or killed through this object, which a test means), saying so on standard error with
     * the exit code and the end of its log; returns whether it did.
     */
    public final synchronized boolean restartIfDied() {
        if (!isOwned() || process == null || process.isAlive()) {
            return false;
        }
        String exit = process.describeExit();
        process.stop(Duration.ZERO); // drops its pid file and shutdown hook
        process = null;
        System.err.println("testkit: " + name + " had died; starting it again. " + exit);
        process = launch();
        return true;
    }

    /** Stops the server gracefully (SIGTERM, then SIGKILL after a grace period). */
    public final synchronized void stop() {
        requireOwned("stop");
        if (process != null) {
            process.stop(stopGrace());
            process = null;
        }
    }

    /** Kills the server at once (SIGKILL), as a crash would. */
    public final synchronized void kill() {
        requireOwned("kill");
        if (process != null) {
            process.kill();
            process = null;
        }
    }

    /** Stops an owned server; leaves a reused one alone. */
    @Override
    public final synchronized void close() {
        if (isOwned() && process != null) {
            process.stop(stopGrace());
            process = null;
        }
    }

    private void requireOwned(String operation) {
        if (!isOwned()) {
            throw new UnsupportedOperationException(name + " was not started by the test kit (it is reused from"
                    + " the environment), so " + operation + "() is not available");
        }
    }

    @Override
    public String toString() {
        return name + (isOwned() ? " (owned, " + dir + ")" : " (reused)");
    }
}
