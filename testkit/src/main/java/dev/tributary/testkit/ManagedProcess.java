package dev.tributary.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One server process: started with its output in a log file and its process id in a {@code pid}
 * file (so that {@code scripts/test.sh} can stop it by id should this JVM die), stopped by that
 * id, and stopped by a shutdown hook if nobody stopped it before the JVM exits.
 */
final class ManagedProcess {

    private final String name;
    private final Path dir;
    private final Path log;
    private final long logStart;
    private final Process process;
    private final Thread shutdownHook;

    private ManagedProcess(String name, Path dir, Path log, long logStart, Process process) {
        this.name = name;
        this.dir = dir;
        this.log = log;
        this.logStart = logStart;
        this.process = process;
        this.shutdownHook = new Thread(() -> stop(Duration.ofSeconds(5)), "testkit-stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a command in {@code dir}, appending its standard output and error to {@code dir/<logName>}.
     */
    static ManagedProcess start(String name, Path dir, String logName, List<String> command,
                                Map<String, String> environment) {
        Path log = dir.resolve(logName);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        try {
            long logStart = Files.exists(log) ? Files.size(log) : 0;
            Process process = builder.start();
            Files.writeString(dir.resolve("pid"), Long.toString(process.pid()) + "\n");
            return new ManagedProcess(name, dir, log, logStart, process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    /** Runs a command to completion (a setup step such as formatting storage), failing on a non-zero exit. */
    static void runToCompletion(String what, Path dir, String logName, List<String> command, Duration timeout) {
        Path log = dir.resolve(logName);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(what + " did not finish within " + timeout + "; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed with exit code " + process.exitValue()
                        + "; see " + log + ":\n" + tail(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + what, e);
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits until {@code ready} holds, polling; fails early, with the end of the log, if the process
     * exits first.
     */
    void awaitReady(Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (ready.getAsBoolean()) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready; log " + log + ":\n" + tail(log));
            }
            if (System.nanoTime() > deadline) {
                stop(Duration.ofSeconds(5));
                throw new IllegalStateException(name + " was not ready within " + timeout + "; log " + log
                        + ":\n" + tail(log));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop(Duration.ofSeconds(5));
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    /**
     * Whether what this process wrote to its log contains {@code text} (servers announce readiness
     * there); output of an earlier run of the same server, in the same file, is not looked at.
     */
    boolean logContains(String text) {
        try (java.io.RandomAccessFile file = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long length = file.length() - logStart;
            if (length <= 0) {
                return false;
            }
            byte[] bytes = new byte[(int) Math.min(length, 64L << 20)];
            file.seek(logStart);
            file.readFully(bytes);
            return new String(bytes, StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops the process by its id: SIGTERM, then SIGKILL if it has not exited within {@code grace}.
     */
    void stop(Duration grace) {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
            Files.deleteIfExists(dir.resolve("pid"));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // The pid file is only a backstop for scripts/test.sh; the process itself is gone.
        }
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The JVM is exiting: the hook runs (or ran) anyway.
            }
        }
    }

    /** How the process ended (only once it has): its exit code and the end of its log. */
    String describeExit() {
        return name + " exited with code " + process.exitValue() + "; log " + log + ":\n" + tail(log);
    }

    /** Kills the process at once (SIGKILL), as a crash would. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop(Duration.ZERO);
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
