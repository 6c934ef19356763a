package dev.tributary.core.pipeline;

import dev.tributary.core.BatchingSink;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.PipelineListener;
import dev.tributary.core.RowWriter;
import dev.tributary.core.SinkContext;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.testkit.Await;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a pipeline tells its listeners, in what order, on which thread; and that a listener cannot break it. */
class PipelineListenerTest {

    private static final int TOTAL = 300;
    /** Every 10th record is not JSON: an error record (DECODE). */
    private static final long BAD = TOTAL / 10;
    private static final long GOOD = TOTAL - BAD;

    private static byte[] value(long index) {
        return (index % 10 == 3 ? "not json " + index : "{\"id\": " + index + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static Pipeline.Builder builder(String name, GeneratedSource source, BatchingSink sink) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create()).sink(sink)
                .pollTimeout(Duration.ofMillis(20)).metricsLogInterval(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(5));
    }

    @Test
    void tellsStatesCommitsErrorsAndRetriesInOrderOnItsOwnThreadAndTheLastStateBeforeAwaitTerminationReturns()
            throws Exception {
        GeneratedSource source = new GeneratedSource(2, TOTAL, 25, PipelineListenerTest::value);
        ReportingSink sink = new ReportingSink(40, 1);
        Recording listener = new Recording();
        Pipeline pipeline = builder("listen", source, sink).listener(listener).build();
        pipeline.start();
        Await.await("every record committed", Duration.ofSeconds(20), () -> source.committedCount() == TOTAL);
        pipeline.close();
        // No waiting here: close() returned after the pipeline ended, and so after its last event was delivered.
        List<String> events = List.copyOf(listener.events);
        assertEquals("state listen CREATED->RUNNING", events.get(0), events.toString());
        assertEquals("state listen STOPPING->STOPPED", events.get(events.size() - 1), events.toString());
        assertEquals(List.of("state listen CREATED->RUNNING", "state listen RUNNING->STOPPING", "state listen STOPPING->STOPPED"),
                events.stream().filter(e -> e.startsWith("state")).toList());
        assertEquals(List.of("tributary-listen-events"), listener.threads.stream().distinct().toList(),
                "every call on the pipeline's events thread");

        assertEquals(GOOD, listener.committedRows.get(), "rows of every commit: every row inserted");
        assertEquals(GOOD * 8, listener.committedBytes.get());
        assertEquals(BAD, listener.errors.get(ErrorKind.DECODE.ordinal()).get(), "error records, DECODE");
        assertTrue(listener.longestLatencyNanos.get() > 0, "an insert latency");
        assertEquals(List.of("retry listen default.t 1 java.io.IOException: connection reset"),
                events.stream().filter(e -> e.startsWith("retry")).toList());
        assertTrue(events.indexOf("retry listen default.t 1 java.io.IOException: connection reset")
                < events.indexOf(events.stream().filter(e -> e.startsWith("commit")).findFirst().orElseThrow()),
                "the first batch's retry before its commit: " + events);
        // The positions of the last commit are the last of each split.
        String lastCommit = events.stream().filter(e -> e.startsWith("commit")).reduce((a, b) -> b).orElseThrow();
        assertTrue(lastCommit.contains("s0@" + (TOTAL / 2 - 1)) && lastCommit.contains("s1@" + (TOTAL / 2 - 1)), lastCommit);
    }

