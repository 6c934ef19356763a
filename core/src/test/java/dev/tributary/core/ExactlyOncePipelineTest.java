package dev.tributary.core;

import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.testkit.Await;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pipeline's side of exactly-once, with a scripted source (positions and pending ranges kept in a
 * store that outlives it, as Kafka's committed offsets do) and a sink that models ClickHouse's
 * deduplication by token. Real sources and ClickHouse: the ITs of kafka-source, kinesis-source and
 * the chaos script.
 */
class ExactlyOncePipelineTest {

    private static final int RECORDS_PER_SPLIT = 40;
    private static final List<String> SPLITS = List.of("a", "b");

    /** Every seventh record of a split is not JSON: an error row. */
    private static boolean bad(long offset) {
        return offset % 7 == 3;
    }

    @Test
    void aCrashWithBatchesInFlightIsReplayedAsTheSameRangesAndEveryRecordLandsOnce() throws Exception {
        Store store = new Store();
        Server server = new Server();

        // First run: three batches land, then the server takes inserts but never answers (as if the
        // process died with them in flight); the pipeline is stopped without their commits.
        DedupSink first = new DedupSink(server, 7, 3);
        try (Pipeline pipeline = pipeline(new ScriptedSource(store, 3), first)) {
            pipeline.start();
            // Five flushes of two splits: three landed, two held, and no slot left for a sixth.
            Await.await("five batches sealed", Duration.ofSeconds(10), () -> first.inserts.size() >= 10);
        }
        assertTrue(store.pendingCount() > 0, "ranges in flight stay pending in the source: " + store.pending);
        // Every insert's range was recorded pending before the insert.
        for (Insert insert : first.inserts) {
            assertTrue(store.everPending.contains(insert.range), insert.range + " was recorded before its insert");
        }

        // Second run, with another batch size: the pending ranges are replayed exactly, then new ones follow.
        Map<String, List<PendingRange>> pendingAtRestart = store.pendingCopy();
        DedupSink second = new DedupSink(server, 5, Integer.MAX_VALUE);
        try (Pipeline pipeline = pipeline(new ScriptedSource(store, 3), second)) {
            pipeline.start();
            Await.await("every record durable and committed", Duration.ofSeconds(10),
                    () -> store.isDone() && server.seen() == SPLITS.size() * RECORDS_PER_SPLIT);
        }
        for (String split : SPLITS) {
            List<PendingRange> replayed = second.inserts.stream().filter(i -> i.split.equals(split)).map(i -> i.range)
                    .limit(pendingAtRestart.getOrDefault(split, List.of()).size()).toList();
            assertEquals(pendingAtRestart.getOrDefault(split, List.of()), replayed, "the replay of " + split);
        }
        assertTrue(server.dropped > 0, "the replayed inserts were dropped as duplicates");
        for (String split : SPLITS) {
            for (long offset = 0; offset < RECORDS_PER_SPLIT; offset++) {
                Map<Long, Integer> where = bad(offset) ? server.errorRows.get(split) : server.rows.get(split);
                assertEquals(1, where.getOrDefault(offset, 0), split + "@" + offset + " exactly once");
            }
        }
    }

