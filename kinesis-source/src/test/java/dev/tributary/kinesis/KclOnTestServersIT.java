package dev.tributary.kinesis;

import dev.tributary.testkit.Dynalite;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.Loopback;
import dev.tributary.testkit.TestServers;
import dev.tributary.kinesis.KinesisTestData.Mode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.retrieval.KinesisClientRecord;
import software.amazon.kinesis.retrieval.RetrievalSpecificConfig;
import software.amazon.kinesis.retrieval.fanout.FanOutConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.tributary.kinesis.KinesisTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kinesis Client Library 3 runs on the test servers: kinesis-mock for the stream, dynalite for
 * the lease table (worker metrics off, no point-in-time recovery, no deletion protection), by
 * polling and with enhanced fan-out. A small record processor reads every record of a 3-shard
 * stream and checkpoints; a second worker of the same application, started after the first
 * stopped, resumes at those checkpoints.
 *
 * <p>Long and mostly idle (so it runs beside other classes): the first worker of a new application
 * waits a random 1 to 30 s for another worker to fill the empty lease table (fixed in KCL's
 * {@code Scheduler}), and lease assignment runs every few seconds.
 */
@ExtendWith(TestServers.class)
@Execution(ExecutionMode.CONCURRENT)
class KclOnTestServersIT {

