package dev.tributary.avro;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableSchema;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    /** Recursive and zero-width schemas ({@link HostileAvroTest}) with their fast and slow plans. */
    private static final List<Map.Entry<Schema, MappingPlan>> HOSTILE = new ArrayList<>();
    /** An input that takes longer than this is a finding: hostile records must cost milliseconds. */
    private static final long MAX_NANOS_PER_INPUT = Duration.ofSeconds(5).toNanos();

    static {
        AvroTableDdl ddl = AvroTableDdl.builder().schema(AllTypes.SCHEMA).table("fuzz").orderBy("id").build();
        FAST = AvroSchemaMapper.create().plan(AvroTestSupport.table(ddl), List.of());
        SLOW = DefaultSchemaMapper.create().plan(AvroTestSupport.table(ddl), List.of());
        TableSchema idOnly = AvroTestSupport.table("id", "Int64");
        TableSchema nulls = AvroTestSupport.table("id", "Int64", "nothing", "Array(Nullable(String))");
        for (Schema schema : List.of(HostileAvroTest.LIST, HostileAvroTest.TREE, HostileAvroTest.NULLS)) {
            for (TableSchema table : schema == HostileAvroTest.NULLS ? List.of(idOnly, nulls) : List.of(idOnly)) {
                HOSTILE.add(Map.entry(schema, AvroSchemaMapper.create().plan(table, List.of())));
                HOSTILE.add(Map.entry(schema, DefaultSchemaMapper.create().plan(table, List.of())));
            }
        }
    }

    private final RowBinaryOutput out = new RowBinaryOutput(4096);

    @FuzzTest(maxDuration = "30s")
    void decodingArbitraryBytesRaisesOnlyTheLibrarysErrors(byte[] body) {
        EXECUTIONS.incrementAndGet();
        long started = System.nanoTime();
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
        for (Map.Entry<Schema, MappingPlan> hostile : HOSTILE) {
            int start = out.size();
            try {
                hostile.getValue().writeRow(AvroTestSupport.decoded(2, hostile.getKey(), body), record, out);
            } catch (MappingException expected) {
                // an error-table row
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
        System.out.printf("FUZZ avro_decode_map executions=%d fast_rows=%d slow_rows=%d%n", EXECUTIONS.get(),
                FAST_ROWS.get(), SLOW_ROWS.get());
    }
}
