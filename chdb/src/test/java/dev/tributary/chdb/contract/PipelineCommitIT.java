package dev.tributary.chdb.contract;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.FieldPath;
import dev.tributary.core.Pipeline;
import dev.tributary.core.RetriableException;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the pipeline commits, and when (ClickHouse 18.16 and the 26.5 engine). */
class PipelineCommitIT {


    private static GeneratedSource ids(int splits, long total) {
        return new GeneratedSource(splits, total, 1_000, i -> ("{\"id\":" + i + "}").getBytes(StandardCharsets.UTF_8));
    }

    private static ClickHouseSink.Builder sink(ContractTarget clickhouse, String table) {
        clickhouse.recreate(table, "(id UInt64) ENGINE = MergeTree ORDER BY id");
        return clickhouse.sink(table);
    }

    /** A decoder that delegates to JSON, with a hook that runs before each decode. */
    private static final class HookedDecoder implements Decoder {
        private final Decoder json = JsonDecoder.create();
        private final Hook hook;

        interface Hook {
            DecodedRecord before(SourceRecord record, Decoder json) throws DecodeException;
        }

        HookedDecoder(Hook hook) {
            this.hook = hook;
        }

        @Override
        public DecodedRecord decode(SourceRecord record) throws DecodeException {
            return hook.before(record, json);
        }

        @Override
        public void onlyFields(Set<FieldPath> fields) {
            json.onlyFields(fields);
        }
    }

    private static String id(SourceRecord record) {
        return new String(record.value(), StandardCharsets.UTF_8).replaceAll("\\D", "");
    }

    @BothTargets
    void commitsFollowALandedBatchAtOnceNotTheNextPoll(ContractTarget clickhouse) throws Exception {
        GeneratedSource source = ids(1, 0);
        Duration pollTimeout = Duration.ofSeconds(6);
        try (Pipeline pipeline = Pipeline.builder().name("prompt-commit").source(source).decoder(JsonDecoder.create())
                .sink(sink(clickhouse, "prompt_commit").maxRows(1_000).maxAge(Duration.ofMinutes(1)).build())
                .pollTimeout(pollTimeout).metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("pipeline running", Duration.ofSeconds(30), () -> pipeline.state() == Pipeline.State.RUNNING);
            ContractTarget sql = clickhouse;
            source.add(1_000); // a full batch: sealed at once, then the pipeline waits in poll
            await("the batch in ClickHouse", Duration.ofSeconds(30), () -> sql.longValue("SELECT count() FROM prompt_commit") == 1_000);
            long landed = System.nanoTime();
            await("the commit", pollTimeout.multipliedBy(2), () -> source.committedCount() == 1_000);
            Duration after = Duration.ofNanos(System.nanoTime() - landed);
            assertTrue(after.compareTo(pollTimeout.dividedBy(3)) < 0, "committed " + after + " after the batch landed");
        }
    }

    @BothTargets
    void aDecoderThatReturnsNullGivesAnErrorRow(ContractTarget clickhouse) throws Exception {
        GeneratedSource source = ids(2, 100);
        HookedDecoder decoder = new HookedDecoder((record, json) -> id(record).equals("42") ? null : json.decode(record));
        try (Pipeline pipeline = Pipeline.builder().name("null-decode").source(source).decoder(decoder)
                .sink(sink(clickhouse, "null_decode").maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("every record committed", Duration.ofMinutes(1), () -> source.committedCount() == 100);
        }
        ContractTarget sql = clickhouse;
        assertEquals(99, sql.longValue("SELECT count() FROM null_decode"));
        assertEquals(List.of(List.of("DECODE", "{\"id\":42}")), sql.rows("SELECT error_kind, raw_value FROM null_decode_errors"));
        assertTrue(sql.value("SELECT message FROM null_decode_errors").contains("returned no record"));
    }

    @BothTargets
    void aSplitRevokedWhileTheDecoderWaitsIsNeverCommittedAfterwards(ContractTarget clickhouse) throws Exception {
        // Records 0..19 over splits s0 (even ids) and s1 (odd ids), all in one poll. Decoding id 8 (s0,
        // offset 4) waits for a dependency; while it waits, s0 is revoked and its offsets up to 3 are
        // committed. Its new owner reads on from offset 4: this pipeline must neither write nor commit
        // anything of s0 any more.
        GeneratedSource source = ids(2, 20);
        int[] failures = {0};
        HookedDecoder decoder = new HookedDecoder((record, json) -> {
            if (id(record).equals("8") && failures[0]++ < 3) {
                if (failures[0] == 1) {
                    source.revokeAtNextPoll("s0");
                }
                throw new RetriableException("registry down (test)", null);
            }
            return json.decode(record);
        });
        try (Pipeline pipeline = Pipeline.builder().name("revoked").source(source).decoder(decoder)
                .sink(sink(clickhouse, "revoked").maxAge(Duration.ofMillis(200)).build())
                .retryBackoffMax(Duration.ofMillis(100)).metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("s1 committed", Duration.ofMinutes(1), () -> Long.valueOf(9).equals(source.committedOffset("s1")));
        }
        assertEquals(3L, source.committedOffset("s0"));
        assertEquals(List.of(List.of("14", "0")), clickhouse.rows(
                "SELECT count(), countIf(id % 2 = 0 AND id >= 8) FROM revoked"));
    }
}
