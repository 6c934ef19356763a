package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.SinkContext;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer's decisions on a refused insert — narrow, split, retry, give up — against scripted
 * server answers (the messages are those of ClickHouse). The same paths run against the real
 * 18.16 server in {@code InsertFailuresIT}; "too many partitions for a single INSERT block", which
 * 18.16 does not have, runs against the real refusal of a modern engine (chDB).
 */
@ExtendWith(TestServers.class)
class BatchWriterTest {

    /** A server whose answer to each insert of rows (their ids) and attempt number is scripted. */
    private static class ScriptedTransport implements ClickHouseTransport {
        final BiFunction<List<Long>, Integer, ClickHouseException> answer;
        final List<List<Long>> tried = Collections.synchronizedList(new ArrayList<>());
        final List<List<Long>> landed = Collections.synchronizedList(new ArrayList<>());
        final List<String> formats = Collections.synchronizedList(new ArrayList<>());
        int errorTableInserts;
        int columnReads;

        ScriptedTransport(BiFunction<List<Long>, Integer, ClickHouseException> answer) {
            this.answer = answer;
        }

        @Override
        public void insert(String quotedTable, List<String> columns, byte[] data, int offset, int length,
                           String format, String queryId, Map<String, String> settings) throws ClickHouseException {
            if (quotedTable.contains("_errors")) {
                errorTableInserts++;
                return;
            }
            List<Long> ids = ids(data, offset, length, format);
            formats.add(format);
            tried.add(ids);
            ClickHouseException refusal = answer.apply(ids, tried.size());
            if (refusal != null) {
                throw refusal;
            }
            landed.add(ids);
        }

        /** Answers the writer's read of the table's columns: still {@code id UInt64}. */
        @Override
        public byte[] query(String sql) {
            if (!sql.contains("system.columns")) {
                throw new UnsupportedOperationException(sql);
            }
            columnReads++;
            return "{\"name\":\"id\",\"type\":\"UInt64\",\"default_kind\":\"\",\"default_expression\":\"\"}\n"
                    .getBytes(StandardCharsets.UTF_8);
        }

        List<Long> landedIds() {
            return landed.stream().flatMap(List::stream).sorted().toList();
        }

        List<Integer> landedSizes() {
            return landed.stream().map(List::size).toList();
        }

        @Override
        public void execute(String sql) {
            throw new UnsupportedOperationException(sql);
        }


        @Override
        public String describe() {
            return getClass().getSimpleName();
        }

        @Override
        public void close() {
        }
    }

