package dev.tributary.examples;

import dev.tributary.core.metrics.MetricsSnapshot;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #18's report, as a new user ran it: {@code KinesisQuickstart --until-drained} while records
 * keep arriving, and the Kinesis endpoint dies mid-run (killed). The last "0 ms behind" read before
 * the outage must not be taken for "drained": the program does not end with a normal summary, it waits, then
 * fails saying the lag is unknown and why. A kinesis-mock of its own, so that stopping it disturbs
 * no other test.
 */
@ExtendWith(TestServers.class)
class KinesisQuickstartIT {

    private static final Duration UNKNOWN_LAG_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The other side of the shared drain rule: a stream the program creates and fills itself is drained
     * once every record landed (a lag of 0 ms only says all was fetched), and the run ends normally.
     */
    @Test
    void untilDrainedEndsOnceEveryRecordProducedLanded(TestkitPaths paths, ClickHouseServer clickhouse) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String stream = "drained-" + suffix;
        String table = "drained_kinesis_" + suffix;
        try (KinesisMock kinesis = KinesisMock.start(paths)) {
            System.setProperty("aws.accessKeyId", kinesis.accessKeyId());
            System.setProperty("aws.secretAccessKey", kinesis.secretAccessKey());
            MetricsSnapshot end = KinesisQuickstart.run(new KinesisQuickstart.Settings(stream, kinesis.region(),
                    kinesis.endpoint().toString(), clickhouse.endpoint().toString(), table, null, false, null, null,
                    2, 1_000, true, Duration.ofMillis(500), UNKNOWN_LAG_TIMEOUT));
            assertEquals(1_000, end.recordsRead());
            assertEquals(1_000, end.rowsInserted() + end.errorsTotal(), "everything read was handled before the stop");
            assertEquals(1_000, clickhouse.sql().longValue("SELECT count() FROM " + table));
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }

    @Test
    void untilDrainedDoesNotTakeADeadEndpointForDrained(TestkitPaths paths, ClickHouseServer clickhouse) throws Exception {
        String suffix = Long.toString(System.nanoTime());
        String stream = "github-" + suffix;
        String table = "github_kinesis_" + suffix;
        ClickHouseSql sql = clickhouse.sql();
        sql.execute(GitHubEvents.createTable(table));
        ScheduledExecutorService producer = Executors.newSingleThreadScheduledExecutor();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try (KinesisMock kinesis = KinesisMock.start(paths)) {
            // The quickstart takes its credentials from the SDK's default chain, which reads these properties.
            System.setProperty("aws.accessKeyId", kinesis.accessKeyId());
            System.setProperty("aws.secretAccessKey", kinesis.secretAccessKey());
            KinesisClient client = KinesisClient.builder().endpointOverride(kinesis.endpoint()).region(Region.of(kinesis.region()))
                    .credentialsProvider(StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(kinesis.accessKeyId(), kinesis.secretAccessKey())))
                    .httpClient(ApacheHttpClient.create()).build();
            client.createStream(request -> request.streamName(stream).shardCount(2));
            await("stream " + stream + " ACTIVE", Duration.ofSeconds(30), () -> client.describeStreamSummary(
                    request -> request.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            // Records keep arriving, 500 a second, as on a live stream.
            AtomicLong produced = new AtomicLong();
            producer.scheduleAtFixedRate(() -> {
                long from = produced.get();
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (long n = from; n < from + 50; n++) {
                    entries.add(PutRecordsRequestEntry.builder().partitionKey("event-" + n)
                            .data(SdkBytes.fromByteArray(GitHubEvents.json(n))).build());
                }
                client.putRecords(request -> request.streamName(stream).records(entries));
                produced.addAndGet(50);
            }, 0, 100, TimeUnit.MILLISECONDS);

            Future<MetricsSnapshot> run = runner.submit(() -> KinesisQuickstart.run(new KinesisQuickstart.Settings(stream,
                    kinesis.region(), kinesis.endpoint().toString(), clickhouse.endpoint().toString(), table, null, false, null, null,
                    0, 0, true, Duration.ofSeconds(2), UNKNOWN_LAG_TIMEOUT)));
            await("1,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) >= 1_000);

            kinesis.kill(); // the endpoint dies while records keep coming
            producer.shutdownNow();
            assertTrue(producer.awaitTermination(30, TimeUnit.SECONDS));
            client.close();

            ExecutionException failure = assertThrows(ExecutionException.class, () -> run.get(2, TimeUnit.MINUTES),
                    "--until-drained must not end normally once the endpoint is gone (" + produced.get() + " records produced)");
            assertInstanceOf(Quickstart.LagUnknownException.class, failure.getCause());
            String message = failure.getCause().getMessage();
            System.out.println("RESULT quickstart after the endpoint died: " + message);
            assertTrue(message.startsWith("not drained: the lag has been unknown for "), message);
            assertTrue(message.contains("no successful GetRecords for"), "says which call fails: " + message);
            assertTrue(message.contains("more than 5 s"), "names the --unknown-lag-timeout: " + message);
        } finally {
            producer.shutdownNow();
            runner.shutdownNow();
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }
    }
}
