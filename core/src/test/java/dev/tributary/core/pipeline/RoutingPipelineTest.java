package dev.tributary.core.pipeline;

import dev.tributary.core.BatchingSink;
import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.Pipeline;
import dev.tributary.core.RecordRouter;
import dev.tributary.core.RowTarget;
import dev.tributary.core.RowWriter;
import dev.tributary.core.SchemaMapper;
import dev.tributary.core.SinkContext;
import dev.tributary.core.Source;
import dev.tributary.core.SourceContext;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One pipeline writing several tables: routing by topic and by a function, unroutable records, commits across lanes. */
class RoutingPipelineTest {

    /** Split {@code s<n>} of the generated source is topic {@code TOPICS[n]}; "audit" has no route. */
    private static final List<String> TOPICS = List.of("orders", "users", "clicks", "audit");
    private static final Map<String, String> TOPIC_ROUTES = Map.of("orders", "orders", "users", "users", "clicks", "clicks");

    @Test
    void routesEachTopicToItsTableAndATopicWithoutRouteToTheDefaultRoutesErrorTable() throws Exception {
        int total = 400;
        TopicSource source = new TopicSource(new GeneratedSource(4, total, 25, RoutingPipelineTest::json));
        Map<String, MemorySink> sinks = sinks("orders", "users", "clicks");
        Pipeline.Builder builder = builder(source);
        sinks.forEach(builder::route);
        try (Pipeline pipeline = builder.routeByTopic(TOPIC_ROUTES).defaultRoute("users").build()) {
            pipeline.start();
            Await.await("every record committed", Duration.ofSeconds(10), () -> source.generated.committedCount() == total);
        }
        for (int n = 0; n < 3; n++) {
            MemorySink sink = sinks.get(TOPICS.get(n));
            assertEquals(total / 4, sink.landedRows.size(), TOPICS.get(n) + " rows");
            String split = "s" + n;
            assertTrue(sink.landedRows.stream().allMatch(position -> position.startsWith(split + "@")),
                    TOPICS.get(n) + " holds only its topic's records: " + sink.landedRows);
        }
        assertEquals(List.of(), sinks.get("orders").landedErrors);
        assertEquals(List.of(), sinks.get("clicks").landedErrors);
        List<String> errors = sinks.get("users").landedErrors;
        assertEquals(total / 4, errors.size(), "every record of the topic without a route, in the default route's error table");
        assertTrue(errors.stream().allMatch(e -> e.startsWith("s3@") && e.contains(" MAPPING ") && e.contains("'audit'")
                && e.contains("routeByTopic") && e.contains("default route 'users'")), errors.get(0));
    }

    @Test
    void routesByAFieldOfTheDecodedRecordAndKeepsEveryRecordItCannotRoute() throws Exception {
        // kind a, b or c by index; every 10th has an unknown kind, every 10th + 1 a null one, every 10th + 2 makes the
        // router throw, every 10th + 3 is not JSON.
        LongFunction<byte[]> values = i -> (switch ((int) (i % 10)) {
            case 0 -> "{\"id\": " + i + ", \"kind\": \"zzz\"}";
            case 1 -> "{\"id\": " + i + ", \"kind\": null}";
            case 2 -> "{\"id\": " + i + ", \"kind\": \"boom\"}";
            case 3 -> "not json";
            default -> "{\"id\": " + i + ", \"kind\": \"" + "abc".charAt((int) (i % 3)) + "\"}";
        }).getBytes(StandardCharsets.UTF_8);
        int total = 300;
        GeneratedSource source = new GeneratedSource(2, total, 20, values);
        Map<String, MemorySink> sinks = sinks("a", "b", "c");
        Pipeline.Builder builder = builder(source);
        sinks.forEach(builder::route);
        // It says what it reads: the decoder, told the mapping reads only "id", still decodes "kind".
        RecordRouter byKind = RecordRouter.reading(Set.of(FieldPath.of("kind")), (record, decoded) -> {
            Object kind = decoded.field(FieldPath.of("kind"));
            if ("boom".equals(kind)) {
                throw new IllegalStateException("no kind boom");
            }
            return kind == null ? null : kind.toString();
        });
        try (Pipeline pipeline = builder.routeBy(byKind).build()) {
            pipeline.start();
            Await.await("every record committed", Duration.ofSeconds(10), () -> source.committedCount() == total);
        }
        for (String route : List.of("a", "b", "c")) {
            long expected = java.util.stream.LongStream.range(0, total).filter(i -> i % 10 > 3 && "abc".charAt((int) (i % 3)) == route.charAt(0)).count();
            assertEquals(expected, sinks.get(route).landedRows.size(), "rows of route " + route);
        }
        List<String> errors = sinks.get("a").landedErrors; // the first route is the default
        assertEquals(total * 4 / 10, errors.size(), "every unroutable or undecodable record, in the default route's error table");
        assertEquals(total / 10, count(errors, " MAPPING ", "the router chose route 'zzz', which is not one of [a, b, c]"));
        assertEquals(total / 10, count(errors, " MAPPING ", "the router chose no route (null)"));
        assertEquals(total / 10, count(errors, " MAPPING ", "the router failed on this record: java.lang.IllegalStateException: no kind boom"));
        assertEquals(total / 10, count(errors, " DECODE ", ""));
        assertEquals(List.of(), sinks.get("b").landedErrors);
        assertEquals(List.of(), sinks.get("c").landedErrors);
    }