    /** Inserts into a table of the chDB engine (ClickHouse 26.5): the real server's refusals, in-process. */
    /** The ids of the rows of {@code t (id UInt64)} in an insert: RowBinary, or a Native block of that one column. */
    static List<Long> ids(byte[] data, int offset, int length, String format) {
        ByteBuffer rows = ByteBuffer.wrap(data, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> ids = new ArrayList<>();
        if (format.equals("Native")) {
            assertEquals(1, rows.get()); // one column
            int count = 0;
            for (int shift = 0; ; shift += 7) {
                byte b = rows.get();
                count |= (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            byte[] header = new byte[10];
            rows.get(header);
            assertEquals("\u0002id\u0006UInt64", new String(header, StandardCharsets.UTF_8));
            assertEquals(count * 8, rows.remaining());
        } else {
            assertEquals("RowBinary", format);
        }
        while (rows.hasRemaining()) {
            ids.add(rows.getLong());
        }
        return ids;
    }

    private static final class ChDbTransport implements ClickHouseTransport {
        final ChDb chdb;
        final List<String> refusals = new ArrayList<>();
        final List<Integer> landedRows = new ArrayList<>();
        final List<String> formats = new ArrayList<>();
        /** Whether inserts into {@code t} are of the one column {@code id UInt64} (rows are counted then). */
        boolean idsOnly = true;

        ChDbTransport(ChDb chdb) {
            this.chdb = chdb;
        }

        @Override
        public void insert(String quotedTable, List<String> columns, byte[] data, int offset, int length,
                           String format, String queryId, Map<String, String> settings) throws ClickHouseException {
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(quotedTable);
            if (!columns.isEmpty()) {
                sql.append(" (").append(String.join(", ", columns)).append(')');
            }
            if (!settings.isEmpty()) {
                sql.append(" SETTINGS ");
                settings.forEach((name, value) -> sql.append(name).append(" = ").append(value).append(", "));
                sql.setLength(sql.length() - 2);
            }
            sql.append(" FORMAT ").append(format).append('\n');
            ByteArrayOutputStream statement = new ByteArrayOutputStream();
            statement.writeBytes(sql.toString().getBytes(StandardCharsets.UTF_8));
            statement.write(data, offset, length);
            try {
                chdb.query(statement.toByteArray(), "TabSeparated");
            } catch (IllegalStateException e) {
                refusals.add(e.getMessage());
                // As a transport reports an engine's error: the code parsed from its text, no HTTP status.
                throw new ClickHouseException(ClickHouseException.codeInMessage(e.getMessage()), 0, e.getMessage(), e);
            }
            if (!quotedTable.contains("_errors")) {
                formats.add(format);
                if (idsOnly) {
                    landedRows.add(ids(data, offset, length, format).size());
                }
            }
        }

        @Override
        public void execute(String sql) {
            throw new UnsupportedOperationException(sql);
        }

        @Override
        public byte[] query(String sql) throws ClickHouseException {
            try {
                return chdb.query(sql, "JSONEachRow");
            } catch (IllegalStateException e) {
                throw new ClickHouseException(ClickHouseException.codeInMessage(e.getMessage()), 0, e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return getClass().getSimpleName();
        }

        @Override
        public void close() {
        }
    }

    /** As the HTTP transport reports 18.16's answer: the code read from the message, HTTP 500. */
    private static ClickHouseException refusal(int code, String text) {
        return new ClickHouseException(code, 500, "Code: " + code + ", e.displayText() = DB::Exception: " + text
                + ", e.what() = DB::Exception", null);
    }

    /** What the writer reported: errors, retries, bytes inserted. */
    private static final class Counts implements MetricsRecorder {
        final java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void batchInserted(String table, int rows, long bytes, long nanos) {
            this.bytes.addAndGet(bytes);
        }

        @Override
        public void insertRetried(String table, int attempt, Throwable cause) {
            retries.incrementAndGet();
        }

        @Override
        public void errorsRecorded(ErrorKind kind, long count) {
            errors.addAndGet(count);
        }
    }

    private final Counts metrics = new Counts();

    /** The table {@code t (id UInt64)} every test writes to. */
    private static final TableSchema SCHEMA = new TableSchema("default", "t",
            List.of(new TableColumn("id", ClickHouseType.parse("UInt64"), TableColumn.DefaultKind.NONE, "")),
            ServerVersion.parse("18.16.1"), ZoneId.of("UTC"), false);

    private BatchWriter writer(ClickHouseTransport transport, ClickHouseSink.Builder settings) {
        return writer(transport, settings, SCHEMA);
    }

    private BatchWriter writer(ClickHouseTransport transport, ClickHouseSink.Builder settings, TableSchema schema) {
        ClickHouseSink.Config config = settings.endpoint("http://127.0.0.1:9").table("t")
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5)).build().config();
        SinkContext context = new SinkContext() {
            @Override
            public String pipelineName() {
                return "test";
            }

            @Override
            public MetricsRecorder metrics() {
                return metrics;
            }
        };
        TableChanges tableChanges = new TableChanges(transport, context, schema,
                new Backoff(Duration.ofMillis(1), Duration.ofMillis(5)));
        return new BatchWriter(transport, schema, config, "test", metrics, tableChanges);
    }

    private static Batch batch(long rows) {
        Batch batch = new Batch(1, 0, SCHEMA, new RowBinaryOutput(1024), 1 << 20);
        for (long id = 0; id < rows; id++) {
            batch.data.writeLongLE(id);
            batch.endRow(new TestRecord(new TestRecord.Position("s0", id), null, new byte[0], 0));
        }
        return batch;
    }

    private static List<Long> ids(long from, long to) {
        return LongStream.range(from, to).boxed().toList();
    }

    @Test
    void rowsRefusedForTheirDataAreNarrowedDownAndGoAloneToTheErrorTable() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> ids.contains(13L) || ids.contains(70L)
                ? refusal(6, "Cannot parse string 'x' as UInt8") : null);
        writer(gateway, ClickHouseSink.builder()).write(batch(100));
        List<Long> expected = new ArrayList<>(ids(0, 100));
        expected.removeAll(List.of(13L, 70L));
        assertEquals(expected, gateway.landedIds());
        assertEquals(2, metrics.errors.get());
        assertEquals(1, gateway.errorTableInserts);
    }

    @Test
    void narrowingStopsWhenBothHalvesFailForTheSameReasonThatIsNotTheirData() {
        // The batch is refused as if for its data, then both halves for a transient reason: the
        // refusal was not about the rows. The range is retried whole; nothing goes to the error table.
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> switch (n) {
            case 1 -> refusal(27, "Cannot parse input: expected , before: ...");
            case 2, 3 -> refusal(279, "All connection tries failed");
            default -> null;
        });
        writer(gateway, ClickHouseSink.builder()).write(batch(8));
        assertEquals(List.of(ids(0, 8), ids(0, 4), ids(4, 8), ids(0, 8)), gateway.tried);
        assertEquals(ids(0, 8), gateway.landedIds());
        assertEquals(0, metrics.errors.get());
        assertEquals(0, gateway.errorTableInserts);
    }

