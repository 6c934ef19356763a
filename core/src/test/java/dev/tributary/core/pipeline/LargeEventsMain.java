package dev.tributary.core.pipeline;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Run by {@link BoundedHeapIT} in a JVM of its own with a small heap: {@code count} JSON events of
 * about {@code eventBytes} each (four mapped fields and a large payload no column reads) as fast as
 * the pipeline takes them, with the sink's default batch settings; prints one RESULT line with the
 * rate and the peak heap used.
 *
 * <p>Arguments: endpoint user password table count eventBytes.
 */
public final class LargeEventsMain {

    private LargeEventsMain() {
    }

    public static void main(String[] args) throws Exception {
        String endpoint = args[0];
        String user = args[1];
        String password = args[2];
        String table = args[3];
        long count = Long.parseLong(args[4]);
        int eventBytes = Integer.parseInt(args[5]);

        // The payload: fields no column reads, so the decoder only skips them (as with real wide events).
        StringBuilder payload = new StringBuilder(",\"payload\":{");
        for (int field = 0; payload.length() < eventBytes - 200; field++) {
            payload.append(field == 0 ? "" : ",").append("\"f").append(field).append("\":\"").append("x".repeat(90)).append('"');
        }
        byte[] tail = payload.append("}}").toString().getBytes(StandardCharsets.UTF_8);
        GeneratedSource source = new GeneratedSource(4, count, 500, i -> {
            byte[] head = ("{\"id\":" + i + ",\"kind\":\"k" + (i % 7) + "\",\"created\":\"2024-01-01 00:00:00\",\"n\":"
                    + (i % 1000)).getBytes(StandardCharsets.UTF_8);
            byte[] event = Arrays.copyOf(head, head.length + tail.length); // a new array per record, as a consumer gives
            System.arraycopy(tail, 0, event, head.length, tail.length);
            return event;
        });

        AtomicLong peakHeap = new AtomicLong();
        AtomicLong peakAfterGc = new AtomicLong();
        Thread sampler = new Thread(() -> {
            Runtime runtime = Runtime.getRuntime();
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(runtime.totalMemory() - runtime.freeMemory(), Math::max);
                long afterGc = 0; // what the last collection of each heap pool left: close to the live data
                for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                    if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                        afterGc += pool.getCollectionUsage().getUsed();
                    }
                }
                peakAfterGc.accumulateAndGet(afterGc, Math::max);
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();

        long start = System.nanoTime();
        try (Pipeline pipeline = Pipeline.builder().name("large-events").source(source).decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(endpoint).table(table).credentials(user, password).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (source.committedCount() < count) {
                if (pipeline.state() == Pipeline.State.FAILED || System.nanoTime() > deadline) {
                    System.out.println("FAILED state=" + pipeline.state() + " committed=" + source.committedCount()
                            + " failure=" + pipeline.failure());
                    System.exit(2);
                }
                Thread.sleep(20);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        sampler.interrupt();
        System.out.printf("RESULT rows=%d event_bytes=%d seconds=%.1f rows_per_s=%.0f mb_per_s=%.1f peak_heap_mb=%.0f peak_after_gc_mb=%.0f max_heap_mb=%d%n",
                count, eventBytes, seconds, count / seconds, count * (double) eventBytes / seconds / 1e6,
                peakHeap.get() / 1048576.0, peakAfterGc.get() / 1048576.0, Runtime.getRuntime().maxMemory() / 1048576);
    }
}