    @Test
    void nothingIsCommittedWhileOneRouteHasNotLandedThoughTheOthersHave() throws Exception {
        int total = 200;
        TopicSource source = new TopicSource(new GeneratedSource(2, total, 10, RoutingPipelineTest::json));
        MemorySink orders = new MemorySink(5);
        MemorySink users = new MemorySink(5);
        users.hold = true;
        try (Pipeline pipeline = builder(source).route("orders", orders).route("users", users)
                .routeByTopic(Map.of("orders", "orders", "users", "users")).build()) {
            pipeline.start();
            Await.await("orders landed batches while users holds its own", Duration.ofSeconds(10),
                    () -> orders.landedRows.size() >= 10 && users.heldRows() >= 5 && !users.canFlush());
            Await.await("the source paused: users has no slot left", Duration.ofSeconds(10), source.generated::isPaused);
            assertEquals(List.of(), source.generated.commitCalls(), "nothing committed while a route's batch is not durable");
            assertTrue(source.generated.committedCount() == 0);

            users.release();
            Await.await("every record committed once users landed", Duration.ofSeconds(10),
                    () -> source.generated.committedCount() == total);
        }
        assertEquals(total / 2, orders.landedRows.size());
        assertEquals(total / 2, users.landedRows.size());
    }

    @Test
    void aRouteWhoseBatchFailsStopsThePipelineWithoutCommittingIt() throws Exception {
        TopicSource source = new TopicSource(new GeneratedSource(2, 100, 10, RoutingPipelineTest::json));
        MemorySink orders = new MemorySink(5);
        MemorySink users = new MemorySink(5);
        users.hold = true;
        Pipeline pipeline = builder(source).route("orders", orders).route("users", users)
                .routeByTopic(Map.of("orders", "orders", "users", "users")).build();
        pipeline.start();
        Await.await("users holds a batch", Duration.ofSeconds(10), () -> users.heldRows() >= 5);
        users.fail(new IllegalStateException("users table is gone"));
        Await.await("the pipeline failed", Duration.ofSeconds(10), () -> pipeline.state() == Pipeline.State.FAILED);
        assertTrue(pipeline.failure().getMessage().contains("users table is gone"), pipeline.failure().getMessage());
        assertEquals(0, source.generated.committedCount(), "the failed batch's positions were not committed");
        pipeline.close();
    }