    @Test
    void transientAndUnknownRefusalsAreRetriedNeverSentToTheErrorTable() {
        int[] codes = {279, 286, 243, 439, 499, 395, 1002};
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> n <= codes.length ? refusal(codes[n - 1], "later") : null);
        writer(gateway, ClickHouseSink.builder()).write(batch(50));
        assertEquals(codes.length + 1, gateway.tried.size());
        assertTrue(gateway.tried.stream().allMatch(ids -> ids.size() == 50), "never narrowed: " + gateway.tried);
        assertEquals(ids(0, 50), gateway.landedIds());
        assertEquals(0, gateway.errorTableInserts);
        assertEquals(codes.length, metrics.retries.get());
    }

    @Test
    void tooManyPartitionsForOneInsertBlockIsSplitUntilAccepted() {
        // Every id its own partition, max_partitions_per_insert_block = 100 (ClickHouse's message).
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> ids.size() > 100 ? refusal(252,
                "Too many partitions for single INSERT block (more than 100). The limit is controlled by"
                        + " 'max_partitions_per_insert_block' setting") : null);
        writer(gateway, ClickHouseSink.builder()).write(batch(300));
        assertEquals(ids(0, 300), gateway.landedIds());
        assertEquals(List.of(75, 75, 75, 75), gateway.landedSizes());
        assertEquals(0, gateway.errorTableInserts);
    }

    @Test
    void tooManyPartsWhileMergesLagIsRetriedWhole() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> n <= 3 ? refusal(252,
                "Too many parts (300). Merges are processing significantly slower than inserts.") : null);
        writer(gateway, ClickHouseSink.builder()).write(batch(300));
        assertEquals(List.of(300), gateway.landedSizes());
    }

    @Test
    void aMemoryLimitThatRepeatsMakesTheInsertsSmaller() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> ids.size() > 50
                ? refusal(241, "Memory limit (for query) exceeded: would use 4.00 MiB, maximum: 3.81 MiB") : null);
        writer(gateway, ClickHouseSink.builder()).write(batch(200));
        assertEquals(ids(0, 200), gateway.landedIds());
        assertEquals(List.of(50, 50, 50, 50), gateway.landedSizes());
        // Each size is tried twice before it is halved: a single refusal may be the server's load.
        assertEquals(List.of(200, 200, 100, 100, 50, 50, 100, 100, 50, 50),
                gateway.tried.stream().map(List::size).toList());
    }

    @Test
    void aBatchThatCannotBeMadeDurableWithinTheRetryBudgetFailsNamingTheCauseAndTheTime() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> refusal(286,
                "Quorum for previous write has not been satisfied yet"));
        BatchWriter writer = writer(gateway, ClickHouseSink.builder().retryBudget(Duration.ofMillis(300)));
        long start = System.nanoTime();
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> writer.write(batch(10)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(Duration.ofMillis(300)) >= 0 && took.compareTo(Duration.ofSeconds(5)) < 0, took.toString());
        assertTrue(failure.getMessage().contains("batch 1 could not be made durable for"), failure.getMessage());
        assertTrue(failure.getMessage().contains("retryBudget PT0.3S"), failure.getMessage());
        assertTrue(failure.getMessage().contains("code 286"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Quorum for previous write"), failure.getMessage());
        assertTrue(gateway.landed.isEmpty());
        assertEquals(0, gateway.errorTableInserts);
    }

    @Test
    void theErrorRateBoundFailsTheBatchBeforeItsErrorRowsAreWritten() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> ids.contains(3L) ? refusal(6, "Cannot parse string") : null);
        BatchWriter writer = writer(gateway, ClickHouseSink.builder().errorTolerance(0.5, 10));
        Batch batch = batch(4);
        for (long i = 0; i < 8; i++) {
            batch.errors.add(new ErrorRecord(0, new TestRecord(new TestRecord.Position("s0", 100 + i), null, new byte[0], 0),
                    ErrorKind.DECODE, "not JSON " + i));
        }
        IllegalStateException failure = assertThrows(IllegalStateException.class, () -> writer.write(batch));
        assertTrue(failure.getMessage().contains("9 of the last 12 records failed (75.0%)"), failure.getMessage());
        assertTrue(failure.getMessage().contains("errorTolerance of 50% over a window of 10 records"), failure.getMessage());
        assertTrue(failure.getMessage().contains("last reason (INSERT at s0@3)"), failure.getMessage());
        assertEquals(0, gateway.errorTableInserts);
    }

    @Test
    void withinTheErrorRateBoundErrorRowsAreWritten() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> ids.contains(3L) ? refusal(6, "Cannot parse string") : null);
        writer(gateway, ClickHouseSink.builder().errorTolerance(0.5, 10)).write(batch(20));
        assertEquals(1, gateway.errorTableInserts);
        assertEquals(19, gateway.landedIds().size());
    }

    @Test
    void tooManyPartitionsRefusedByARealEngineIsSplitUntilEachInsertIsAccepted(ChDb chdb) {
        chdb.query("CREATE DATABASE IF NOT EXISTS `default`", "TabSeparated");
        chdb.query("DROP TABLE IF EXISTS `default`.`t`", "TabSeparated");
        chdb.query("CREATE TABLE `default`.`t` (id UInt64) ENGINE = MergeTree PARTITION BY id ORDER BY id", "TabSeparated");
        ChDbTransport gateway = new ChDbTransport(chdb);
        BatchWriter writer = writer(gateway, ClickHouseSink.builder().insertSetting("max_partitions_per_insert_block", "100"));
        writer.write(batch(250)); // 250 partitions in one batch

        assertEquals("250\t250\t0\t249", chdb.queryText("SELECT count(), uniqExact(id), min(id), max(id) FROM `default`.`t`",
                "TabSeparated").trim());
        assertTrue(gateway.refusals.get(0).contains("Code: 252") && gateway.refusals.get(0).contains("Too many partitions"),
                gateway.refusals.get(0));
        assertEquals(3, gateway.refusals.size(), gateway.refusals.toString()); // 250 rows, then 125 and 125
        assertEquals(List.of(62, 63, 62, 63), gateway.landedRows);
        assertEquals(0, metrics.errors.get());
    }

    @Test
    void rowsViolatingACheckConstraintOfARealEngineGoAloneToTheErrorTable(ChDb chdb) {
        // 18.16 has no CHECK constraints: chDB's engine refuses with its own VIOLATED_CONSTRAINT (469).
        chdb.query("CREATE DATABASE IF NOT EXISTS `default`", "TabSeparated");
        chdb.query("DROP TABLE IF EXISTS `default`.`t`", "TabSeparated");
        chdb.query("CREATE TABLE `default`.`t` (id UInt64, CONSTRAINT small CHECK id != 7 AND id != 30)"
                + " ENGINE = MergeTree ORDER BY id", "TabSeparated");
        chdb.query("DROP TABLE IF EXISTS `default`.`t_errors`", "TabSeparated");
        chdb.query(ErrorTable.createStatement("default", "t_errors", Duration.ZERO, ServerVersion.parse("26.5.3")), "TabSeparated");
        ChDbTransport gateway = new ChDbTransport(chdb);
        writer(gateway, ClickHouseSink.builder()).write(batch(40));

        assertEquals("38\t0", chdb.queryText("SELECT count(), countIf(id IN (7, 30)) FROM `default`.`t`", "TabSeparated").trim());
        assertTrue(gateway.refusals.get(0).contains("Code: 469"), gateway.refusals.get(0));
        String errors = chdb.queryText("SELECT position, error_kind, message LIKE '%code 469%VIOLATED_CONSTRAINT%'"
                + " FROM `default`.`t_errors` ORDER BY position", "TabSeparated");
        assertEquals("s0@30\tINSERT\t1\ns0@7\tINSERT\t1\n", errors);
    }

    @Test
    void rowsGoAsOneNativeBlockAndBytesInsertedAreTheBytesSent() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> null);
        writer(gateway, ClickHouseSink.builder()).write(batch(5));
        assertEquals(List.of("Native"), gateway.formats);
        assertEquals(List.of(List.of(0L, 1L, 2L, 3L, 4L)), gateway.landed);
        // The block: column and row counts, "id", "UInt64", five UInt64.
        assertEquals(1 + 1 + 3 + 7 + 5 * 8, metrics.bytes.get());
    }

    @Test
    void withNativeInsertsOffRowsGoAsRowBinary() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> null);
        writer(gateway, ClickHouseSink.builder().nativeInserts(false)).write(batch(5));
        assertEquals(List.of("RowBinary"), gateway.formats);
        assertEquals(5 * 8, metrics.bytes.get());
    }

    /** Narrowing sends ranges as Native blocks and single rows as RowBinary: a row goes to the error table only as itself. */
    @Test
    void narrowingEndsOnSingleRowsSentAsRowBinary() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> ids.contains(3L) ? refusal(6, "Cannot parse string") : null);
        writer(gateway, ClickHouseSink.builder()).write(batch(4));
        for (int i = 0; i < gateway.tried.size(); i++) {
            assertEquals(gateway.tried.get(i).size() == 1 ? "RowBinary" : "Native", gateway.formats.get(i),
                    "insert of " + gateway.tried.get(i));
        }
        assertEquals(List.of(List.of(3L)), gateway.tried.stream().filter(ids -> ids.size() == 1 && ids.contains(3L)).toList());
        assertEquals(3, gateway.landedIds().size());
        assertEquals(1, gateway.errorTableInserts);
    }

    /**
     * A Native block refused as 18.x refuses a column typed unlike the table's (368 BAD_CAST, which
     * would be retried) where the same rows as RowBinary land: they land, and the sink sends RowBinary from then on.
     */
    @Test
    void aNativeBlockRefusedWhereRowBinaryLandsSwitchesTheSinkToRowBinary() {
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> null) {
            @Override
            public void insert(String quotedTable, List<String> columns, byte[] data, int offset, int length,
                               String format, String queryId, Map<String, String> settings) throws ClickHouseException {
                if (format.equals("Native")) {
                    formats.add(format);
                    throw refusal(368, "Bad cast from type DB::ColumnString to DB::ColumnLowCardinality");
                }
                super.insert(quotedTable, columns, data, offset, length, format, queryId, settings);
            }
        };
        BatchWriter writer = writer(gateway, ClickHouseSink.builder());
        writer.write(batch(6));
        // Before the batch, and after the refusal of its typed block, which can mean a column was retyped.
        assertEquals(2, gateway.columnReads);
        writer.write(batch(6));
        assertEquals(List.of("Native", "RowBinary", "RowBinary"), gateway.formats);
        assertEquals(12, gateway.landedIds().size());
        assertEquals(0, gateway.errorTableInserts);
        assertEquals(0, metrics.errors.get());
    }

    /** A retried range sends the same block again. */
    @Test
    void aRetriedRangeSendsTheSameBlock() {
        List<String> blocks = new ArrayList<>();
        ScriptedTransport gateway = new ScriptedTransport((ids, n) -> n < 3 ? refusal(999, "transient") : null) {
            @Override
            public void insert(String quotedTable, List<String> columns, byte[] data, int offset, int length,
                               String format, String queryId, Map<String, String> settings) throws ClickHouseException {
                blocks.add(format + ":" + java.util.HexFormat.of().formatHex(data, offset, offset + length));
                super.insert(quotedTable, columns, data, offset, length, format, queryId, settings);
            }
        };
        writer(gateway, ClickHouseSink.builder()).write(batch(3));
        assertEquals(3, blocks.size());
        assertEquals(1, blocks.stream().distinct().count(), blocks.toString());
        assertTrue(blocks.get(0).startsWith("Native:"));
    }

    /**
     * On 23.3+ rows that use a non-Nullable column's DEFAULT go in a Native block as NULL of
     * Nullable(T), and the engine computes the DEFAULT; a block where a row uses a Nullable column's
     * DEFAULT (which NULL cannot stand for) goes as RowBinaryWithDefaults.
     */
    @Test
    void rowsUsingDefaultsGoAsNativeUnlessNullCannotStandForTheDefault(ChDb chdb) {
        chdb.query("CREATE DATABASE IF NOT EXISTS `default`", "TabSeparated");
        chdb.query("DROP TABLE IF EXISTS `default`.`t`", "TabSeparated");
        chdb.query("CREATE TABLE `default`.`t` (id UInt64, s String DEFAULT concat('d', toString(id)),"
                + " lc LowCardinality(String) DEFAULT 'lc', n Nullable(UInt8) DEFAULT 5) ENGINE = MergeTree ORDER BY id", "TabSeparated");
        TableSchema schema = new TableSchema("default", "t", List.of(
                new TableColumn("id", ClickHouseType.parse("UInt64"), TableColumn.DefaultKind.NONE, ""),
                new TableColumn("s", ClickHouseType.parse("String"), TableColumn.DefaultKind.DEFAULT, "concat('d', toString(id))"),
                new TableColumn("lc", ClickHouseType.parse("LowCardinality(String)"), TableColumn.DefaultKind.DEFAULT, "'lc'"),
                new TableColumn("n", ClickHouseType.parse("Nullable(UInt8)"), TableColumn.DefaultKind.DEFAULT, "5")),
                ServerVersion.parse(chdb.version()), ZoneId.of("UTC"), true);
        ChDbTransport gateway = new ChDbTransport(chdb);
        gateway.idsOnly = false;
        BatchWriter writer = writer(gateway, ClickHouseSink.builder(), schema);
        // Rows 1 and 2: s and lc from their DEFAULTs in row 1, n given (NULL in row 2).
        Batch first = new Batch(1, 0, schema, new RowBinaryOutput(256), 1 << 20);
        first.data.writeBytes(new byte[] {0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 9});
        first.endRow(new TestRecord(new TestRecord.Position("s0", 1), null, new byte[0], 0));
        first.data.writeBytes(new byte[] {0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'g', 0, 1, 'z', 0, 1});
        first.endRow(new TestRecord(new TestRecord.Position("s0", 2), null, new byte[0], 0));
        writer.write(first);
        // Rows 3 and 4: n from its DEFAULT in row 3.
        Batch second = new Batch(2, 0, schema, new RowBinaryOutput(256), 1 << 20);
        second.data.writeBytes(new byte[] {0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1});
        second.endRow(new TestRecord(new TestRecord.Position("s0", 3), null, new byte[0], 0));
        second.data.writeBytes(new byte[] {0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 1, 'h', 0, 1, 'y', 0, 0, 8});
        second.endRow(new TestRecord(new TestRecord.Position("s0", 4), null, new byte[0], 0));
        writer.write(second);

        assertEquals(List.of("Native", "RowBinaryWithDefaults"), gateway.formats);
        assertEquals("1\td1\tlc\t9\n2\tg\tz\t\\N\n3\td3\tlc\t5\n4\th\ty\t8\n",
                chdb.queryText("SELECT * FROM `default`.`t` ORDER BY id", "TabSeparated"));
    }
}
