package dev.tributary.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** CPU time, peak resident memory and peak heap of this JVM, as the benchmark reports them. */
final class ProcessStats {

    private ProcessStats() {
    }

    /** User + system CPU time of this process so far. */
    static double cpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
    }

    /** Peak resident set size (VmHWM), in MB. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: unknown
        }
        return -1;
    }

    /**
     * CPU seconds by thread kind (numbers in thread names folded), from /proc/self/task: where the
     * process's CPU time went — the pipeline thread, JIT compiler threads, GC threads, ...
     */
    static java.util.Map<String, Double> cpuSecondsByThread() {
        java.util.Map<String, Double> byName = new java.util.TreeMap<>();
        double ticksPerSecond = 100.0; // USER_HZ on Linux
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9]+", "N");
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / ticksPerSecond;
                    byName.merge(name, seconds, Double::sum);
                } catch (IOException | RuntimeException e) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return byName;
    }

    /**
     * This JVM's command-line flags and garbage collectors, e.g.
     * {@code flags=-Xms64m,-Xmx512m gc=G1_Young_Generation,G1_Old_Generation} (no spaces, for a
     * {@code RESULT} line).
     */
    static String jvmDescription() {
        String flags = String.join(",", ManagementFactory.getRuntimeMXBean().getInputArguments());
        String collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(gc -> gc.getName().replace(' ', '_')).collect(java.util.stream.Collectors.joining(","));
        return ("flags=" + flags + " gc=" + collectors + " java=" + Runtime.version());
    }

    /** CPU time (user + system) of another process so far, e.g. the ClickHouse server; NaN when unknown. */
    static double cpuSecondsOf(long pid) {
        return ProcessHandle.of(pid).flatMap(process -> process.info().totalCpuDuration())
                .map(cpu -> cpu.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** Sum of the peak usage of the heap pools, in MB. */
    static double peakHeapMb() {
        long bytes = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                bytes += pool.getPeakUsage().getUsed();
            }
        }
        return bytes / (1024.0 * 1024.0);
    }
}
