package dev.tributary.avro;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import org.junit.jupiter.api.AfterAll;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fuzzes the Avro decoder: arbitrary bytes as the body of a message written with a schema of every
 * Avro type and logical type ({@link AllTypes}), read into the table {@link AvroTableDdl} makes for
 * it, by the fast path ({@link AvroSchemaMapper}, straight from the bytes into the row) and by the
 * slow path ({@link AvroRecord#field} under {@link DefaultSchemaMapper}). The only exception that
 * may come out is the library's own {@link MappingException} (DECODE for broken bytes, MAPPING for
 * a value that does not fit); anything else would stop a pipeline, so Jazzer reports it.
 *
 * <p>Run by the {@code fuzz} Surefire execution (see the root pom) with {@code JAZZER_FUZZ=1} for
 * {@code -Dfuzz.duration}; without it the seeds in {@code src/test/resources} are replayed.
 */
class AvroDecodeMapFuzzTest {

    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static final AtomicLong FAST_ROWS = new AtomicLong();
    private static final AtomicLong SLOW_ROWS = new AtomicLong();

    private static final MappingPlan FAST;
    private static final MappingPlan SLOW;

    static {
        AvroTableDdl ddl = AvroTableDdl.builder().schema(AllTypes.SCHEMA).table("fuzz").orderBy("id").build();
        FAST = AvroSchemaMapper.create().plan(AvroTestSupport.table(ddl), List.of());
        SLOW = DefaultSchemaMapper.create().plan(AvroTestSupport.table(ddl), List.of());
    }

    private final RowBinaryOutput out = new RowBinaryOutput(4096);

    @FuzzTest(maxDuration = "30s")
    void decodingArbitraryBytesRaisesOnlyTheLibrarysErrors(byte[] body) {
        EXECUTIONS.incrementAndGet();
        SourceRecord record = AvroTestSupport.sourceRecord(body);
        for (MappingPlan plan : new MappingPlan[] {FAST, SLOW}) {
            // A fresh record per plan: the slow path caches what it decoded.
            AvroRecord decoded = AvroTestSupport.decoded(1, AllTypes.SCHEMA, body);
            int start = out.size();
            try {
                plan.writeRow(decoded, record, out);
                (plan == FAST ? FAST_ROWS : SLOW_ROWS).incrementAndGet();
            } catch (MappingException expected) {
                // an error-table row, DECODE or MAPPING
            } finally {
                out.truncate(start);
            }
        }
    }

    @AfterAll
    static void report() {
        System.out.printf("FUZZ avro_decode_map executions=%d fast_rows=%d slow_rows=%d%n", EXECUTIONS.get(),
                FAST_ROWS.get(), SLOW_ROWS.get());
    }
}
