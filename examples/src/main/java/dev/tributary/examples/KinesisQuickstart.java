package dev.tributary.examples;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.kinesis.ClickHouseCheckpointStore;
import dev.tributary.kinesis.KinesisCredentials;
import dev.tributary.kinesis.KinesisSource;
import dev.tributary.kinesis.StartingPosition;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON records from an Amazon Kinesis stream into a ClickHouse table — the smallest complete use
 * of the Kinesis source.
 *
 * <pre>
 * java dev.tributary.examples.KinesisQuickstart --stream github --region us-east-1 \
 *      --clickhouse http://127.0.0.1:8123 --table github_kinesis \
 *      [--endpoint http://127.0.0.1:4568] [--fan-out tributary-github] [--latest] \
 *      [--profile NAME | --role-arn arn:aws:iam::123456789012:role/reader]
 *      [--create-stream 4] [--produce 10000] [--until-drained [--unknown-lag-timeout 120]]
 * </pre>
 * Credentials come from the AWS SDK's default chain (e.g. {@code AWS_ACCESS_KEY_ID} and
 * {@code AWS_SECRET_ACCESS_KEY}), a profile, or a role assumed with them. The table is created from
 * {@link GitHubEvents#TABLE_COLUMNS} if it does not exist; checkpoints go to
 * {@code tributary_kinesis_checkpoints} in the same ClickHouse. To try it out (e.g. against
 * kinesis-mock), {@code --create-stream SHARDS} creates the stream if it does not exist and
 * {@code --produce N} first puts N GitHub-like events into it. Every few seconds it prints
 * records/s, rows inserted and how far behind the stream it is (ms); at the end a summary — the
 * progress, summary and drain rule of {@link Quickstart} ({@link Quickstart#watch}). With
 * {@code --until-drained} it stops once it has caught up: every shard's lag known and 0 (see
 * {@link KinesisSource#lag()}), nothing read during the last interval and everything read inserted or
 * in the error table. While the lag is unknown (Kinesis cannot be reached, or its shards not listed yet)
 * it keeps waiting; once it has been unknown for {@code --unknown-lag-timeout} seconds (default 120) it
 * stops and exits with status 1, saying why ({@link Quickstart.LagUnknownException}, the one of every
 * quickstart; this program's own exception and message of before are gone) — a stale "0 ms behind" is
 * never taken for drained.
 */
public final class KinesisQuickstart {

    /** What to read and where to write. */
    public record Settings(String stream, String region, String endpoint, String clickhouseEndpoint, String table,
                           String fanOutConsumer, boolean latest, String profile, String roleArn, int createShards,
                           long produce, boolean untilDrained, Duration progressEvery, Duration unknownLagTimeout) {

        /** The default wait for an unknown lag with {@code untilDrained}: two minutes. */
        public static final Duration UNKNOWN_LAG_TIMEOUT = Duration.ofMinutes(2);

        public Settings {
            if (unknownLagTimeout == null || unknownLagTimeout.isNegative() || unknownLagTimeout.isZero()) {
                throw new IllegalArgumentException("KinesisQuickstart: unknownLagTimeout (--unknown-lag-timeout) must be"
                        + " positive, was " + unknownLagTimeout);
            }
        }

        /** The settings of before {@code unknownLagTimeout}, which is then {@link #UNKNOWN_LAG_TIMEOUT}. */
        public Settings(String stream, String region, String endpoint, String clickhouseEndpoint, String table,
                        String fanOutConsumer, boolean latest, String profile, String roleArn, int createShards,
                        long produce, boolean untilDrained, Duration progressEvery) {
            this(stream, region, endpoint, clickhouseEndpoint, table, fanOutConsumer, latest, profile, roleArn, createShards,
                    produce, untilDrained, progressEvery, UNKNOWN_LAG_TIMEOUT);
        }
    }

    private KinesisQuickstart() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--until-drained") || args[i].equals("--latest")) {
                flags.add(args[i]);
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
            }
        }
        String stream = options.getOrDefault("stream", "github");
        try {
            run(new Settings(stream, options.getOrDefault("region", "us-east-1"), options.get("endpoint"),
                    options.getOrDefault("clickhouse", "http://127.0.0.1:8123"), options.getOrDefault("table", stream + "_kinesis"),
                    options.get("fan-out"), flags.contains("--latest"), options.get("profile"), options.get("role-arn"),
                    Integer.parseInt(options.getOrDefault("create-stream", "0")), Long.parseLong(options.getOrDefault("produce", "0")),
                    flags.contains("--until-drained"), Duration.ofSeconds(3),
                    Duration.ofSeconds(Long.parseLong(options.getOrDefault("unknown-lag-timeout", "120")))));
        } catch (Quickstart.LagUnknownException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Runs the pipeline; returns its final counters.
     *
     * @throws Quickstart.LagUnknownException with {@code untilDrained}, when the lag stayed unknown for
     *                                        {@code unknownLagTimeout} (the pipeline is stopped first)
     */
    public static MetricsSnapshot run(Settings settings) throws InterruptedException {
        if (settings.createShards() > 0 || settings.produce() > 0) {
            prepareStream(settings);
        }
        KinesisSource.Builder source = KinesisSource.builder()
                .streamName(settings.stream())
                .region(settings.region())
                .credentials(credentials(settings))
                .startingPosition(settings.latest() ? StartingPosition.LATEST : StartingPosition.TRIM_HORIZON)
                .checkpointStore(ClickHouseCheckpointStore.builder().endpoint(settings.clickhouseEndpoint()).build());
        if (settings.endpoint() != null) {
            source.endpointOverride(settings.endpoint());
        }
        if (settings.fanOutConsumer() != null) {
            source.enhancedFanOut(settings.fanOutConsumer());
        }
        KinesisSource kinesis = source.build();
        Pipeline pipeline = Pipeline.builder()
                .name("kinesis-quickstart-" + settings.table())
                .source(kinesis)
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder()
                        .endpoint(settings.clickhouseEndpoint())
                        .table(settings.table())
                        .createTableIfMissing(GitHubEvents.createTable(settings.table()))
                        .maxAge(Duration.ofSeconds(1))
                        .build())
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::close, "kinesis-quickstart-shutdown"));
        return Quickstart.watch(pipeline, settings.untilDrained(), settings.progressEvery(), settings.unknownLagTimeout());
    }

    private static KinesisCredentials credentials(Settings settings) {
        KinesisCredentials base = settings.profile() != null
                ? KinesisCredentials.profile(settings.profile()) : KinesisCredentials.defaultChain();
        return settings.roleArn() != null ? KinesisCredentials.assumeRole(settings.roleArn(), "tributary-quickstart", base) : base;
    }

    /** Creates the stream if asked and missing, and puts {@code settings.produce()} GitHub-like events into it. */
    private static void prepareStream(Settings settings) throws InterruptedException {
        KinesisClientBuilder builder = KinesisClient.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClient(ApacheHttpClient.create());
        if (settings.endpoint() != null) {
            builder.endpointOverride(URI.create(settings.endpoint()));
        }
        try (KinesisClient client = builder.build()) {
            if (settings.createShards() > 0) {
                try {
                    client.createStream(request -> request.streamName(settings.stream()).shardCount(settings.createShards()));
                    System.out.printf(Locale.ROOT, "created stream %s with %d shards%n", settings.stream(), settings.createShards());
                } catch (ResourceInUseException e) {
                    System.out.printf(Locale.ROOT, "stream %s exists%n", settings.stream());
                }
                while (client.describeStreamSummary(request -> request.streamName(settings.stream()))
                        .streamDescriptionSummary().streamStatus() != StreamStatus.ACTIVE) {
                    Thread.sleep(200);
                }
            }
            for (long from = 0; from < settings.produce(); from += 500) {
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (long n = from; n < Math.min(settings.produce(), from + 500); n++) {
                    entries.add(PutRecordsRequestEntry.builder().partitionKey("event-" + n)
                            .data(SdkBytes.fromByteArray(GitHubEvents.json(n))).build());
                }
                int failed = client.putRecords(request -> request.streamName(settings.stream()).records(entries)).failedRecordCount();
                if (failed > 0) {
                    throw new IllegalStateException(failed + " records refused by Kinesis (throttled?); try again");
                }
            }
            if (settings.produce() > 0) {
                System.out.printf(Locale.ROOT, "produced %,d events into stream %s%n", settings.produce(), settings.stream());
            }
        }
    }
}
