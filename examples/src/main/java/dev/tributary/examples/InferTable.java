package dev.tributary.examples;

import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.core.clickhouse.ClickHouseTables;
import dev.tributary.core.clickhouse.ClickHouseTarget;
import dev.tributary.core.inference.TableInference;
import dev.tributary.core.inference.TableProposal;
import dev.tributary.kafka.KafkaVirtualColumns;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Proposes a table for a JSON topic from a sample of its records, prints it (each column with its
 * type and the reason, the fields left out, the DDL), and with {@code --create} creates it if no
 * table of that name exists.
 *
 * <pre>
 * java dev.tributary.examples.InferTable --bootstrap 127.0.0.1:9092 --topic github \
 *      --clickhouse http://127.0.0.1:8123 --table github [--sample 1000] [--create] \
 *      [--virtual-columns _partition,_offset]
 * </pre>
 * The sample is read from the start of the topic without a consumer group (nothing is committed);
 * the types are for the version of the server at {@code --clickhouse}. Then {@code Quickstart}
 * (or any pipeline with the JSON decoder) fills the table.
 */
public final class InferTable {

    /** What to sample and where the table goes. */
    public record Settings(String bootstrapServers, String topic, String clickhouseEndpoint, String table, int sample,
                           boolean create, List<String> virtualColumns, Duration sampleTimeout) {
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
                Integer.parseInt(options.getOrDefault("sample", "1000")), options.containsKey("create"),
                virtual.isBlank() ? List.of() : Arrays.stream(virtual.split(",")).map(String::trim).toList(),
                Duration.ofSeconds(30)));
    }

    /** Samples the topic, prints the proposal and, if asked, creates the table at {@code --clickhouse}. */
    public static Result run(Settings settings) throws Exception {
        return run(settings, ClickHouseConnection.builder().endpoint(settings.clickhouseEndpoint()).build());
    }

    /** {@link #run(Settings)} on another target (e.g. the embedded engine); {@code clickhouseEndpoint} is not used. */
    public static Result run(Settings settings, ClickHouseTarget target) throws Exception {
        List<byte[]> sample = sample(settings);
        TableProposal proposal = TableInference.builder()
                .table(settings.table())
                .serverVersion(ClickHouseTables.serverVersion(target).text())
                .virtualColumns(KafkaVirtualColumns.ALL, settings.virtualColumns().toArray(new String[0]))
                .values(sample)
                .build();
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

    /**
     * Up to {@code settings.sample()} record values from the start of the topic's partitions, read
     * with {@code assign()}: no consumer group, nothing committed. (Kept apart so that it can give way
     * to the Kafka source's own sampler.)
     */
    static List<byte[]> sample(Settings settings) {
        Properties properties = new Properties();
        properties.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.setProperty(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(Math.max(1, settings.sample())));
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(settings.topic(), settings.sampleTimeout());
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic " + settings.topic() + " does not exist at " + settings.bootstrapServers());
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, settings.sampleTimeout());
            long deadline = System.nanoTime() + settings.sampleTimeout().toNanos();
            while (values.size() < settings.sample() && System.nanoTime() < deadline
                    && assigned.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (values.size() < settings.sample()) {
                        values.add(record.value());
                    }
                }
            }
        }
        return values;
    }
}
