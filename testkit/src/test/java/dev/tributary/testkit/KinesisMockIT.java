package dev.tributary.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(TestServers.class)
class KinesisMockIT {

    @Test
    void putsAndGetsRecords(KinesisMock kinesis) throws Exception {
        String stream = "smoke-" + System.nanoTime();
        try (KinesisClient client = KinesisClient.builder()
                .endpointOverride(kinesis.endpoint())
                .region(Region.of(kinesis.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(kinesis.accessKeyId(), kinesis.secretAccessKey())))
                .httpClient(ApacheHttpClient.create())
                .build()) {
            client.createStream(b -> b.streamName(stream).shardCount(2));
            awaitActive(client, stream);

            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String value = "{\"id\":" + i + "}";
                sent.add(value);
                entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i)
                        .data(SdkBytes.fromString(value, StandardCharsets.UTF_8)).build());
            }
            PutRecordsResponse put = client.putRecords(b -> b.streamName(stream).records(entries));
            assertEquals(0, put.failedRecordCount());

            List<String> received = new ArrayList<>();
            List<Shard> shards = client.listShards(b -> b.streamName(stream)).shards();
            assertEquals(2, shards.size());
            for (Shard shard : shards) {
                String iterator = client.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
                GetRecordsResponse records = client.getRecords(b -> b.shardIterator(iterator).limit(1000));
                for (Record record : records.records()) {
                    received.add(record.data().asString(StandardCharsets.UTF_8));
                    assertTrue(record.approximateArrivalTimestamp() != null, "arrival timestamp");
                }
            }
            assertEquals(new TreeSet<>(sent), new TreeSet<>(received));
            assertEquals(sent.size(), received.size());
        }
    }

    /**
     * A kinesis-mock whose process died by itself (as the shared one once did under load) is started
     * again on the same port by {@link LocalServer#restartIfDied()}, which {@link TestServers} calls before
     * handing the shared server to a test; one stopped on purpose is left stopped.
     */
    @Test
    void aServerThatDiedIsStartedAgainOnItsPortButOneStoppedOnPurposeIsNot(TestkitPaths paths) throws Exception {
        try (KinesisMock kinesis = KinesisMock.start(paths)) {
            assertFalse(kinesis.restartIfDied(), "alive: nothing to do");
            long pid = kinesis.pid();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Await.await("kinesis-mock " + pid + " gone", Duration.ofSeconds(10), () -> !kinesis.isRunning());

            assertTrue(kinesis.restartIfDied());
            assertTrue(kinesis.isRunning() && kinesis.pid() != pid);
            assertTrue(Loopback.isListening(kinesis.endpoint().getPort()), "the same endpoint: " + kinesis.endpoint());
            try (KinesisClient client = client(kinesis)) {
                String stream = "after-restart-" + System.nanoTime();
                client.createStream(b -> b.streamName(stream).shardCount(1));
                awaitActive(client, stream);
            }

            kinesis.stop();
            assertFalse(kinesis.restartIfDied(), "stopped on purpose");
            assertFalse(kinesis.isRunning());
        }
    }

    private static KinesisClient client(KinesisMock kinesis) {
        return KinesisClient.builder()
                .endpointOverride(kinesis.endpoint())
                .region(Region.of(kinesis.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(kinesis.accessKeyId(), kinesis.secretAccessKey())))
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    private static void awaitActive(KinesisClient client, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (client.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary().streamStatus()
                != StreamStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stream " + stream + " not ACTIVE within 30 s");
            }
            Thread.sleep(100);
        }
    }
}
