package dev.tributary.bench;

import dev.tributary.core.DecodeException;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.json.JsonSchemaEvolution;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.examples.GitHubEvents;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * What opt-in schema evolution adds to the JSON hot path of {@link HotPathBenchmark} once the table has
 * every field (the steady state): the per-record look at the top-level keys
 * ({@code JsonSchemaEvolution.newColumns}, answering "nothing new"), beside the same decode + map + encode
 * without it. Not part of {@code scripts/bench.sh}: run by hand (docs/schema.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class SchemaEvolutionBenchmark {

    private static final int RECORDS = 4096;

    private final JsonDecoder decoder = JsonDecoder.create();
    private final JsonSchemaEvolution evolution = JsonSchemaEvolution.create();
    private TableSchema schema;
    private MappingPlan plan;
    private Set<String> covered;
    private SourceRecord[] records;
    private RowBinaryOutput out;
    private int next;

    @Setup
    public void setUp() throws DecodeException {
        schema = HotPathBenchmark.githubSchema();
        plan = DefaultSchemaMapper.create().plan(schema, List.of());
        decoder.onlyFields(plan.fieldsRead());
        records = new SourceRecord[RECORDS];
        Set<String> keys = new HashSet<>();
        for (TableColumn column : schema.columns()) {
            keys.add(column.name());
        }
        JsonDecoder all = JsonDecoder.create();
        for (int i = 0; i < RECORDS; i++) {
            records[i] = new BenchRecord(GitHubEvents.json(i));
            Map<String, Object> fields = all.decodeObject(records[i].value());
            keys.addAll(fields.keySet()); // the steady state: every top-level key has its column
        }
        covered = Set.copyOf(keys);
        out = new RowBinaryOutput(RECORDS * 1024);
    }

    @Benchmark
    public int withoutEvolution() throws DecodeException, MappingException {
        if (next == RECORDS) {
            next = 0;
            out.reset();
        }
        SourceRecord record = records[next++];
        plan.writeRow(decoder.decode(record), record, out);
        return out.size();
    }

    @Benchmark
    public int withEvolutionCheck() throws DecodeException, MappingException {
        if (next == RECORDS) {
            next = 0;
            out.reset();
        }
        SourceRecord record = records[next++];
        var decoded = decoder.decode(record);
        if (!evolution.newColumns(record, decoded, schema, covered).isEmpty()) {
            throw new IllegalStateException("the steady state has no new column");
        }
        plan.writeRow(decoded, record, out);
        return out.size();
    }
}