    @Test
    void aSplitReplayingARangeIsNotCutWhenAnotherSplitsRangeCompletesOrTheBatchIsDue() throws Exception {
        Store store = new Store();
        // Left pending by a previous owner: a long range of a, short ranges of b.
        store.record("a", List.of(range("a", 0, 19, 11)));
        store.record("b", List.of(range("b", 0, 1, 12), range("b", 2, 3, 13)));
        Server server = new Server();
        DedupSink sink = new DedupSink(server, 4, Integer.MAX_VALUE);
        Map<String, SourcePosition> toldCommitted = new java.util.concurrent.ConcurrentHashMap<>();
        PipelineListener commits = new PipelineListener() {
            @Override
            public void onBatchCommitted(String pipeline, java.util.Collection<SourcePosition> positions, long rows,
                                         long bytes, Duration insertLatency) {
                positions.forEach(position -> toldCommitted.put(position.split(), position));
            }
        };
        try (Pipeline pipeline = pipeline(new ScriptedSource(store, 2), sink, commits)) {
            pipeline.start();
            Await.await("every record durable and committed", Duration.ofSeconds(10),
                    () -> store.isDone() && server.seen() == SPLITS.size() * RECORDS_PER_SPLIT);
        }
        assertEquals(Map.of("a", at("a", RECORDS_PER_SPLIT - 1), "b", at("b", RECORDS_PER_SPLIT - 1)), toldCommitted,
                "the listener was told of the commits up to each split's last record");
        List<PendingRange> firstOfA = sink.inserts.stream().filter(i -> i.split.equals("a")).map(i -> i.range).limit(1).toList();
        assertEquals(List.of(range("a", 0, 19, 11)), firstOfA, "a's range went whole, with its first seal time");
        List<PendingRange> firstOfB = sink.inserts.stream().filter(i -> i.split.equals("b")).map(i -> i.range).limit(2).toList();
        assertEquals(List.of(range("b", 0, 1, 12), range("b", 2, 3, 13)), firstOfB);
        Insert wholeA = sink.inserts.stream().filter(i -> i.split.equals("a")).findFirst().orElseThrow();
        assertEquals(20, wholeA.positions.size(), "rows and error rows of a@0..19");
    }

    @Test
    void aStopWhileAReplayedRangeWaitsForAnInsertSlotEndsThePipelineAndLeavesTheRangePending() throws Exception {
        Store store = new Store();
        PendingRange left = range("a", 0, 29, 11);
        store.record("a", List.of(left));
        Server server = new Server();
        // Nothing ever lands: b's batches take both slots, and a's replayed range, once complete, waits for one.
        DedupSink sink = new DedupSink(server, 4, 0);
        Pipeline pipeline = pipeline(new ScriptedSource(store, 2), sink);
        pipeline.start();
        Await.await("b's batches in flight", Duration.ofSeconds(10), () -> sink.inserts.size() >= 2);
        pipeline.stop();
        assertTrue(pipeline.awaitTermination(Duration.ofSeconds(10)), "the pipeline stopped");
        assertEquals(Pipeline.State.STOPPED, pipeline.state());
        assertTrue(sink.inserts.stream().noneMatch(insert -> insert.split.equals("a")), "a's replay was not inserted");
        assertEquals(List.of(left), store.pendingCopy().get("a"), "a's range is still pending for its next reader");
    }

