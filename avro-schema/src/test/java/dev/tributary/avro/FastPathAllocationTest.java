package dev.tributary.avro;

import dev.tributary.core.DecodedRecord;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableSchema;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fast path builds no object tree per message: measured with the JVM's per-thread allocation
 * counter over many messages of a typical event schema, next to the generic slow path. Prints the
 * rates it saw (for information; only the allocation bound is asserted).
 */
class FastPathAllocationTest {

    private static final Schema EVENT = AvroTestSupport.parse("""
            {"type": "record", "name": "Click", "fields": [
              {"name": "id", "type": "long"},
              {"name": "ts", "type": {"type": "long", "logicalType": "timestamp-millis"}},
              {"name": "user", "type": "string"},
              {"name": "kind", "type": {"type": "enum", "name": "Kind", "symbols": ["VIEW", "CLICK", "BUY"]}},
              {"name": "amount", "type": "double"},
              {"name": "country", "type": ["null", "string"]},
              {"name": "session", "type": "int"},
              {"name": "tags", "type": {"type": "array", "items": "string"}},
              {"name": "debug", "type": "string"}]}""");
    private static final int MESSAGES = 1_000;
    private static final int ROUNDS = 300;

    @Test
    void theFastPathAllocatesAlmostNothingPerMessage() throws Exception {
        TableSchema table = AvroTestSupport.table("id", "UInt64", "ts", "DateTime64(3)", "user", "String",
                "kind", "Enum8('VIEW' = 1, 'CLICK' = 2, 'BUY' = 3)", "amount", "Float64", "country", "LowCardinality(Nullable(String))",
                "session", "UInt32", "tags", "Array(String)");
        ResolvedSchema schema = new ResolvedSchema(1, EVENT, null);
        byte[][] messages = new byte[MESSAGES][];
        for (int i = 0; i < MESSAGES; i++) {
            GenericData.Record event = AvroTestSupport.record(EVENT, Map.of("id", (long) i, "ts", Instant.ofEpochMilli(1_700_000_000_000L + i),
                    "user", "user-" + (i % 97), "kind", new GenericData.EnumSymbol(EVENT.getField("kind").schema(), i % 3 == 0 ? "BUY" : "VIEW"),
                    "amount", i * 0.25, "session", i % 1000, "tags", List.of("a", "b" + (i % 5)), "debug", "x".repeat(40)));
            event.put("country", i % 4 == 0 ? null : "NL");
            messages[i] = AvroTestSupport.confluent(1, EVENT, event);
        }
        MappingPlan fast = AvroSchemaMapper.create().plan(table, List.of());
        MappingPlan slow = DefaultSchemaMapper.create().plan(table, List.of());
        assertArrayEquals(rows(fast, schema, messages), rows(slow, schema, messages), "both paths write the same rows");

        Measured fastRun = measure(fast, schema, messages);
        Measured slowRun = measure(slow, schema, messages);
        System.out.printf(Locale.ROOT, "Avro fast path: %,.0f messages/s, %.1f bytes allocated per message;"
                + " generic slow path: %,.0f messages/s, %.1f bytes per message%n",
                fastRun.perSecond, fastRun.bytesPerMessage, slowRun.perSecond, slowRun.bytesPerMessage);
        // One AvroRecord (the light record the decoder hands over) per message, and nothing else that grows.
        assertTrue(fastRun.bytesPerMessage < 64, "fast path allocated " + fastRun.bytesPerMessage + " bytes per message");
        assertTrue(slowRun.bytesPerMessage > 10 * fastRun.bytesPerMessage, "the slow path builds objects: " + slowRun.bytesPerMessage);
    }

    private record Measured(double perSecond, double bytesPerMessage) {
    }

    private static Measured measure(MappingPlan plan, ResolvedSchema schema, byte[][] messages) throws MappingException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RowBinaryOutput out = new RowBinaryOutput(1 << 20);
        SourceRecord origin = AvroTestSupport.sourceRecord(null);
        for (int warm = 0; warm < 20; warm++) { // let the JIT compile the loop first
            run(plan, schema, messages, origin, out);
        }
        long threadId = Thread.currentThread().getId();
        long allocatedBefore = threads.getThreadAllocatedBytes(threadId);
        long started = System.nanoTime();
        for (int round = 0; round < ROUNDS; round++) {
            run(plan, schema, messages, origin, out);
        }
        long nanos = System.nanoTime() - started;
        long allocated = threads.getThreadAllocatedBytes(threadId) - allocatedBefore;
        double total = (double) ROUNDS * messages.length;
        return new Measured(total / (nanos / 1e9), allocated / total);
    }

    private static void run(MappingPlan plan, ResolvedSchema schema, byte[][] messages, SourceRecord origin, RowBinaryOutput out)
            throws MappingException {
        out.reset();
        for (byte[] message : messages) {
            DecodedRecord decoded = new AvroRecord(message, 5, schema);
            plan.writeRow(decoded, origin, out);
        }
    }

    private static byte[] rows(MappingPlan plan, ResolvedSchema schema, byte[][] messages) throws MappingException {
        RowBinaryOutput out = new RowBinaryOutput();
        run(plan, schema, messages, AvroTestSupport.sourceRecord(null), out);
        return out.toByteArray();
    }
}
