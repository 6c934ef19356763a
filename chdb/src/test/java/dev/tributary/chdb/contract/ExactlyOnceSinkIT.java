package dev.tributary.chdb.contract;

import dev.tributary.core.DeliveryGuarantee;
import dev.tributary.core.ErrorKind;
import dev.tributary.core.MappingException;
import dev.tributary.core.PendingRange;
import dev.tributary.core.RecordCodec;
import dev.tributary.core.SinkContext;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.testkit.ChDb;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.WithZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sink's side of exactly-once delivery on real engines: on the 26.5 engine (tokens), a range written
 * again — by the same sink or another — keeps one copy of its rows and of its error rows, narrowed the same
 * way; and open refuses tables that do not deduplicate, naming what to change, on 26.5 and on 18.16.
 */
@ExtendWith(TestServers.class)
class ExactlyOnceSinkIT {

    private static final String DEDUP = " SETTINGS non_replicated_deduplication_window = 1000";
    /** Rows {@code id, split}; the engine refuses id 13 for its data (a CHECK constraint). */
    private static final String COLUMNS = "(id UInt64, split String, CONSTRAINT not_13 CHECK id != 13) ENGINE = MergeTree ORDER BY id";

    private static SinkContext exactlyOnce(String pipeline) {
        MetricsRecorder metrics = MetricsRecorder.NONE;
        return new SinkContext() {
            @Override
            public String pipelineName() {
                return pipeline;
            }

            @Override
            public MetricsRecorder metrics() {
                return metrics;
            }

            @Override
            public DeliveryGuarantee deliveryGuarantee() {
                return DeliveryGuarantee.EXACTLY_ONCE;
            }

            @Override
            public RecordCodec recordCodec() {
                return TestRecord.CODEC;
            }
        };
    }

    private static TestRecord record(String split, long offset) {
        return new TestRecord(new TestRecord.Position(split, offset), null,
                ("{\"id\":" + offset + "}").getBytes(StandardCharsets.UTF_8), 0);
    }

    private static void appendRow(ClickHouseSink sink, String split, long offset) throws MappingException {
        sink.append(record(split, offset), out -> {
            out.writeLongLE(offset);
            out.writeString(split);
        });
    }

    private static PendingRange range(String split, long first, long last, long sealedAt) {
        return new PendingRange(new TestRecord.Position(split, first), new TestRecord.Position(split, last), sealedAt);
    }

    /** When the ranges were sealed: recent, as the error table's TTL (7 days) drops older rows. */
    private static final long SEALED_AT = System.currentTimeMillis() - 60_000;
    /** Split s0: offsets 0..19 (13 refused by the engine); split s1: offsets 100..109 as rows, 110 a decode error. */
    private static final Map<String, PendingRange> RANGES = Map.of("s0", range("s0", 0, 19, SEALED_AT),
            "s1", range("s1", 100, 110, SEALED_AT + 5_000));