    @Test
    void exactlyOnceNeedsASourceAndASinkThatSupportIt() {
        Source plain = new ScriptedSource(new Store(), 3) {
            @Override
            public boolean supportsExactlyOnce() {
                return false;
            }
        };
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> pipeline(plain, new DedupSink(new Server(), 5, 1)));
        assertTrue(error.getMessage().contains("deliveryGuarantee EXACTLY_ONCE needs a source"), error.getMessage());
        assertFalse(error.getMessage().isBlank());
    }

    private static Pipeline pipeline(Source source, BatchingSink sink, PipelineListener... listeners) {
        Pipeline.Builder builder = Pipeline.builder().name("eos").source(source).decoder(JsonDecoder.create()).sink(sink)
                .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .pollTimeout(Duration.ofMillis(20)).metricsLogInterval(Duration.ZERO)
                .shutdownTimeout(Duration.ofSeconds(1));
        for (PipelineListener listener : listeners) {
            builder.listener(listener);
        }
        return builder.build();
    }

    private static TestRecord.Position at(String split, long offset) {
        return new TestRecord.Position(split, offset);
    }

    private static PendingRange range(String split, long first, long last, long sealedAt) {
        return new PendingRange(at(split, first), at(split, last), sealedAt);
    }

    /** What the source keeps in its own store (Kafka: committed offsets and their metadata). */
    static final class Store {
        final Map<String, Long> next = new HashMap<>();
        final Map<String, List<PendingRange>> pending = new HashMap<>();
        final Set<PendingRange> everPending = java.util.concurrent.ConcurrentHashMap.newKeySet();

        synchronized void record(String split, List<PendingRange> ranges) {
            pending.put(split, List.copyOf(ranges));
            everPending.addAll(ranges);
        }

        synchronized int pendingCount() {
            return pending.values().stream().mapToInt(List::size).sum();
        }

        synchronized Map<String, List<PendingRange>> pendingCopy() {
            return new HashMap<>(pending);
        }

        synchronized boolean isDone() {
            return pendingCount() == 0 && SPLITS.stream().allMatch(s -> next.getOrDefault(s, 0L) == RECORDS_PER_SPLIT);
        }

        /** Where a reader of {@code split} starts: the first pending range, else after the last commit. */
        synchronized long start(String split) {
            List<PendingRange> ranges = pending.getOrDefault(split, List.of());
            return ranges.isEmpty() ? next.getOrDefault(split, 0L) : ((TestRecord.Position) ranges.get(0).first()).offset();
        }
    }

    /** Two splits of {@link #RECORDS_PER_SPLIT} records, interleaved a few at a time. */
    static class ScriptedSource implements Source {
        private final Store store;
        private final int chunk;
        private final Map<String, Long> position = new LinkedHashMap<>();
        private final Map<String, List<PendingRange>> assignedPending = new HashMap<>();
        private SourceContext context;
        private volatile boolean paused;

        ScriptedSource(Store store, int chunk) {
            this.store = store;
            this.chunk = chunk;
        }

        @Override
        public void open(SourceContext context) {
            this.context = context;
        }

        @Override
        public List<SourceRecord> poll(Duration timeout) {
            if (position.isEmpty()) {
                for (String split : SPLITS) {
                    position.put(split, store.start(split));
                    assignedPending.put(split, store.pendingCopy().getOrDefault(split, List.of()));
                }
                context.splitListener().onSplitsAssigned(SPLITS);
            }
            List<SourceRecord> records = new ArrayList<>();
            if (!paused) {
                for (String split : SPLITS) {
                    long offset = position.get(split);
                    for (int i = 0; i < chunk && offset < RECORDS_PER_SPLIT; i++, offset++) {
                        String value = bad(offset) ? "not json" : "{\"id\": " + offset + "}";
                        records.add(new TestRecord(at(split, offset), null, value.getBytes(StandardCharsets.UTF_8), offset));
                    }
                    position.put(split, offset);
                }
            }
            if (records.isEmpty()) {
                try {
                    Thread.sleep(Math.min(timeout.toMillis(), 5)); // a poll waits for records, as real sources do
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }

        @Override
        public void pause() {
            paused = true;
        }

        @Override
        public void resume() {
            paused = false;
        }

        @Override
        public void commit(Collection<SourcePosition> positions) {
            throw new AssertionError("exactly-once commits carry their pending ranges");
        }

        @Override
        public boolean supportsExactlyOnce() {
            return true;
        }

        @Override
        public void commit(Collection<SourcePosition> positions, Map<String, List<PendingRange>> pending) {
            synchronized (store) {
                for (SourcePosition position : positions) {
                    store.next.put(position.split(), ((TestRecord.Position) position).offset() + 1);
                }
                pending.forEach(store::record);
            }
        }

        @Override
        public List<PendingRange> pendingRanges(String split) {
            return assignedPending.getOrDefault(split, List.of());
        }

        @Override
        public void wakeup() {
        }

        @Override
        public List<VirtualColumn> virtualColumns() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    /** One insert as the sink made it: the split, its range, and the positions of its rows and error rows. */
    record Insert(String split, PendingRange range, List<Long> positions) {
    }

    /** ClickHouse as exactly-once sees it: inserts named by the positions they hold; a name seen before is dropped. */
    static final class Server {
        final Set<String> tokens = new HashSet<>();
        final Map<String, Map<Long, Integer>> rows = new TreeMap<>();
        final Map<String, Map<Long, Integer>> errorRows = new TreeMap<>();
        int dropped;

        synchronized void insert(String split, List<Long> rowOffsets, List<Long> errorOffsets) {
            take("rows", split, rowOffsets, rows);
            take("errors", split, errorOffsets, errorRows);
        }

        private void take(String table, String split, List<Long> offsets, Map<String, Map<Long, Integer>> into) {
            if (offsets.isEmpty()) {
                return;
            }
            if (!tokens.add(table + "/" + split + "@" + offsets.get(0) + ".." + offsets.get(offsets.size() - 1))) {
                dropped++;
                return;
            }
            for (long offset : offsets) {
                into.computeIfAbsent(split, s -> new TreeMap<>()).merge(offset, 1, Integer::sum);
            }
        }

        synchronized int seen() {
            return rows.values().stream().mapToInt(Map::size).sum() + errorRows.values().stream().mapToInt(Map::size).sum();
        }
    }

    /** Open records per split; inserts the named splits' at a flush; answers the first {@code landing} flushes only. */
    static final class DedupSink implements BatchingSink {
        private final Server server;
        private final int maxRows;
        private int landing;
        private final Map<String, List<Long>> openRows = new LinkedHashMap<>();
        private final Map<String, List<Long>> openErrors = new LinkedHashMap<>();
        private final Map<String, List<Long>> openAll = new LinkedHashMap<>();
        final List<Insert> inserts = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> flights = new ArrayList<>();
        private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        private long openedNanos;

        DedupSink(Server server, int maxRows, int landing) {
            this.server = server;
            this.maxRows = maxRows;
            this.landing = landing;
        }

        @Override
        public TableSchema open(SinkContext context) {
            assertEquals(DeliveryGuarantee.EXACTLY_ONCE, context.deliveryGuarantee());
            return new TableSchema("default", "t",
                    List.of(new TableColumn("id", ClickHouseType.parse("UInt64"), TableColumn.DefaultKind.NONE, "")),
                    ServerVersion.parse("26.5.3"), ZoneOffset.UTC, false);
        }

        @Override
        public void append(SourceRecord origin, RowWriter rowWriter) throws MappingException {
            rowWriter.write(new RowBinaryOutput(16));
            add(openRows, origin);
        }

        @Override
        public void appendError(SourceRecord origin, ErrorKind kind, String message) {
            add(openErrors, origin);
        }

        private void add(Map<String, List<Long>> into, SourceRecord origin) {
            if (openAll.isEmpty()) {
                openedNanos = System.nanoTime();
            }
            TestRecord.Position position = (TestRecord.Position) origin.position();
            into.computeIfAbsent(position.split(), s -> new ArrayList<>()).add(position.offset());
            openAll.computeIfAbsent(position.split(), s -> new ArrayList<>()).add(position.offset());
        }

        @Override
        public boolean isFlushDue() {
            return openAll.values().stream().mapToInt(List::size).sum() >= maxRows
                    || !openAll.isEmpty() && System.nanoTime() - openedNanos > 50_000_000L; // maxAge
        }

        @Override
        public boolean isEmpty() {
            return openAll.isEmpty();
        }

        @Override
        public boolean canFlush() {
            flights.removeIf(CompletableFuture::isDone);
            return flights.size() < 2;
        }

        @Override
        public CompletableFuture<Void> flush() {
            throw new AssertionError("exactly-once seals with ranges");
        }

        @Override
        public boolean supportsExactlyOnce() {
            return true;
        }

        @Override
        public CompletableFuture<Void> flush(Map<String, PendingRange> ranges) {
            for (Map.Entry<String, PendingRange> entry : ranges.entrySet()) {
                String split = entry.getKey();
                List<Long> all = openAll.remove(split);
                List<Long> rows = openRows.remove(split);
                List<Long> errors = openErrors.remove(split);
                inserts.add(new Insert(split, entry.getValue(), all == null ? List.of() : all));
                // Every insert reaches the server, answered or not (the worst case of a crash).
                server.insert(split, rows == null ? List.of() : rows, errors == null ? List.of() : errors);
            }
            CompletableFuture<Void> written = landing-- > 0 ? CompletableFuture.completedFuture(null) : new CompletableFuture<>();
            flights.add(written);
            last = written.thenCombine(last, (x, y) -> null);
            return last;
        }

        @Override
        public void discard(Collection<String> splits) {
            openAll.keySet().removeAll(splits);
            openRows.keySet().removeAll(splits);
            openErrors.keySet().removeAll(splits);
        }

        @Override
        public void close() {
        }
    }
}