    private static final int SHARDS = 3;
    private static final int RECORDS = 300;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void readsEveryRecordCheckpointsAndResumesFromTheLeaseTable(Mode mode, KinesisMock kinesis, Dynalite dynamodb) throws Exception {
        String stream = KinesisTestData.unique("kcl");
        String application = KinesisTestData.unique("app");
        try (KinesisClient control = KinesisTestData.client(kinesis);
             SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP1_1).build();
             // Enhanced fan-out subscribes over HTTP/2; polling and the control calls work on either.
             SdkAsyncHttpClient kinesisHttp = NettyNioAsyncHttpClient.builder()
                     .protocol(mode == Mode.FAN_OUT ? Protocol.HTTP2 : Protocol.HTTP1_1).build();
             KinesisAsyncClient kinesisClient = KinesisAsyncClient.builder().endpointOverride(kinesis.endpoint())
                     .region(Region.of(kinesis.region())).credentialsProvider(credentials(kinesis.accessKeyId(), kinesis.secretAccessKey()))
                     .httpClient(kinesisHttp).build();
             DynamoDbAsyncClient dynamoClient = DynamoDbAsyncClient.builder().endpointOverride(dynamodb.endpoint())
                     .region(Region.of(dynamodb.region())).credentialsProvider(credentials(dynamodb.accessKeyId(), dynamodb.secretAccessKey()))
                     .httpClient(http).build();
             // Required by KCL's configuration; never called with metrics off. A closed loopback port, so a call would fail.
             CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder()
                     .endpointOverride(URI.create("http://" + Loopback.HOST + ":" + Loopback.freePort()))
                     .region(Region.of(kinesis.region())).credentialsProvider(credentials("unused", "unused"))
                     .httpClient(http).build()) {
            KinesisTestData.createStream(control, stream, SHARDS);
            KinesisTestData.put(control, stream, 0, RECORDS);

            // As the lease-based source does: KCL's own UpdateTable for the lease-owner index is ignored by dynalite.
            KclSchedulerFactory.createLeaseTableIfMissing(dynamoClient, application, Duration.ofSeconds(10));

            Queue<String> first = new ConcurrentLinkedQueue<>();
            Scheduler worker = scheduler(mode, stream, application, "worker-a", first, kinesisClient, dynamoClient, cloudWatch);
            Thread thread = start(worker);
            await("KCL worker A to read " + RECORDS + " records", Duration.ofSeconds(60), () -> first.size() >= RECORDS);
            assertTrue(worker.startGracefulShutdown().get(60, TimeUnit.SECONDS), "graceful shutdown of worker A");
            thread.join(Duration.ofSeconds(30).toMillis());
            assertEquals(expected(0, RECORDS), new TreeSet<>(first));
            assertEquals(RECORDS, first.size(), "each record once");

            Map<String, String> checkpoints = checkpoints(dynamoClient, application);
            assertEquals(SHARDS, checkpoints.size(), "one lease per shard in the lease table: " + checkpoints);
            checkpoints.values().forEach(checkpoint -> assertTrue(checkpoint.matches("[0-9]+"),
                    "a sequence number checkpointed: " + checkpoints));

            KinesisTestData.put(control, stream, RECORDS, RECORDS + 60);
            Queue<String> second = new ConcurrentLinkedQueue<>();
            Scheduler next = scheduler(mode, stream, application, "worker-b", second, kinesisClient, dynamoClient, cloudWatch);
            Thread nextThread = start(next);
            await("KCL worker B to read the 60 new records", Duration.ofSeconds(60), () -> second.size() >= 60);
            assertTrue(next.startGracefulShutdown().get(60, TimeUnit.SECONDS), "graceful shutdown of worker B");
            nextThread.join(Duration.ofSeconds(30).toMillis());
            assertEquals(expected(RECORDS, RECORDS + 60), new TreeSet<>(second), "worker B resumed at A's checkpoints");
        }
    }

    private static Scheduler scheduler(Mode mode, String stream, String application, String workerId, Queue<String> received,
                                       KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamo, CloudWatchAsyncClient cloudWatch) {
        ConfigsBuilder configs = new ConfigsBuilder(stream, application, kinesis, dynamo, cloudWatch, workerId,
                () -> new Collecting(received));
        var leases = configs.leaseManagementConfig()
                .failoverTimeMillis(2_000)
                .shardSyncIntervalMillis(1_000)
                .leaseTablePitrEnabled(false)
                .leaseTableDeletionProtectionEnabled(false)
                // Worker B can only be given leases once A's leader lock has expired and B has reported to the
                // leader: with KCL's defaults (a minute each) that alone could outlast the wait below, as the
                // lease-based source's KclSchedulerFactory found; the same short settings it uses.
                .dynamoDbLockBasedLeaderLeaseDurationInMillis(4_000)
                .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(1_000);
        leases.workerUtilizationAwareAssignmentConfig().disableWorkerMetrics(true).workerMetricsReporterFreqInMillis(1_000);
        RetrievalSpecificConfig retrieval = mode == Mode.FAN_OUT
                ? new FanOutConfig(kinesis).streamName(stream).applicationName(application).consumerName(application)
                : new PollingConfig(stream, kinesis).idleTimeBetweenReadsInMillis(200);
        return new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig().parentShardPollIntervalMillis(500),
                leases,
                configs.lifecycleConfig(),
                configs.metricsConfig().metricsFactory(new NullMetricsFactory()),
                configs.processorConfig(),
                configs.retrievalConfig().retrievalSpecificConfig(retrieval).initialPositionInStreamExtended(
                        InitialPositionInStreamExtended.newInitialPosition(InitialPositionInStream.TRIM_HORIZON)));
    }

    private static Thread start(Scheduler scheduler) {
        Thread thread = new Thread(scheduler, "kcl-scheduler");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** The lease table's checkpoint of each lease, by lease key (the shard id). */
    private static Map<String, String> checkpoints(DynamoDbAsyncClient dynamo, String application) {
        List<Map<String, AttributeValue>> items = dynamo.scan(b -> b.tableName(application).consistentRead(true)).join().items();
        Map<String, String> checkpoints = new TreeMap<>();
        for (Map<String, AttributeValue> item : items) {
            AttributeValue checkpoint = item.get("checkpoint");
            if (item.get("leaseKey").s().startsWith("shardId-") && checkpoint != null) {
                checkpoints.put(item.get("leaseKey").s(), checkpoint.s());
            }
        }
        return checkpoints;
    }

    private static Set<String> expected(long from, long to) {
        Set<String> values = new TreeSet<>();
        for (long id = from; id < to; id++) {
            values.add(KinesisTestData.json(id));
        }
        return values;
    }

    private static StaticCredentialsProvider credentials(String key, String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret));
    }

    /** Collects each record's data and checkpoints after each batch, at the end of a shard and on shutdown. */
    private static final class Collecting implements ShardRecordProcessor {
        private final Queue<String> received;

        Collecting(Queue<String> received) {
            this.received = received;
        }

        @Override
        public void initialize(InitializationInput input) {
        }

        @Override
        public void processRecords(ProcessRecordsInput input) {
            for (KinesisClientRecord record : input.records()) {
                received.add(StandardCharsets.UTF_8.decode(record.data().duplicate()).toString());
            }
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                throw new IllegalStateException("checkpoint failed", e);
            }
        }

        @Override
        public void leaseLost(LeaseLostInput input) {
        }

        @Override
        public void shardEnded(ShardEndedInput input) {
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                throw new IllegalStateException("checkpoint at shard end failed", e);
            }
        }

        @Override
        public void shutdownRequested(ShutdownRequestedInput input) {
            try {
                input.checkpointer().checkpoint();
            } catch (Exception e) {
                throw new IllegalStateException("checkpoint on shutdown failed", e);
            }
        }
    }
}
