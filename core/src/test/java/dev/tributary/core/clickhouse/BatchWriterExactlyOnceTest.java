package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.PendingRange;
import dev.tributary.core.SinkContext;
import dev.tributary.core.internal.Backoff;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.core.types.ClickHouseType;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The writer in exactly-once mode against scripted server answers: which settings and tokens each insert
 * carries, narrowed or not, what the error rows hold, and that a memory limit is retried, never split on.
 */
class BatchWriterExactlyOnceTest {

    /** One insert as the writer sent it. */
    private record Sent(String table, List<Long> ids, Map<String, String> settings, byte[] bytes) {
    }

    /** A server answering each insert of {@code t} (by its rows' ids) as scripted; error-table inserts land. */
    private static final class Scripted implements ClickHouseTransport {
        final Function<List<Long>, ClickHouseException> answer;
        final List<Sent> sent = new ArrayList<>();

        Scripted(Function<List<Long>, ClickHouseException> answer) {
            this.answer = answer;
        }

        @Override
        public void insert(String quotedTable, List<String> columns, byte[] data, int offset, int length, String format,
                           String queryId, Map<String, String> settings) throws ClickHouseException {
            byte[] bytes = java.util.Arrays.copyOfRange(data, offset, offset + length);
            if (quotedTable.contains("_errors")) {
                sent.add(new Sent(quotedTable, List.of(), settings, bytes));
                return;
            }
            List<Long> ids = BatchWriterTest.ids(data, offset, length, format);
            sent.add(new Sent(quotedTable, ids, settings, bytes));
            ClickHouseException refusal = answer.apply(ids);
            if (refusal != null) {
                throw refusal;
            }
        }

        @Override
        public byte[] query(String sql) {
            return "{\"name\":\"id\",\"type\":\"UInt64\",\"default_kind\":\"\",\"default_expression\":\"\"}\n"
                    .getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public void execute(String sql) {
            throw new UnsupportedOperationException(sql);
        }

        @Override
        public String describe() {
            return "scripted";
        }

        @Override
        public void close() {
        }

        List<Sent> into(String table) {
            return sent.stream().filter(s -> s.table.equals(table)).toList();
        }
    }

    private static ClickHouseException refusal(int code, String text) {
        return new ClickHouseException(code, 500, "Code: " + code + ", e.displayText() = DB::Exception: " + text, null);
    }

    private static final TableSchema SCHEMA = new TableSchema("db", "t",
            List.of(new TableColumn("id", ClickHouseType.parse("UInt64"), TableColumn.DefaultKind.NONE, "")),
            ServerVersion.parse("26.5.1.1"), ZoneId.of("UTC"), false);
    private final MetricsRecorder metrics = MetricsRecorder.NONE;