    @Test
    void aTableChangeOfOneRouteRecompilesThatRouteOnlyAndItsRecordsAreEncodedAgainWithItsOwnMapper() throws Exception {
        int total = 100;
        TopicSource source = new TopicSource(new GeneratedSource(2, total, 10,
                i -> ("{\"id\": " + i + ", \"name\": \"n" + i + "\"}").getBytes(StandardCharsets.UTF_8)));
        MemorySink orders = new MemorySink(5);
        MemorySink users = new MemorySink(5);
        // users' table loses its id column and gains a name column: its first batch is encoded again, on the pipeline thread.
        users.changeTo = schema(new TableColumn("name", ClickHouseType.parse("String"), TableColumn.DefaultKind.NONE, ""));
        CountingMapper ordersMapper = new CountingMapper();
        CountingMapper usersMapper = new CountingMapper();
        try (Pipeline pipeline = builder(source).route("orders", orders, ordersMapper).route("users", users, usersMapper)
                .routeByTopic(Map.of("orders", "orders", "users", "users")).build()) {
            pipeline.start();
            Await.await("every record committed", Duration.ofSeconds(10), () -> source.generated.committedCount() == total);
        }
        assertEquals(1, ordersMapper.plans.get(), "orders' mapping was compiled once");
        assertEquals(2, usersMapper.plans.get(), "users' mapping was compiled again, once, for its new layout");
        assertEquals(total / 2, orders.landedRowBytes.size());
        assertTrue(orders.landedRowBytes.stream().allMatch(row -> row.length == 8), "orders' rows are UInt64 ids");
        assertEquals(total / 2, users.landedRowBytes.size());
        assertTrue(users.landedRowBytes.stream().allMatch(row -> row.length == row[0] + 1 && row[1] == 'n'),
                "every users row, the first batch's too, is the name as a String");
    }

