package dev.tributary.protobuf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.Descriptors;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fuzzes the Protobuf decoder: arbitrary bytes as the body of an order of every type
 * ({@link Protos#ORDER}), read into the table {@link ProtobufTableDdl} makes for it, by the fast
 * path ({@link ProtobufSchemaMapper}) and the slow path ({@link ProtobufRecord#field} under
 * {@link DefaultSchemaMapper}). The only exception that may come out is the library's own
 * {@link MappingException} (DECODE for broken bytes, MAPPING for a value that does not fit);
 * anything else would stop a pipeline, so Jazzer reports it.
 *
 * <p>Run by the {@code fuzz} Surefire execution (see the root pom) with {@code JAZZER_FUZZ=1} for
 * {@code -Dfuzz.duration}; without it the seeds are replayed.
 */
class ProtobufDecodeMapFuzzTest {

    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static final AtomicLong FAST_ROWS = new AtomicLong();
    private static final AtomicLong SLOW_ROWS = new AtomicLong();
    private static final Descriptors.Descriptor ORDER = Protos.order();
    private static final MappingPlan FAST;
    private static final MappingPlan SLOW;
    /** An input that takes longer than this is a finding: hostile records must cost milliseconds. */
    private static final long MAX_NANOS_PER_INPUT = Duration.ofSeconds(5).toNanos();

    static {
        ProtobufTableDdl ddl = ProtobufTableDdl.builder().message(ORDER).table("fuzz").orderBy("id").build();
        FAST = ProtobufSchemaMapper.create().plan(PbTestSupport.table(ddl), List.of());
        SLOW = DefaultSchemaMapper.create().plan(PbTestSupport.table(ddl), List.of());
    }

    private final RowBinaryOutput out = new RowBinaryOutput(4096);

    @FuzzTest(maxDuration = "30s")
    void decodingArbitraryBytesRaisesOnlyTheLibrarysErrors(byte[] body) {
        EXECUTIONS.incrementAndGet();
        long started = System.nanoTime();
        SourceRecord record = PbTestSupport.sourceRecord(body);
        for (MappingPlan plan : new MappingPlan[] {FAST, SLOW}) {
            int start = out.size();
            try {
                plan.writeRow(PbTestSupport.decoded(ORDER, body), record, out); // a fresh record: the slow path caches
                (plan == FAST ? FAST_ROWS : SLOW_ROWS).incrementAndGet();
            } catch (MappingException expected) {
                // an error-table row, DECODE or MAPPING
            } finally {
                out.truncate(start);
            }
        }
        long nanos = System.nanoTime() - started;
        if (nanos > MAX_NANOS_PER_INPUT) {
            throw new AssertionError("an input of " + body.length + " bytes took " + nanos / 1_000_000 + " ms");
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("FUZZ protobuf_decode_map executions=%d fast_rows=%d slow_rows=%d%n", EXECUTIONS.get(),
                FAST_ROWS.get(), SLOW_ROWS.get());
    }
}