    private static void writeRanges(ClickHouseSink sink) throws Exception {
        for (long offset = 0; offset < 20; offset++) {
            appendRow(sink, "s0", offset);
            if (offset < 10) {
                appendRow(sink, "s1", 100 + offset); // the splits interleave, as a consumer's polls do
            }
        }
        sink.appendError(record("s1", 110), ErrorKind.DECODE, "malformed JSON at 1:7");
        sink.flush(RANGES).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aRangeWrittenAgainKeepsOneCopyOfItsRowsAndErrorRows(ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        engine.recreate("eos_twice", COLUMNS + DEDUP);
        try (ClickHouseSink sink = engine.sink("eos_twice").build()) {
            sink.open(exactlyOnce("eos-it"));
            writeRanges(sink);
            writeRanges(sink); // the same sink replaying
        }
        try (ClickHouseSink other = engine.sink("eos_twice").build()) {
            other.open(exactlyOnce("eos-it"));
            writeRanges(other); // another instance replaying after a crash
        }
        assertEquals(29, engine.longValue("SELECT count() FROM eos_twice"));
        assertEquals(29, engine.longValue("SELECT uniqExact(id) FROM eos_twice"));
        assertEquals(List.of(List.of("INSERT", "s0", "s0@13", String.valueOf(SEALED_AT / 1000)),
                        List.of("DECODE", "s1", "s1@110", String.valueOf(SEALED_AT / 1000 + 5))),
                engine.rows("SELECT error_kind, split, position, toUnixTimestamp(time) FROM eos_twice_errors ORDER BY split"));
        assertTrue(engine.value("SELECT create_table_query FROM system.tables WHERE database = 'default' AND name = 'eos_twice_errors'")
                .contains("non_replicated_deduplication_window = 1000"), "the sink made its error table deduplicate");
    }

    @Test
    void rangesWithTheSameRowsAtOtherPositionsAreNotDuplicates(ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        engine.recreate("eos_same_rows", "(v String) ENGINE = MergeTree ORDER BY v" + DEDUP);
        try (ClickHouseSink sink = engine.sink("eos_same_rows").build()) {
            sink.open(exactlyOnce("eos-it"));
            for (long offset = 0; offset < 2; offset++) {
                sink.append(record("s0", offset), out -> out.writeString("the same row"));
                sink.flush(Map.of("s0", range("s0", offset, offset, 1_700_000_000_000L))).get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals(2, engine.longValue("SELECT count() FROM eos_same_rows"), "the token, not the content, names an insert");
    }

    @Test
    void discardedSplitsAreNotWrittenSplitsNotNamedStayOpenAndTheBoundsCountEverySplit(ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        engine.recreate("eos_discard", COLUMNS + DEDUP);
        try (ClickHouseSink sink = engine.sink("eos_discard").maxRows(15).build()) {
            sink.open(exactlyOnce("eos-it"));
            assertTrue(sink.isEmpty());
            for (long offset = 0; offset < 5; offset++) {
                appendRow(sink, "s0", offset);
                appendRow(sink, "s1", 100 + offset);
                appendRow(sink, "s2", 200 + offset);
            }
            assertTrue(sink.isFlushDue(), "15 rows over three splits reach maxRows 15");
            sink.discard(List.of("s2"));
            assertFalse(sink.isFlushDue(), "10 rows left");
            sink.flush(Map.of("s0", range("s0", 0, 4, SEALED_AT))).get(30, TimeUnit.SECONDS);
            assertFalse(sink.isEmpty(), "s1, not named, stays open");
            assertEquals(List.of(List.of("s0", "5")), engine.rows("SELECT split, count() FROM eos_discard GROUP BY split"));
            appendRow(sink, "s1", 105);
            sink.flush(Map.of("s1", range("s1", 100, 105, SEALED_AT))).get(30, TimeUnit.SECONDS);
            assertTrue(sink.isEmpty());
        }
        assertEquals(List.of(List.of("s0", "5"), List.of("s1", "6")),
                engine.rows("SELECT split, count() FROM eos_discard GROUP BY split ORDER BY split"));
    }

    @Test
    void eachModeRefusesTheOthersFlush(ChDb chdb) throws Exception {
        ContractTarget engine = ContractTarget.embedded(chdb);
        engine.recreate("eos_modes", COLUMNS + DEDUP);
        try (ClickHouseSink sink = engine.sink("eos_modes").build()) {
            sink.open(exactlyOnce("eos-it"));
            appendRow(sink, "s0", 0);
            String refusal = assertThrows(IllegalStateException.class, sink::flush).getMessage();
            assertTrue(refusal.contains("are sealed by flush(ranges)"), refusal);
        }
        try (ClickHouseSink sink = engine.sink("eos_modes").build()) {
            sink.open(new SinkContext() {
                private final MetricsRecorder metrics = MetricsRecorder.NONE;

                @Override
                public String pipelineName() {
                    return "alo-it";
                }

                @Override
                public MetricsRecorder metrics() {
                    return metrics;
                }
            });
            appendRow(sink, "s0", 0);
            String refusal = assertThrows(IllegalStateException.class,
                    () -> sink.flush(Map.of("s0", range("s0", 0, 0, SEALED_AT)))).getMessage();
            assertTrue(refusal.contains("opened for at-least-once delivery"), refusal);
            sink.flush().get(30, TimeUnit.SECONDS);
        }
        assertEquals(1, engine.longValue("SELECT count() FROM eos_modes"));
    }

    @Test
    void openRefusesTablesThatDoNotDeduplicateNamingWhatToChange(ChDb chdb) {
        ContractTarget engine = ContractTarget.embedded(chdb);
        engine.recreate("eos_window0", COLUMNS);
        assertTrue(refusal(engine.sink("eos_window0")).contains("its non_replicated_deduplication_window is 0 (the server's"
                + " default), which keeps none; run ALTER TABLE `default`.`eos_window0` MODIFY SETTING"
                + " non_replicated_deduplication_window = 1000"));

        engine.recreate("eos_small", COLUMNS + " SETTINGS non_replicated_deduplication_window = 4");
        String small = refusal(engine.sink("eos_small").maxInFlightBatches(2));
        assertTrue(small.contains("to remember at least 6 inserts") && small.contains("is 4"), small);

        engine.recreate("eos_memory", "(id UInt64) ENGINE = Memory");
        assertTrue(refusal(engine.sink("eos_memory")).contains("MergeTree family, which deduplicates inserts, but its engine is Memory"));

        engine.recreate("eos_errors", COLUMNS + DEDUP);
        engine.execute("CREATE TABLE eos_errors_errors (time DateTime, pipeline String, split String, position String,"
                + " error_kind String, message String, raw_key Nullable(String), raw_value Nullable(String))"
                + " ENGINE = MergeTree ORDER BY time");
        String errors = refusal(engine.sink("eos_errors"));
        assertTrue(errors.contains("the error table `default`.`eos_errors_errors` to deduplicate"), errors);

        engine.recreate("eos_async", COLUMNS + DEDUP);
        String async = refusal(engine.sink("eos_async").insertSetting("async_insert", "1").insertSetting("wait_for_async_insert", "1"));
        assertTrue(async.contains("exactly-once delivery cannot use async_insert=1") && async.contains("remove the async_insert"), async);
    }

    @Test
    void onAServerWithoutTokensANonReplicatedTableIsRefused(ClickHouseServer clickhouse) {
        ContractTarget old = ContractTarget.http(clickhouse);
        old.recreate("eos_old", "(id UInt64) ENGINE = MergeTree ORDER BY id");
        String refusal = refusal(old.sink("eos_old"));
        assertTrue(refusal.contains("exactly-once delivery on ClickHouse 18.16") && refusal.contains("(before 22.2) needs the"
                + " target table `default`.`eos_old` to be Replicated"), refusal);
        assertEquals(0, old.longValue("SELECT count() FROM system.tables WHERE database = 'default' AND name = 'eos_old_errors'"),
                "no error table made beside a table that cannot take exactly-once inserts");
    }

    /**
     * 18.16 (no tokens): a Replicated table drops a block it already has, by content. Rows {@code id, split,
     * n.a, n.b}; the server refuses id 13 for its data (a Nested structure's arrays of different sizes, 190).
     */
    private static void writeRangesNested(ClickHouseSink sink) throws Exception {
        for (long offset = 0; offset < 20; offset++) {
            appendNested(sink, "s0", offset);
            if (offset < 10) {
                appendNested(sink, "s1", 100 + offset);
            }
        }
        sink.appendError(record("s1", 110), ErrorKind.DECODE, "malformed JSON at 1:7");
        sink.flush(RANGES).get(30, TimeUnit.SECONDS);
    }

    private static void appendNested(ClickHouseSink sink, String split, long offset) throws MappingException {
        sink.append(record(split, offset), out -> {
            out.writeLongLE(offset);
            out.writeString(split);
            out.writeVarUInt(1); // n.a = [offset]
            out.writeByte((byte) offset);
            if (offset == 13) {
                out.writeVarUInt(0); // n.b = []: sizes differ
            } else {
                out.writeVarUInt(1);
                out.writeByte((byte) offset);
            }
        });
    }

    @Test
    void onAServerWithoutTokensAReplicatedTableKeepsOneCopyOfARangeWrittenAgain(@WithZooKeeper ClickHouseServer clickhouse)
            throws Exception {
        ContractTarget old = ContractTarget.http(clickhouse);
        old.recreate("eos_replicated", "(id UInt64, split String, n Nested(a UInt8, b UInt8)) ENGINE = "
                + clickhouse.replicatedMergeTree("eos_replicated") + " ORDER BY id");
        try (ClickHouseSink sink = old.sink("eos_replicated").build()) {
            sink.open(exactlyOnce("eos-it"));
            writeRangesNested(sink);
            writeRangesNested(sink);
        }
        try (ClickHouseSink other = old.sink("eos_replicated").build()) {
            other.open(exactlyOnce("eos-it"));
            writeRangesNested(other);
        }
        assertEquals(29, old.longValue("SELECT count() FROM eos_replicated"));
        assertEquals(29, old.longValue("SELECT uniqExact(id) FROM eos_replicated"));
        assertEquals(List.of(List.of("INSERT", "s0", "s0@13"), List.of("DECODE", "s1", "s1@110")),
                old.rows("SELECT error_kind, split, position FROM eos_replicated_errors ORDER BY split"));
        List<List<String>> replicas = old.rows("SELECT table, zookeeper_path, replica_name FROM system.replicas"
                + " WHERE database = 'default' AND table IN ('eos_replicated', 'eos_replicated_errors') ORDER BY table");
        assertEquals(2, replicas.size(), "the sink made its error table Replicated: " + replicas);
        assertEquals(replicas.get(0).get(1) + "_tributary_errors", replicas.get(1).get(1));
        assertEquals(replicas.get(0).get(2), replicas.get(1).get(2));
    }

    @Test
    void onAServerWithoutTokensAnErrorTableThatIsNotReplicatedIsRefused(@WithZooKeeper ClickHouseServer clickhouse) {
        ContractTarget old = ContractTarget.http(clickhouse);
        old.recreate("eos_plain_errors", "(id UInt64) ENGINE = " + clickhouse.replicatedMergeTree("eos_plain_errors") + " ORDER BY id");
        old.execute("CREATE TABLE eos_plain_errors_errors (time DateTime, pipeline String, split String, position String,"
                + " error_kind String, message String, raw_key Nullable(String), raw_value Nullable(String))"
                + " ENGINE = MergeTree ORDER BY time");
        String refusal = refusal(old.sink("eos_plain_errors"));
        assertTrue(refusal.contains("needs the error table `default`.`eos_plain_errors_errors` to be Replicated"), refusal);
    }

    /** The message of open's refusal of exactly-once with this sink. */
    private static String refusal(ClickHouseSink.Builder builder) {
        try (ClickHouseSink sink = builder.build()) {
            return assertThrows(IllegalStateException.class, () -> sink.open(exactlyOnce("eos-it"))).getMessage();
        }
    }
}
