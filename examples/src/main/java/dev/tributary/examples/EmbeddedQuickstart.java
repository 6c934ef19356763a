package dev.tributary.examples;

import dev.tributary.chdb.ChDbTarget;
import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseException;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.clickhouse.ClickHouseTransport;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * JSON events from a Kafka topic into ClickHouse running inside this JVM (the embedded chDB engine, module
 * {@code tributary-chdb}): no ClickHouse server, the data in a folder; then a query of what landed.
 *
 * <pre>
 * java dev.tributary.examples.EmbeddedQuickstart --bootstrap 127.0.0.1:9092 --topic github \
 *      --data ./tributary-chdb [--library /opt/chdb/libchdb.so] [--table github] [--group tributary-embedded-github]
 * </pre>
 * Reads the topic until the group has committed all of it, into the table of {@link GitHubEvents} (created if
 * missing), then prints the events per type. The library comes from {@code --library}, else
 * {@code TRIBUTARY_CHDB_LIB}, else the system property {@code tributary.chdb.library} (see docs/chdb.md).
 */
public final class EmbeddedQuickstart {

    /** The query printed at the end. */
    static final String QUERY = "SELECT event_type, count() AS events, uniqExact(repo_name) AS repos FROM %s"
            + " GROUP BY event_type ORDER BY events DESC, event_type";

    /** What the run did: its counters and the query's result as printed. */
    public record Result(MetricsSnapshot metrics, String queryResult) {
    }

    private EmbeddedQuickstart() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Quickstart.options(args);
        String topic = options.getOrDefault("topic", "github");
        ChDbTarget.Builder target = ChDbTarget.builder().dataPath(Path.of(options.getOrDefault("data", "tributary-chdb")));
        if (options.containsKey("library")) {
            target.libraryPath(Path.of(options.get("library")));
        }
        run(options.getOrDefault("bootstrap", "127.0.0.1:9092"), topic,
                options.getOrDefault("group", "tributary-embedded-" + topic), options.getOrDefault("table", topic),
                target.build(), Duration.ofSeconds(3));
    }

    /** Streams the topic into {@code table} of the embedded engine until drained, then prints and returns the query. */
    public static Result run(String bootstrapServers, String topic, String groupId, String table, ChDbTarget chdb,
                             Duration progressEvery) throws InterruptedException, ClickHouseException {
        // Held for the whole run: the engine stays connected (one per JVM) for the query at the end.
        try (ClickHouseTransport engine = chdb.open()) {
            KafkaSource source = KafkaSource.builder()
                    .bootstrapServers(bootstrapServers)
                    .topics(topic)
                    .groupId(groupId)
                    .startingOffsets(StartingOffsets.EARLIEST)
                    .build();
            ClickHouseSink sink = ClickHouseSink.builder()
                    .target(chdb)
                    .table(table)
                    .createTableIfMissing(GitHubEvents.createTable(table))
                    .build();
            MetricsSnapshot metrics;
            try (Pipeline pipeline = Pipeline.builder()
                    .name("embedded-quickstart-" + table)
                    .source(source)
                    .decoder(JsonDecoder.create())
                    .sink(sink)
                    .build()) {
                metrics = Quickstart.watch(pipeline, new Quickstart.Settings(bootstrapServers, topic, groupId,
                        chdb.describe(), table, true, progressEvery));
            }
            String query = String.format(QUERY, table);
            String result = new String(engine.query(query + " FORMAT PrettyCompactMonoBlock"), StandardCharsets.UTF_8);
            System.out.println(query + ";");
            System.out.print(result);
            return new Result(metrics, result);
        }
    }
}