    private BatchWriter writer(ClickHouseTransport transport, BatchWriter.ExactlyOnce exactlyOnce) {
        ClickHouseSink.Config config = ClickHouseSink.builder().endpoint("http://127.0.0.1:9").table("t")
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2)).build().config();
        SinkContext context = new SinkContext() {
            @Override
            public String pipelineName() {
                return "eos";
            }

            @Override
            public MetricsRecorder metrics() {
                return metrics;
            }
        };
        return new BatchWriter(transport, SCHEMA, config, "eos", metrics,
                new TableChanges(transport, context, SCHEMA, new Backoff(Duration.ofMillis(1), Duration.ofMillis(2))), exactlyOnce);
    }

    /** Rows with ids {@code 0..rows-1} at offsets {@code 100 + id} of split {@code s1}, and one decode error at offset 100 + rows. */
    private static Batch batch(int rows) {
        Batch batch = new Batch(1, 0, SCHEMA, new RowBinaryOutput(64), 1 << 20, TestRecord.CODEC, new dev.tributary.core.RecordSlab(64));
        for (long id = 0; id < rows; id++) {
            batch.data.writeLongLE(id);
            batch.endRow(new TestRecord(new TestRecord.Position("s1", 100 + id), null, new byte[] {(byte) id}, 0));
        }
        batch.appendError(new TestRecord(new TestRecord.Position("s1", 100 + rows), null, "{bad".getBytes(StandardCharsets.UTF_8), 0),
                ErrorKind.DECODE, "malformed");
        return batch;
    }

    private static final PendingRange RANGE = new PendingRange(new TestRecord.Position("s1", 100),
            new TestRecord.Position("s1", 108), 1_700_000_123_000L);

    @Test
    void eachInsertCarriesTheTokenOfItsFirstAndLastRowAndNarrowingGivesEachPartItsOwn() {
        Scripted server = new Scripted(ids -> ids.contains(5L) ? refusal(6, "Cannot parse string 'x' as UInt8") : null);
        writer(server, new BatchWriter.ExactlyOnce(true, true)).write(batch(8), RANGE);

        List<String> tokens = server.into("`db`.`t`").stream().map(s -> s.settings.get("insert_deduplication_token")).toList();
        assertEquals(List.of("db.t/s1@100..s1@107", "db.t/s1@100..s1@103", "db.t/s1@104..s1@107", "db.t/s1@104..s1@105",
                "db.t/s1@104..s1@104", "db.t/s1@105..s1@105", "db.t/s1@106..s1@107"), tokens);
        for (Sent insert : server.sent) {
            assertEquals("1", insert.settings.get("insert_deduplicate"), insert.toString());
            assertEquals("0", insert.settings.get("async_insert"), insert.toString());
        }
        // One error insert: the decode error (offset 108) then the refused row (offset 105), with their own token.
        List<Sent> errors = server.into("`db`.`t_errors`");
        assertEquals(1, errors.size());
        assertEquals("db.t_errors/s1@108..s1@105", errors.get(0).settings.get("insert_deduplication_token"));
    }

    @Test
    void errorRowsCarryTheRangesSealingTimeSoThatAReplayWritesTheSameBytes() {
        Scripted first = new Scripted(ids -> ids.contains(2L) ? refusal(6, "Cannot parse string 'x' as UInt8") : null);
        writer(first, new BatchWriter.ExactlyOnce(true, true)).write(batch(4), RANGE);
        Scripted replay = new Scripted(ids -> ids.contains(2L) ? refusal(6, "Cannot parse string 'x' as UInt8") : null);
        writer(replay, new BatchWriter.ExactlyOnce(true, true)).write(batch(4), RANGE);

        byte[] errorRows = first.into("`db`.`t_errors`").get(0).bytes;
        int seconds = ByteBuffer.wrap(errorRows).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        assertEquals(RANGE.sealedAtMillis() / 1000, seconds);
        assertEquals(first.sent.stream().map(s -> s.settings).toList(), replay.sent.stream().map(s -> s.settings).toList());
        assertTrue(java.util.Arrays.equals(errorRows, replay.into("`db`.`t_errors`").get(0).bytes), "the same error rows");
    }

    @Test
    void beforeTokensInsertsStillAskForDeduplication() {
        Scripted server = new Scripted(ids -> null);
        writer(server, new BatchWriter.ExactlyOnce(false, false)).write(batch(3), RANGE);
        for (Sent insert : server.sent) {
            assertEquals(Map.of("insert_deduplicate", "1"), insert.settings, insert.toString());
        }
    }

    @Test
    void aMemoryLimitIsRetriedWholeNeverSplitOn() {
        int[] refusals = {3};
        Scripted server = new Scripted(ids -> refusals[0]-- > 0
                ? refusal(241, "Memory limit (for query) exceeded: would use 4.00 MiB, maximum: 3.81 MiB") : null);
        writer(server, new BatchWriter.ExactlyOnce(true, true)).write(batch(8), RANGE);
        List<Sent> rows = server.into("`db`.`t`");
        assertEquals(4, rows.size());
        assertTrue(rows.stream().allMatch(s -> s.ids.size() == 8 && s.settings.get("insert_deduplication_token")
                .equals("db.t/s1@100..s1@107")), rows.toString());
    }

    @Test
    void atLeastOnceInsertsCarryOnlyTheUsersSettings() {
        Scripted server = new Scripted(ids -> null);
        writer(server, null).write(batch(3));
        for (Sent insert : server.sent) {
            assertNull(insert.settings.get("insert_deduplication_token"), insert.toString());
            assertFalse(insert.settings.containsKey("insert_deduplicate"), insert.toString());
        }
    }
}
