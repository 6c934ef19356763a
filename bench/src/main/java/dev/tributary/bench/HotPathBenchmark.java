package dev.tributary.bench;

import com.sun.net.httpserver.HttpServer;
import dev.tributary.avro.AvroConfluentDecoder;
import dev.tributary.avro.AvroSchemaMapper;
import dev.tributary.core.DecodeException;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.mapping.DefaultSchemaMapper;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.table.ServerVersion;
import dev.tributary.core.table.TableColumn;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.types.ClickHouseType;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The hot path of one record, decode + map + encode into the batch buffer, for the GitHub events of
 * the end-to-end benchmark as JSON and as Confluent-framed Avro: time and bytes allocated per
 * record (run with {@code -prof gc}). JSON twice: as the pipeline runs it (the decoder leaves the
 * record raw and the plan reads it straight from the bytes), and the decoded path beside it (the
 * decoder builds Java values, as it does for mappers other than DefaultSchemaMapper).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class HotPathBenchmark {

    private static final int RECORDS = 4096;

    private final JsonDecoder decoder = JsonDecoder.create();
    private final JsonDecoder decodingDecoder = JsonDecoder.create();
    private MappingPlan plan;
    private SourceRecord[] records;
    private AvroConfluentDecoder avroDecoder;
    private MappingPlan avroPlan;
    private SourceRecord[] avroRecords;
    private HttpServer registry;
    private RowBinaryOutput out;
    private int next;

    @Setup
    public void setUp() throws IOException {
        TableSchema schema = githubSchema();
        plan = DefaultSchemaMapper.create().plan(schema, List.of());
        decoder.onlyFields(plan.fieldsRead()); // as the pipeline does: raw records
        decodingDecoder.onlyFields(java.util.Set.copyOf(plan.fieldsRead())); // a plain set: decoded records
        records = new SourceRecord[RECORDS];
        avroRecords = new SourceRecord[RECORDS];
        GitHubAvro avro = new GitHubAvro(1);
        for (int i = 0; i < RECORDS; i++) {
            records[i] = new BenchRecord(GitHubEvents.json(i));
            avroRecords[i] = new BenchRecord(avro.message(i));
        }
        // The decoder asks a registry for schema id 1 once; a loopback stand-in answers.
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = ("{\"schema\":" + quote(GitHubAvro.SCHEMA.toString()) + "}").getBytes(StandardCharsets.UTF_8);
        registry.createContext("/schemas/ids/1", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        avroDecoder = AvroConfluentDecoder.builder().registryUrl("http://127.0.0.1:" + registry.getAddress().getPort()).build();
        avroPlan = AvroSchemaMapper.create().plan(schema, List.of());
        out = new RowBinaryOutput(RECORDS * 1024);
    }

    @TearDown
    public void tearDown() {
        registry.stop(0);
    }

    @Benchmark
    public int jsonDecodeMapEncode() throws DecodeException, MappingException {
        if (next == RECORDS) {
            next = 0;
            out.reset();
        }
        SourceRecord record = records[next++];
        plan.writeRow(decoder.decode(record), record, out);
        return out.size();
    }

    @Benchmark
    public int jsonDecodedPathDecodeMapEncode() throws DecodeException, MappingException {
        if (next == RECORDS) {
            next = 0;
            out.reset();
        }
        SourceRecord record = records[next++];
        plan.writeRow(decodingDecoder.decode(record), record, out);
        return out.size();
    }

    @Benchmark
    public int avroDecodeMapEncode() throws DecodeException, MappingException {
        if (next == RECORDS) {
            next = 0;
            out.reset();
        }
        SourceRecord record = avroRecords[next++];
        avroPlan.writeRow(avroDecoder.decode(record), record, out);
        return out.size();
    }

    private static String quote(String json) {
        return "\"" + json.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The GitHub table as schema discovery would find it (18.16: plain RowBinary, UTC). */
    static TableSchema githubSchema() {
        String text = GitHubEvents.COLUMNS;
        String body = text.substring(text.indexOf('(') + 1, text.lastIndexOf(')'));
        List<TableColumn> columns = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i <= body.length(); i++) {
            char c = i == body.length() ? ',' : body.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                String definition = body.substring(start, i).trim().replaceAll("\\s+", " ");
                int space = definition.indexOf(' ');
                columns.add(new TableColumn(definition.substring(0, space), ClickHouseType.parse(definition.substring(space + 1)),
                        TableColumn.DefaultKind.NONE, ""));
                start = i + 1;
            }
        }
        return new TableSchema("default", "github", columns, ServerVersion.parse("18.16.1"), ZoneOffset.UTC, false);
    }
}