    @Test
    void aListenerThatThrowsFromEveryCallBreaksNothingAndIsCalledForEveryLaterEventAsIsTheNextListener() throws Exception {
        GeneratedSource source = new GeneratedSource(2, TOTAL, 25, PipelineListenerTest::value);
        ReportingSink sink = new ReportingSink(40, 1);
        AtomicInteger thrown = new AtomicInteger();
        PipelineListener throwing = new PipelineListener() {
            @Override
            public void onStateChange(String pipeline, Pipeline.State from, Pipeline.State to) {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener broken: state");
            }

            @Override
            public void onBatchCommitted(String pipeline, Collection<SourcePosition> positions, long rows, long bytes,
                                         Duration insertLatency) {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener broken: commit");
            }

            @Override
            public void onErrorRecords(String pipeline, ErrorKind kind, long count) {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener broken: errors");
            }

            @Override
            public void onInsertRetry(String pipeline, String table, int attempt, Throwable cause) {
                thrown.incrementAndGet();
                throw new StackOverflowError("listener broken: retry");
            }

            @Override
            public void onFailure(String pipeline, Throwable failure) {
                thrown.incrementAndGet();
                throw new IllegalStateException("listener broken: failure");
            }
        };
        Recording second = new Recording();
        try (Pipeline pipeline = builder("throwing", source, sink).listener(throwing).listener(second).build()) {
            pipeline.start();
            Await.await("every record committed", Duration.ofSeconds(20), () -> source.committedCount() == TOTAL);
        }
        assertEquals(GOOD, sink.landedRows.get(), "every row inserted");
        assertEquals(BAD, sink.landedErrors.get(), "every error record written");
        assertEquals(second.events.size(), thrown.get(), "the throwing listener got every event the second one got: "
                + second.events);
        assertEquals("state throwing STOPPING->STOPPED", second.events.get(second.events.size() - 1));
        assertEquals(GOOD, second.committedRows.get());
    }

    @Test
    void aFailureIsToldBeforeTheChangeToFailedWhichComesBeforeAwaitTerminationThrows() throws Exception {
        GeneratedSource source = new GeneratedSource(1, 100, 25, PipelineListenerTest::value);
        ReportingSink sink = new ReportingSink(40, 0);
        sink.failWith = new IllegalStateException("table gone");
        Recording listener = new Recording();
        Pipeline pipeline = builder("failing", source, sink).listener(listener).build();
        pipeline.start();
        PipelineException failure = assertThrows(PipelineException.class, pipeline::awaitTermination);
        assertTrue(failure.getMessage().contains("table gone"), failure.getMessage());
        List<String> events = List.copyOf(listener.events);
        assertEquals(List.of("failure failing " + failure.getCause(), "state failing RUNNING->FAILED"),
                events.subList(events.size() - 2, events.size()), events.toString());
        assertEquals("state failing CREATED->RUNNING", events.get(0));
        assertEquals(0, listener.committedRows.get(), "nothing committed");
    }

    @Test
    void aPipelineStoppedBeforeItStartedTellsTheChangeToStoppedBeforeAwaitTerminationReturns() throws Exception {
        Recording listener = new Recording();
        Pipeline pipeline = builder("unstarted", new GeneratedSource(1, 0, 1, PipelineListenerTest::value),
                new ReportingSink(1, 0)).listener(listener).build();
        pipeline.stop();
        pipeline.awaitTermination();
        assertEquals(List.of("state unstarted CREATED->STOPPED"), List.copyOf(listener.events));
    }

    /** Notes every event as a line, and sums what the commits and error events carry. */
    static final class Recording implements PipelineListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<String> threads = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicLong committedRows = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong committedBytes = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong longestLatencyNanos = new java.util.concurrent.atomic.AtomicLong();
        final List<java.util.concurrent.atomic.AtomicLong> errors = new ArrayList<>();

        Recording() {
            for (ErrorKind ignored : ErrorKind.values()) {
                errors.add(new java.util.concurrent.atomic.AtomicLong());
            }
        }

        private void note(String event) {
            threads.add(Thread.currentThread().getName());
            events.add(event);
        }

        @Override
        public void onStateChange(String pipeline, Pipeline.State from, Pipeline.State to) {
            note("state " + pipeline + " " + from + "->" + to);
        }

        @Override
        public void onBatchCommitted(String pipeline, Collection<SourcePosition> positions, long rows, long bytes,
                                     Duration insertLatency) {
            committedRows.addAndGet(rows);
            committedBytes.addAndGet(bytes);
            longestLatencyNanos.accumulateAndGet(insertLatency.toNanos(), Math::max);
            note("commit " + pipeline + " " + positions.stream().map(Object::toString).sorted().toList() + " rows=" + rows);
        }

