package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.SinkContext;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A batch is due {@code maxAge} after its first record, as documented, not after it was opened: the first
 * record after an idle gap waits for others instead of going alone. The sink's clock is set by the test.
 */
@ExtendWith(TestServers.class)
class BatchMaxAgeIT {

    private static final Duration MAX_AGE = Duration.ofSeconds(5);

    private static TestRecord record(long offset) {
        return new TestRecord(new TestRecord.Position("s0", offset), null,
                ("{\"id\":" + offset + "}").getBytes(StandardCharsets.UTF_8), 0);
    }

    private static SinkContext context() {
        return new SinkContext() {
            @Override
            public String pipelineName() {
                return "max-age";
            }

            @Override
            public MetricsRecorder metrics() {
                return MetricsRecorder.NONE;
            }
        };
    }

    @Test
    void aBatchIsDueMaxAgeAfterItsFirstRecordWhateverTheIdleTimeBefore(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS aged");
        sql.execute("DROP TABLE IF EXISTS aged_errors");
        sql.execute("CREATE TABLE aged (id UInt64) ENGINE = MergeTree ORDER BY id");
        AtomicLong now = new AtomicLong(1_000_000_000L);
        try (ClickHouseSink sink = ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table("aged")
                .credentials(clickhouse.user(), clickhouse.password()).maxAge(MAX_AGE).build()) {
            sink.clock(now::get);
            sink.open(context());
            now.addAndGet(TimeUnit.MINUTES.toNanos(1)); // idle: nothing to read for a minute
            assertFalse(sink.isFlushDue(), "an empty batch is never due");

            sink.append(record(0), out -> out.writeLongLE(0));
            assertFalse(sink.isFlushDue(), "the first record after an idle minute waits for others");
            now.addAndGet(MAX_AGE.toNanos() - 1);
            sink.append(record(1), out -> out.writeLongLE(1));
            assertFalse(sink.isFlushDue(), "not yet maxAge after the first record");
            now.addAndGet(1);
            assertTrue(sink.isFlushDue(), "maxAge after the first record");
            sink.flush().get(1, TimeUnit.MINUTES);
            assertEquals(2, sql.longValue("SELECT count() FROM aged"), "both records in the batch");

            // Likewise for a batch whose first record goes to the error table.
            now.addAndGet(TimeUnit.MINUTES.toNanos(1));
            sink.appendError(record(2), ErrorKind.DECODE, "not a record");
            assertFalse(sink.isFlushDue(), "an error record after an idle minute waits for others");
            now.addAndGet(MAX_AGE.toNanos());
            assertTrue(sink.isFlushDue(), "maxAge after the error record");
            sink.flush().get(1, TimeUnit.MINUTES);
            assertEquals(1, sql.longValue("SELECT count() FROM aged_errors"));
        }
    }
}
