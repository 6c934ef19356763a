package dev.tributary.examples;

import dev.tributary.core.SampleStart;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.clickhouse.ClickHouseTables;
import dev.tributary.core.clickhouse.ClickHouseTarget;
import dev.tributary.core.inference.TableInference;
import dev.tributary.core.inference.TableProposal;
import dev.tributary.kafka.KafkaSampler;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.KafkaVirtualColumns;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Proposes a table for a JSON topic from a sample of its records, prints it (each column with its
 * type and the reason, the fields left out, the DDL), and with {@code --create} creates it if no
 * table of that name exists.
 *
 * <pre>
 * java dev.tributary.examples.InferTable --bootstrap 127.0.0.1:9092 --topic github \
 *      --clickhouse http://127.0.0.1:8123 --table github [--sample 1000] [--start earliest|latest] [--create] \
 *      [--virtual-columns _partition,_offset]
 * </pre>
 * The sample is read by the Kafka source's sampler ({@code KafkaSource.Builder#buildSampler}): from the
 * start of the partitions (or their latest records), shared over them, without a consumer group
 * (nothing is committed); the types are for the version of the server at {@code --clickhouse}. Then {@code Quickstart}
 * (or any pipeline with the JSON decoder) fills the table.
 */
public final class InferTable {

    /** What to sample and where the table goes. */
    public record Settings(String bootstrapServers, String topic, String clickhouseEndpoint, String table, int sample,
                           SampleStart start, boolean create, List<String> virtualColumns, Duration sampleTimeout) {
    }

    /** The proposal, and whether {@code --create} created the table (false: it existed, or not asked). */
    public record Result(TableProposal proposal, boolean created) {
    }

    private InferTable() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Quickstart.options(args);
        String topic = options.getOrDefault("topic", "github");
        String virtual = options.getOrDefault("virtual-columns", KafkaVirtualColumns.PARTITION + "," + KafkaVirtualColumns.OFFSET);
        run(new Settings(options.getOrDefault("bootstrap", "127.0.0.1:9092"), topic,
                options.getOrDefault("clickhouse", "http://127.0.0.1:8123"), options.getOrDefault("table", topic),
                Integer.parseInt(options.getOrDefault("sample", "1000")),
                SampleStart.valueOf(options.getOrDefault("start", "earliest").toUpperCase(Locale.ROOT)), options.containsKey("create"),
                virtual.isBlank() ? List.of() : Arrays.stream(virtual.split(",")).map(String::trim).toList(),
                Duration.ofSeconds(30)));
    }

    /** Samples the topic, prints the proposal and, if asked, creates the table at {@code --clickhouse}. */
    public static Result run(Settings settings) throws Exception {
        return run(settings, ClickHouseConnection.builder().endpoint(settings.clickhouseEndpoint()).build());
    }

    /** {@link #run(Settings)} on another target (e.g. the embedded engine); {@code clickhouseEndpoint} is not used. */
    public static Result run(Settings settings, ClickHouseTarget target) throws Exception {
        TableProposal proposal;
        // The source's own sampler: no consumer group, nothing committed, the sample shared over the partitions.
        try (KafkaSampler sampler = KafkaSource.builder()
                .bootstrapServers(settings.bootstrapServers())
                .topics(settings.topic())
                .buildSampler(settings.start())) {
            List<SourceRecord> sample = sampler.sample(settings.sample(), settings.sampleTimeout());
            proposal = TableInference.builder()
                    .table(settings.table())
                    .serverVersion(ClickHouseTables.serverVersion(target).text())
                    .virtualColumns(sampler.virtualColumns(), settings.virtualColumns().toArray(new String[0]))
                    .records(sample)
                    .build();
        }
        System.out.println("proposed table for topic " + settings.topic() + ":");
        System.out.print(proposal.describe());
        boolean created = false;
        if (settings.create()) {
            created = proposal.createIfMissing(target);
            System.out.println(created ? "created table " + settings.table()
                    : "table " + settings.table() + " exists; left as it is");
        }
        return new Result(proposal, created);
    }
}