        @Override
        public void onErrorRecords(String pipeline, ErrorKind kind, long count) {
            errors.get(kind.ordinal()).addAndGet(count);
            note("errors " + pipeline + " " + kind + " " + count);
        }

        @Override
        public void onInsertRetry(String pipeline, String table, int attempt, Throwable cause) {
            note("retry " + pipeline + " " + table + " " + attempt + " " + cause);
        }

        @Override
        public void onFailure(String pipeline, Throwable failure) {
            note("failure " + pipeline + " " + failure);
        }
    }

    /**
     * A sink that writes nothing anywhere but reports as ClickHouseSink does, from a thread of its own: each
     * row as 8 bytes, each insert taking a measured time, error records by kind after the rows; its first
     * {@code retries} inserts are retried once; with {@link #failWith} set, every batch fails.
     */
    static final class ReportingSink implements BatchingSink {
        private final int maxRows;
        private int retries;
        volatile RuntimeException failWith;
        private final ExecutorService inserts = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "reporting-sink-insert");
            thread.setDaemon(true);
            return thread;
        });
        private SinkContext context;
        private int openRows;
        private final List<ErrorKind> openErrors = new ArrayList<>();
        private final List<CompletableFuture<Void>> flights = new CopyOnWriteArrayList<>();
        private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        final AtomicInteger landedRows = new AtomicInteger();
        final AtomicInteger landedErrors = new AtomicInteger();

        ReportingSink(int maxRows, int retries) {
            this.maxRows = maxRows;
            this.retries = retries;
        }

        @Override
        public TableSchema open(SinkContext context) {
            this.context = context;
            return new TableSchema("default", "t", List.of(new TableColumn("id", ClickHouseType.parse("UInt64"),
                    TableColumn.DefaultKind.NONE, "")), ServerVersion.parse("18.16.1"), ZoneOffset.UTC, false);
        }

        @Override
        public void append(SourceRecord origin, RowWriter rowWriter) throws MappingException {
            rowWriter.write(new RowBinaryOutput(16));
            openRows++;
        }

        @Override
        public void appendError(SourceRecord origin, ErrorKind kind, String message) {
            openErrors.add(kind);
        }

        @Override
        public boolean isFlushDue() {
            return openRows + openErrors.size() >= maxRows;
        }

        @Override
        public boolean isEmpty() {
            return openRows == 0 && openErrors.isEmpty();
        }

        @Override
        public boolean canFlush() {
            flights.removeIf(CompletableFuture::isDone);
            return flights.size() < 2;
        }

        @Override
        public CompletableFuture<Void> flush() {
            if (isEmpty()) {
                return last;
            }
            int rows = openRows;
            List<ErrorKind> errors = List.copyOf(openErrors);
            openRows = 0;
            openErrors.clear();
            boolean retry = retries > 0;
            retries--;
            CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                RuntimeException failure = failWith;
                if (failure != null) {
                    throw failure;
                }
                long start = System.nanoTime();
                if (retry) {
                    context.metrics().insertRetried("default.t", 1, new java.io.IOException("connection reset"));
                }
                long nanos = Math.max(1, System.nanoTime() - start);
                context.metrics().batchInserted("default.t", rows, rows * 8L, nanos);
                landedRows.addAndGet(rows);
                for (ErrorKind kind : ErrorKind.values()) {
                    long count = errors.stream().filter(kind::equals).count();
                    if (count > 0) {
                        context.metrics().errorsRecorded(kind, count);
                    }
                }
                landedErrors.addAndGet(errors.size());
            }, inserts);
            flights.add(written);
            last = written.thenCombine(last, (a, b) -> null);
            return last;
        }

        @Override
        public void close() {
            inserts.shutdownNow();
        }
    }
}
