package dev.tributary.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.tributary.core.FieldPath;
import dev.tributary.core.internal.JsonFieldReader;
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

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The two ways considered for reading a JSON record without building values, on the GitHub events
 * of {@link HotPathBenchmark}: Jackson's streaming parser touching every token as a row writer
 * would (field names, string characters, long values, no String or number objects), and
 * {@link JsonFieldReader}'s one strict pass over the bytes. Reading only: no RowBinary written.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class JsonReaderBenchmark {

    private static final int RECORDS = 4096;

    private final JsonFactory factory = JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
    private byte[][] records;
    private JsonFieldReader reader;
    private int next;

    @Setup
    public void setUp() {
        records = new byte[RECORDS][];
        for (int i = 0; i < RECORDS; i++) {
            records[i] = GitHubEvents.json(i);
        }
        List<FieldPath> paths = new ArrayList<>();
        for (TableColumnName column : TableColumnName.of(HotPathBenchmark.githubSchema())) {
            paths.add(FieldPath.of(column.name()));
        }
        reader = new JsonFieldReader(paths, Set.of());
    }

    private record TableColumnName(String name) {
        static List<TableColumnName> of(dev.tributary.core.table.TableSchema schema) {
            return schema.columns().stream().map(column -> new TableColumnName(column.name())).toList();
        }
    }

    @Benchmark
    public long jacksonStreaming() throws IOException {
        byte[] record = records[next++ & (RECORDS - 1)];
        long sum = 0;
        try (JsonParser parser = factory.createParser(record)) {
            parser.nextToken();
            for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
                JsonToken token = parser.nextToken();
                switch (token) {
                    case VALUE_STRING -> sum += parser.getTextLength() + parser.getTextCharacters()[parser.getTextOffset()];
                    case VALUE_NUMBER_INT -> sum += parser.getLongValue();
                    case START_ARRAY, START_OBJECT -> {
                        for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY && t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                            sum += t == JsonToken.VALUE_STRING ? parser.getTextLength() : 1;
                        }
                    }
                    default -> sum++;
                }
            }
        }
        return sum;
    }

    @Benchmark
    public boolean fieldReader() {
        return reader.read(records[next++ & (RECORDS - 1)], 100);
    }
}