    @Test
    void theBuilderNamesWhatIsWrongWithRoutes() {
        TopicSource source = new TopicSource(new GeneratedSource(1, 0, 1, RoutingPipelineTest::json));
        MemorySink a = new MemorySink(5);
        MemorySink b = new MemorySink(5);
        assertRefused(builder(source), "sink is not set", "route(name, sink)");
        assertRefused(builder(source).sink(a).route("b", b), "both sink(...) and route(...) are set");
        assertRefused(builder(source).sink(a).routeByTopic(Map.of("t", "a")), "routeByTopic needs routes");
        assertRefused(builder(source).route("a", a).route("a", b).routeByTopic(Map.of("t", "a")), "route 'a' is given twice");
        assertRefused(builder(source).route("a", a).route("b", a).routeByTopic(Map.of("t", "a")),
                "route 'b' has the sink of another route");
        assertRefused(builder(source).route(" ", a), "a route has no name");
        assertRefused(builder(source).route("a", null), "route 'a' has no sink");
        assertRefused(builder(source).route("a", a).route("b", b), "2 routes [a, b] but no router", "routeByTopic(");
        assertRefused(builder(source).route("a", a).route("b", b).routeByTopic(Map.of("orders", "a", "users", "c")),
                "routeByTopic maps topic 'users' to route 'c', which is not a route; use one of [a, b]");
        assertRefused(builder(source).route("a", a).route("b", b).routeByTopic(Map.of()), "routeByTopic is given no topic");
        assertRefused(builder(source).route("a", a).route("b", b).routeByTopic(Map.of("t", "a")).routeBy((r, d) -> "a"),
                "both routeByTopic(...) and routeBy(...) are set");
        assertRefused(builder(source).route("a", a).route("b", b).routeBy((r, d) -> "a").defaultRoute("c"),
                "defaultRoute 'c' is not a route; use one of [a, b]");
        assertRefused(builder(new GeneratedSource(1, 0, 1, RoutingPipelineTest::json)).route("a", a).route("b", b)
                .routeByTopic(Map.of("t", "a")), "routeByTopic needs a source whose records name their topic", "routeBy(");
        assertRefused(builder(new ExactlyOnceTopicSource(new GeneratedSource(1, 0, 1, RoutingPipelineTest::json)))
                        .route("a", new ExactlyOnceSink()).route("b", new ExactlyOnceSink()).routeBy((r, d) -> "a")
                        .deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE),
                "deliveryGuarantee(EXACTLY_ONCE) is not supported with several routes");
        // One route needs no router; exactly-once with one route is allowed.
        builder(source).route("a", a).build();
        builder(new ExactlyOnceTopicSource(new GeneratedSource(1, 0, 1, RoutingPipelineTest::json)))
                .route("a", new ExactlyOnceSink()).deliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE).build();
    }

    private static void assertRefused(Pipeline.Builder builder, String... parts) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
        for (String part : parts) {
            assertTrue(error.getMessage().contains(part), "'" + error.getMessage() + "' should say " + part);
        }
    }

    private static long count(List<String> errors, String kind, String message) {
        return errors.stream().filter(e -> e.contains(kind) && e.contains(message)).count();
    }

    private static byte[] json(long index) {
        return ("{\"id\": " + index + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static Pipeline.Builder builder(Source source) {
        return Pipeline.builder().name("routes").source(source).decoder(JsonDecoder.create())
                .pollTimeout(Duration.ofMillis(20)).metricsLogInterval(Duration.ZERO).shutdownTimeout(Duration.ofSeconds(2));
    }

    private static TableSchema schema(TableColumn... columns) {
        return new TableSchema("default", "t", List.of(columns), ServerVersion.parse("26.5.3"), ZoneOffset.UTC, false);
    }

    /** The default mapping, counting the plans it compiles. */
    static final class CountingMapper implements SchemaMapper {
        final java.util.concurrent.atomic.AtomicInteger plans = new java.util.concurrent.atomic.AtomicInteger();
        private final SchemaMapper delegate = DefaultSchemaMapper.create();

        @Override
        public MappingPlan plan(TableSchema table, List<VirtualColumn> virtualColumns) {
            plans.incrementAndGet();
            return delegate.plan(table, virtualColumns);
        }
    }

    private static Map<String, MemorySink> sinks(String... routes) {
        Map<String, MemorySink> sinks = new java.util.LinkedHashMap<>();
        for (String route : routes) {
            sinks.put(route, new MemorySink(7));
        }
        return sinks;
    }

    /** {@link GeneratedSource}'s records, each with a topic ({@code _topic}) by its split. */
    static class TopicSource implements Source {
        final GeneratedSource generated;

        TopicSource(GeneratedSource generated) {
            this.generated = generated;
        }

        @Override
        public void open(SourceContext context) {
            generated.open(context);
        }

        @Override
        public List<SourceRecord> poll(Duration timeout) {
            List<SourceRecord> records = new ArrayList<>();
            for (SourceRecord record : generated.poll(timeout)) {
                records.add(new TopicRecord(record));
            }
            return records;
        }

        @Override
        public void pause() {
            generated.pause();
        }

        @Override
        public void resume() {
            generated.resume();
        }

        @Override
        public void commit(Collection<SourcePosition> positions) {
            generated.commit(positions);
        }

        @Override
        public void wakeup() {
            generated.wakeup();
        }

        @Override
        public List<VirtualColumn> virtualColumns() {
            List<VirtualColumn> columns = new ArrayList<>(generated.virtualColumns());
            columns.add(new VirtualColumn("_topic", "String", "the topic"));
            return columns;
        }

        @Override
        public void close() {
        }
    }

    /** A source that claims exactly-once, for the builder's checks only. */
    static final class ExactlyOnceTopicSource extends TopicSource {
        ExactlyOnceTopicSource(GeneratedSource generated) {
            super(generated);
        }

        @Override
        public boolean supportsExactlyOnce() {
            return true;
        }
    }

    record TopicRecord(SourceRecord inner) implements SourceRecord {
        @Override
        public SourcePosition position() {
            return inner.position();
        }

        @Override
        public byte[] key() {
            return inner.key();
        }

        @Override
        public byte[] value() {
            return inner.value();
        }

        @Override
        public long timestampMillis() {
            return inner.timestampMillis();
        }

        @Override
        public Object virtualColumn(String name) {
            if (name.equals("_topic")) {
                return TOPICS.get(Integer.parseInt(inner.position().split().substring(1)));
            }
            return inner.virtualColumn(name);
        }
    }

    /**
     * A table in memory: rows and error records by position ({@code s0@3}, {@code s0@3 MAPPING message}),
     * landed when their flush completes, in order; {@code hold} keeps flushes in flight until released.
     */
    static class MemorySink implements BatchingSink {
        private final int maxRows;
        private final List<String> openRows = new ArrayList<>();
        private final List<byte[]> openRowBytes = new ArrayList<>();
        private final List<SourceRecord> openRecords = new ArrayList<>();
        private final List<String> openErrors = new ArrayList<>();
        final List<String> landedRows = new CopyOnWriteArrayList<>();
        final List<byte[]> landedRowBytes = new CopyOnWriteArrayList<>();
        /** The layout rows are encoded for; at the next flush, {@link #changeTo} if set (the table changed). */
        private TableSchema schema = schema(new TableColumn("id", ClickHouseType.parse("UInt64"), TableColumn.DefaultKind.NONE, ""));
        volatile TableSchema changeTo;
        private SinkContext context;
        final List<String> landedErrors = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> flights = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> heldFlushes = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicInteger heldRows = new java.util.concurrent.atomic.AtomicInteger();
        private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        volatile boolean hold;

        MemorySink(int maxRows) {
            this.maxRows = maxRows;
        }

        @Override
        public TableSchema open(SinkContext context) {
            this.context = context;
            return schema;
        }

        @Override
        public TableSchema encodingSchema() {
            return schema;
        }

        @Override
        public void append(SourceRecord origin, RowWriter rowWriter) throws MappingException {
            RowBinaryOutput out = new RowBinaryOutput(16);
            rowWriter.write(out);
            openRows.add(origin.position().toString());
            openRowBytes.add(out.toByteArray());
            openRecords.add(origin);
        }

        @Override
        public void appendError(SourceRecord origin, ErrorKind kind, String message) {
            openErrors.add(origin.position() + " " + kind + " " + message);
        }

        @Override
        public boolean isFlushDue() {
            return openRows.size() + openErrors.size() >= maxRows;
        }

        @Override
        public boolean isEmpty() {
            return openRows.isEmpty() && openErrors.isEmpty();
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
            List<String> rows = List.copyOf(openRows);
            List<byte[]> rowBytes = new CopyOnWriteArrayList<>(openRowBytes);
            List<SourceRecord> records = List.copyOf(openRecords);
            List<String> errors = List.copyOf(openErrors);
            openRows.clear();
            openRowBytes.clear();
            openRecords.clear();
            openErrors.clear();
            CompletableFuture<Void> written = new CompletableFuture<>();
            CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);
            if (changeTo != null) {
                // As ClickHouseSink after a table change: the sealed records are encoded again for the table now.
                schema = changeTo;
                changeTo = null;
                rowBytes.clear();
                ready = context.reencode(schema, records, new RowTarget() {
                    @Override
                    public void append(SourceRecord origin, RowWriter rowWriter) throws MappingException {
                        RowBinaryOutput out = new RowBinaryOutput(16);
                        rowWriter.write(out);
                        rowBytes.add(out.toByteArray());
                    }

                    @Override
                    public void appendError(SourceRecord origin, ErrorKind kind, String message) {
                        throw new AssertionError(origin.position() + " could not be encoded again: " + message);
                    }
                });
            }
            written.thenRun(() -> {
                landedRows.addAll(rows);
                landedRowBytes.addAll(rowBytes);
                landedErrors.addAll(errors);
            });
            CompletableFuture<Void> reencoded = ready;
            flights.add(written);
            if (hold) {
                heldFlushes.add(written);
                heldRows.addAndGet(rows.size());
            } else {
                reencoded.whenComplete((ignored, error) -> {
                    if (error != null) {
                        written.completeExceptionally(error);
                    } else {
                        written.complete(null);
                    }
                });
            }
            last = written.thenCombine(last, (x, y) -> null);
            return last;
        }

        int heldRows() {
            return heldRows.get();
        }

        /** Lands the held flushes and every later one. */
        void release() {
            hold = false;
            heldFlushes.forEach(flush -> flush.complete(null));
        }

        void fail(RuntimeException error) {
            heldFlushes.forEach(flush -> flush.completeExceptionally(error));
        }

        @Override
        public void close() {
        }
    }

    /** A sink that claims exactly-once, for the builder's checks only. */
    static final class ExactlyOnceSink extends MemorySink {
        ExactlyOnceSink() {
            super(5);
        }

        @Override
        public boolean supportsExactlyOnce() {
            return true;
        }
    }
}
