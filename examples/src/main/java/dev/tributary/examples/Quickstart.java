package dev.tributary.examples;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.clickhouse.ClickHouseTables;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.StartingOffsets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * JSON events from a Kafka topic into a ClickHouse table — the smallest complete use of Tributary.
 *
 * <pre>
 * java dev.tributary.examples.Quickstart --bootstrap 127.0.0.1:9092 --topic github \
 *      --clickhouse http://127.0.0.1:8123 --table github [--group tributary-github] [--until-drained]
 * </pre>
 * The table is created from {@link GitHubEvents#TABLE_COLUMNS} if it does not exist. Every few
 * seconds it prints records/s, rows inserted and the consumer lag; at the end a summary. With
 * {@code --until-drained} it stops once the group has committed everything in the topic.
 */
public final class Quickstart {

    /** What to read and where to write. */
    public record Settings(String bootstrapServers, String topic, String groupId, String clickhouseEndpoint,
                           String table, boolean untilDrained, Duration progressEvery) {
    }

    private Quickstart() {
    }

    public static void main(String[] args) throws Exception {
        run(settings(options(args)));
    }

    /** The settings from the command line's options, with the defaults above. */
    static Settings settings(Map<String, String> options) {
        String topic = options.getOrDefault("topic", "github");
        return new Settings(options.getOrDefault("bootstrap", "127.0.0.1:9092"), topic,
                options.getOrDefault("group", "tributary-" + topic), options.getOrDefault("clickhouse", "http://127.0.0.1:8123"),
                options.getOrDefault("table", topic), options.containsKey("until-drained"), Duration.ofSeconds(3));
    }

    /** {@code --name value} pairs, and {@code --until-drained} and {@code --create} as flags (present with value "true"). */
    static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--until-drained") || args[i].equals("--create")) {
                options.put(args[i].substring(2), "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
        }
        return options;
    }

    /** Runs the pipeline; returns its final counters. */
    public static MetricsSnapshot run(Settings settings) throws InterruptedException {
        Pipeline pipeline = pipeline(settings).build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "quickstart-shutdown"));
        return watch(pipeline, settings);
    }

    /** The quickstart's pipeline, to be built: the topic from the start, JSON, the table (created if missing). */
    static Pipeline.Builder pipeline(Settings settings) {
        KafkaSource source = KafkaSource.builder()
                .bootstrapServers(settings.bootstrapServers())
                .topics(settings.topic())
                .groupId(settings.groupId())
                .startingOffsets(StartingOffsets.EARLIEST)
                .build();
        ClickHouseSink sink = ClickHouseSink.builder()
                .endpoint(settings.clickhouseEndpoint())
                .table(settings.table())
                .createTableIfMissing(GitHubEvents.createTable(settings.table()))
                .build();
        return Pipeline.builder()
                .name("quickstart-" + settings.table())
                .source(source)
                .decoder(JsonDecoder.create())
                .sink(sink);
    }

    /**
     * Starts the pipeline and prints progress (records/s, rows, errors, consumer lag) every
     * {@code progressEvery} until it ends — or, with {@code untilDrained}, until the group has
     * committed the whole topic — then a summary; returns the final counters.
     */
    static MetricsSnapshot watch(Pipeline pipeline, Settings settings) throws InterruptedException {
        Properties admin = new Properties();
        admin.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        long started = System.nanoTime();
        try (Admin kafka = Admin.create(admin)) {
            pipeline.start();
            long previousRead = 0;
            long previousTime = started;
            while (!pipeline.awaitTermination(settings.progressEvery())) {
                MetricsSnapshot now = pipeline.metrics();
                long lag = lag(kafka, settings);
                long time = System.nanoTime();
                double perSecond = (now.recordsRead() - previousRead) / ((time - previousTime) / 1e9);
                System.out.printf(Locale.ROOT, "progress: %,.0f records/s, %,d rows inserted, %,d errors, lag %,d%n",
                        perSecond, now.rowsInserted(), now.errorsTotal(), lag);
                previousRead = now.recordsRead();
                previousTime = time;
                if (settings.untilDrained() && lag == 0 && now.recordsRead() > 0) {
                    pipeline.stop();
                }
            }
        }
        return summary(pipeline, started);
    }

    /** Prints the final one-line summary of a pipeline that ran since {@code startedNanos}; returns its counters. */
    static MetricsSnapshot summary(Pipeline pipeline, long startedNanos) {
        MetricsSnapshot end = pipeline.metrics();
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        System.out.printf(Locale.ROOT, "summary: %,d records read, %,d rows inserted in %,d batches, %,d errors,"
                        + " %.1f s, %,.0f records/s, insert latency mean %.1f ms%n",
                end.recordsRead(), end.rowsInserted(), end.batchesInserted(), end.errorsTotal(), seconds,
                end.recordsRead() / seconds, end.insertMillisMean());
        return end;
    }

    /** Records in the topic that the group has not committed yet. */
    static long lag(Admin admin, Settings settings) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(settings.groupId())
                    .partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(java.util.List.of(settings.topic())).allTopicNames().get().get(settings.topic())
                    .partitions().forEach(p -> latest.put(new TopicPartition(settings.topic(), p.partition()), OffsetSpec.latest()));
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end : admin.listOffsets(latest).all().get().entrySet()) {
                OffsetAndMetadata done = committed.get(end.getKey());
                lag += end.getValue().offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** The DDL of a table made from a schema, typed for the server's version. */
    interface SchemaDdl {
        String sql(String serverVersion) throws Exception;
    }

    /**
     * The sink of a quickstart that makes its table from a schema: a table that exists is used as it
     * is (the mapper fills the columns it has and skips the other fields, so a schema field the server
     * cannot type does not matter when the table leaves it out); DDL is made only for a missing one.
     */
    static ClickHouseSink existingOrNewTable(ClickHouseConnection clickhouse, String table, Object schema, SchemaDdl ddl)
            throws Exception {
        ClickHouseSink.Builder sink = ClickHouseSink.builder().connection(clickhouse).table(table);
        if (ClickHouseTables.exists(clickhouse, null, table)) {
            System.out.println("table " + table + " exists: used as it is");
            return sink.build();
        }
        String sql = ddl.sql(ClickHouseTables.serverVersion(clickhouse).text());
        System.out.println("table (created if missing) from " + schema + ":\n" + sql);
        return sink.createTableIfMissing(sql).build();
    }
}
