package dev.tributary.core.reliability;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.VirtualColumn;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.testing.TestRecord;
import dev.tributary.core.types.ClickHouseType;
import org.junit.jupiter.api.AfterAll;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fuzzes the JSON decode + map + encode path with Jazzer: whatever bytes a record holds, the only
 * exceptions that may come out are the library's own {@link DecodeException} (the record goes to
 * the error table as DECODE) and {@link MappingException} (as MAPPING). Anything else — a
 * RuntimeException, a StackOverflowError, an OutOfMemoryError — would escape the pipeline's
 * per-record handling and stop it, so Jazzer reports it as a finding and the test fails.
 *
 * <p>Each input goes through three decoders (all fields; projected to the fields the mapping
 * reads, as the pipeline does, which leaves records raw for the plan's JSON fast path; and
 * projected with the records decoded) and two plans over a table with most column types: the 18.16
 * one (RowBinary) and a modern one with DEFAULT columns (RowBinaryWithDefaults). The fast path and
 * the decoded path must agree: the same row bytes, or the same error kind and message; a
 * difference is a finding too.
 *
 * <p>Run by the {@code fuzz} Surefire execution of {@code core/pom.xml} with {@code JAZZER_FUZZ=1}
 * for {@code -Dfuzz.duration} (default 30s, e.g. {@code mvn verify -pl core -Dfuzz.duration=10m});
 * without {@code JAZZER_FUZZ} it replays the seeds in {@code src/test/resources} only.
 */
class JsonDecodeMapFuzzTest {

    private static final String[][] COLUMNS = {
            {"id", "UInt64"}, {"small", "UInt8"}, {"i32", "Int32"}, {"big", "Int64"}, {"huge", "Int128"},
            {"u256", "UInt256"}, {"f32", "Float32"}, {"f64", "Float64"}, {"price", "Decimal(9, 2)"},
            {"wide", "Decimal(38, 10)"}, {"name", "String"}, {"code", "FixedString(3)"}, {"day", "Date"},
            {"day32", "Date32"}, {"at", "DateTime"}, {"at_tokyo", "DateTime('Asia/Tokyo')"}, {"at64", "DateTime64(3)"},
            {"kind", "Enum8('a' = 1, 'b' = 2)"}, {"uid", "UUID"}, {"ip4", "IPv4"}, {"ip6", "IPv6"}, {"flag", "Bool"},
            {"tags", "Array(UInt16)"}, {"matrix", "Array(Array(Nullable(String)))"}, {"pair", "Tuple(a Int32, b String)"},
            {"attrs", "Map(String, UInt64)"}, {"maybe", "Nullable(Int32)"}, {"label", "LowCardinality(String)"},
            {"maybe_label", "LowCardinality(Nullable(String))"}, {"actor.login", "String"}};

    /** An input that takes longer than this (four paths, instrumented) is a finding. */
    private static final long MAX_NANOS_PER_INPUT = java.time.Duration.ofSeconds(5).toNanos();

    private static final AtomicLong EXECUTIONS = new AtomicLong();
    private static final AtomicLong DECODED = new AtomicLong();
    private static final AtomicLong MAPPED = new AtomicLong();

    private static final List<Path> PATHS = paths();

    /** A decoder, a plan and a buffer that belong together; {@code twin}: the path that must agree with it. */
    private record Path(JsonDecoder decoder, MappingPlan plan, RowBinaryOutput out, int twin) {
    }

