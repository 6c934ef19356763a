package dev.tributary.bench;

import com.sun.net.httpserver.HttpServer;
import dev.tributary.core.DecodeException;
import dev.tributary.core.MappingException;
import dev.tributary.core.MappingPlan;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.protobuf.ProtobufConfluentDecoder;
import dev.tributary.protobuf.ProtobufSchemaMapper;
import dev.tributary.protobuf.ProtobufSchemas;
import dev.tributary.registry.SchemaLookupException;
import dev.tributary.registry.SchemaRegistryClient;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The hot path of one record as Confluent-framed Protobuf, beside {@link HotPathBenchmark}'s JSON
 * and Avro: decode (header and message indexes) + map (the fast path, straight from the bytes) +
 * encode into RowBinary, for the GitHub events of the end-to-end benchmark in the same table. Time
 * and, with {@code -prof gc}, bytes allocated per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class ProtobufHotPathBenchmark {

    private static final int RECORDS = 4096;

    private ProtobufConfluentDecoder decoder;
    private MappingPlan plan;
    private SourceRecord[] records;
    private HttpServer registry;
    private RowBinaryOutput out;
    private int next;

    @Setup
    public void setUp() throws IOException, SchemaLookupException {
        // The decoder asks a registry for schema id 1 once; a loopback stand-in answers.
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = new ObjectMapper().writeValueAsString(Map.of("schemaType", "PROTOBUF", "schema", GitHubProtobuf.SCHEMA))
                .getBytes(StandardCharsets.UTF_8);
        registry.createContext("/schemas/ids/1", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        registry.start();
        SchemaRegistryClient client = SchemaRegistryClient.builder().url("http://127.0.0.1:" + registry.getAddress().getPort()).build();
        GitHubProtobuf events = new GitHubProtobuf(ProtobufSchemas.byId(client, 1).file().findMessageTypeByName("GitHubEvent"), 1);
        records = new SourceRecord[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            records[i] = new BenchRecord(events.message(i));
        }
        decoder = ProtobufConfluentDecoder.builder().registry(client).build();
        plan = ProtobufSchemaMapper.create().plan(HotPathBenchmark.githubSchema(), List.of());
        out = new RowBinaryOutput(RECORDS * 1024);
    }

    @TearDown
    public void tearDown() {
        registry.stop(0);
    }

    @Benchmark
    public int protobufDecodeMapEncode() throws DecodeException, MappingException {
        if (next == RECORDS) {
            next = 0;
            out.reset();
        }
        SourceRecord record = records[next++];
        plan.writeRow(decoder.decode(record), record, out);
        return out.size();
    }
}
