package dev.tributary.core.pipeline;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.Decoder;
import dev.tributary.core.FieldPath;
import dev.tributary.core.Pipeline;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.testing.GeneratedSource;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A StackOverflowError or an OutOfMemoryError raised while one record is decoded or mapped costs
 * that record an error row, not the pipeline: before, the pipeline failed with nothing committed
 * and failed again on the same record at every restart.
 */
@ExtendWith(TestServers.class)
class PoisonErrorsIT {

    /** Markers in a record's value: which Error to raise, and where. */
    private static final List<String> POISONS = List.of("overflow-decoding", "memory-decoding", "overflow-mapping",
            "memory-mapping");

    @Test
    void anErrorOfOneRecordIsThatRecordsErrorRow(ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("DROP TABLE IF EXISTS poison");
        sql.execute("DROP TABLE IF EXISTS poison_errors");
        sql.execute("CREATE TABLE poison (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            values.add(i % 10 == 5 ? utf8(POISONS.get(i / 10)) : utf8("{\"id\": " + i + ", \"name\": \"n" + i + "\"}"));
        }
        GeneratedSource source = new GeneratedSource(1, values.size(), 7, i -> values.get((int) i));
        try (Pipeline pipeline = Pipeline.builder().name("poison").source(source).decoder(new PoisonDecoder())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table("poison").maxRows(8)
                        .maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (source.committedCount() < values.size() && pipeline.failure() == null && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertNull(pipeline.failure(), "the pipeline goes on");
            assertEquals(values.size(), source.committedCount(), "every record committed");
        }
        assertEquals(36, sql.longValue("SELECT count() FROM poison"));
        assertEquals(List.of(
                        List.of("s0@5", "DECODE", "1", "1", "6F766572666C6F772D6465636F64696E67"),
                        List.of("s0@15", "DECODE", "0", "1", "6D656D6F72792D6465636F64696E67"),
                        List.of("s0@25", "MAPPING", "1", "1", "6F766572666C6F772D6D617070696E67"),
                        List.of("s0@35", "MAPPING", "0", "1", "6D656D6F72792D6D617070696E67")),
                sql.rows("SELECT position, error_kind, position(message, 'java.lang.StackOverflowError') > 0,"
                        + " position(message, 'on this record') > 0, hex(raw_value) FROM poison_errors"
                        + " ORDER BY toUInt64(splitByChar('@', position)[2])"));
        assertTrue(sql.longValue("SELECT count() FROM poison_errors WHERE position(message, 'java.lang.OutOfMemoryError') > 0")
                == 2, "the OutOfMemoryErrors are named");
        assertEquals(0, sql.longValue("SELECT count() FROM poison WHERE name = ''"), "no partial row of a failed mapping");
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static int recurse(int depth) {
        return recurse(depth + 1) + 1;
    }

    /** JSON, except for the poison markers: each raises its Error where it says. */
    private static final class PoisonDecoder implements Decoder {
        private final JsonDecoder json = JsonDecoder.create();

        @Override
        public DecodedRecord decode(SourceRecord record) throws DecodeException {
            String value = new String(record.value(), StandardCharsets.UTF_8);
            switch (value) {
                case "overflow-decoding" -> recurse(0);
                case "memory-decoding" -> allocateTooMuch();
                case "overflow-mapping", "memory-mapping" -> {
                    return new DecodedRecord() {
                        @Override
                        public Object field(FieldPath path) {
                            if (path.segment(0).equals("name")) {
                                if (value.startsWith("overflow")) {
                                    recurse(0);
                                }
                                allocateTooMuch();
                            }
                            return 1L; // id is written before name fails: the partial row must go
                        }
                    };
                }
                default -> {
                    return json.decode(record);
                }
            }
            throw new AssertionError("unreachable");
        }

        @Override
        public void onlyFields(Set<FieldPath> fields) {
            json.onlyFields(fields);
        }

        private static void allocateTooMuch() {
            long[] huge = new long[Integer.MAX_VALUE - 16]; // 16 GiB: more than any test heap
            huge[huge.length - 1] = 1;
            throw new AssertionError("allocated " + huge.length);
        }
    }
}