    private static List<Path> paths() {
        List<Path> paths = new ArrayList<>();
        for (boolean modern : new boolean[] {false, true}) {
            List<TableColumn> columns = new ArrayList<>();
            for (int i = 0; i < COLUMNS.length; i++) {
                // On the modern server every third column has a DEFAULT: "use the default" bytes get exercised.
                TableColumn.DefaultKind kind = modern && i % 3 == 0 ? TableColumn.DefaultKind.DEFAULT : TableColumn.DefaultKind.NONE;
                columns.add(new TableColumn(COLUMNS[i][0], ClickHouseType.parse(COLUMNS[i][1]), kind, ""));
            }
            TableSchema schema = new TableSchema("default", "fuzz", columns,
                    ServerVersion.parse(modern ? "25.3.1.1" : "18.16.1"), ZoneId.of("UTC"), modern);
            MappingPlan plan = DefaultSchemaMapper.builder().strict(modern).build().plan(schema, List.<VirtualColumn>of());
            JsonDecoder all = JsonDecoder.create();
            JsonDecoder projected = JsonDecoder.builder().maxNestingDepth(modern ? 100 : 20).build();
            projected.onlyFields(plan.fieldsRead());
            JsonDecoder projectedDecoded = JsonDecoder.builder().maxNestingDepth(modern ? 100 : 20).build();
            projectedDecoded.onlyFields(java.util.Set.copyOf(plan.fieldsRead())); // a plain set: decoded records
            int first = paths.size();
            paths.add(new Path(all, plan, new RowBinaryOutput(1024), -1));
            paths.add(new Path(projected, plan, new RowBinaryOutput(1024), first + 2));
            paths.add(new Path(projectedDecoded, plan, new RowBinaryOutput(1024), -1));
        }
        return paths;
    }

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"id\"", "\"small\"", "\"big\"", "\"huge\"", "\"u256\"", "\"f32\"", "\"f64\"", "\"price\"",
            "\"wide\"", "\"name\"", "\"code\"", "\"day\"", "\"day32\"", "\"at\"", "\"at_tokyo\"", "\"at64\"", "\"kind\"",
            "\"uid\"", "\"ip4\"", "\"ip6\"", "\"flag\"", "\"tags\"", "\"matrix\"", "\"pair\"", "\"attrs\"", "\"maybe\"",
            "\"label\"", "\"maybe_label\"", "\"actor\"", "\"login\"", "\"actor.login\"", "null", "true", "false",
            "1e400", "-0.0", "18446744073709551616", "\"2024-02-29T12:00:00Z\"", "\"1970-01-01\"", "\"2149-06-06\"",
            "\"00000000-0000-0000-0000-000000000001\"", "\"::ffff:1.2.3.4\"", "\"\\ud800\"", "\"\\u0000\"",
            "1e999999999", "-1e-99999999", "1e2147483647", "[[[[[[[[[[", "{\"a\":{\"a\":"})
    void decodeAndMapRaiseOnlyTheLibrarysErrors(byte[] value) {
        EXECUTIONS.incrementAndGet();
        long started = System.nanoTime();
        TestRecord record = new TestRecord(new TestRecord.Position("fuzz", 0), null, value, 0);
        String[] outcomes = new String[PATHS.size()];
        for (int p = 0; p < PATHS.size(); p++) {
            Path path = PATHS.get(p);
            DecodedRecord decoded;
            try {
                decoded = path.decoder().decode(record);
                DECODED.incrementAndGet();
            } catch (DecodeException expected) {
                outcomes[p] = "DECODE " + expected.getMessage(); // a DECODE error-table row
                continue;
            }
            int start = path.out().size();
            try {
                path.plan().writeRow(decoded, record, path.out());
                MAPPED.incrementAndGet();
                outcomes[p] = "row " + java.util.HexFormat.of().formatHex(path.out().toByteArray(), start, path.out().size());
            } catch (MappingException expected) {
                outcomes[p] = expected.kind() + " " + expected.getMessage(); // an error-table row of that kind
            } finally {
                path.out().truncate(start);
            }
        }
        for (int p = 0; p < PATHS.size(); p++) {
            int twin = PATHS.get(p).twin();
            if (twin >= 0 && !outcomes[p].equals(outcomes[twin])) {
                throw new AssertionError("the JSON fast path and the decoded path differ: " + outcomes[p] + " vs "
                        + outcomes[twin]);
            }
        }
        // Hostile records must cost milliseconds, not minutes (1e-99999999 into an integer column did).
        long nanos = System.nanoTime() - started;
        if (nanos > MAX_NANOS_PER_INPUT) {
            throw new AssertionError("an input of " + value.length + " bytes took " + nanos / 1_000_000 + " ms");
        }
    }

    @AfterAll
    static void report() {
        // The figure docs/reliability.md quotes; Jazzer's own "#N DONE" line says the same.
        System.out.printf("FUZZ json_decode_map executions=%d decoded=%d mapped=%d%n", EXECUTIONS.get(),
                DECODED.get(), MAPPED.get());
    }
}
