package dev.tributary.bench.chaos;

import dev.tributary.testkit.KinesisMock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/** The stream side of the Kinesis chaos runs (static and lease-based): the client, the records, the reshards. */
final class KinesisChaosStream {

    private KinesisChaosStream() {
    }

    static KinesisClient client(KinesisMock kinesis) {
        return KinesisClient.builder()
                .endpointOverride(kinesis.endpoint())
                .region(Region.of(kinesis.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(kinesis.accessKeyId(), kinesis.secretAccessKey())))
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    static String shardId(int n) {
        return String.format(Locale.ROOT, "shardId-%012d", n);
    }

    static void awaitActive(KinesisClient client, String stream) throws InterruptedException {
        ChaosWaits.await("stream " + stream + " ACTIVE", Duration.ofSeconds(60), () -> client.describeStreamSummary(
                request -> request.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    /** Splits {@code shardId} in the middle of its hash key range; waits until the stream is ACTIVE again. */
    static void split(KinesisClient client, String stream, String shardId) throws InterruptedException {
        Shard shard = client.listShards(request -> request.streamName(stream)).shards().stream()
                .filter(s -> s.shardId().equals(shardId)).findFirst().orElseThrow();
        BigInteger low = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger high = new BigInteger(shard.hashKeyRange().endingHashKey());
        client.splitShard(request -> request.streamName(stream).shardToSplit(shardId)
                .newStartingHashKey(low.add(high).shiftRight(1).toString()));
        awaitActive(client, stream);
    }

    /** Merges two adjacent shards; waits until the stream is ACTIVE again. */
    static void merge(KinesisClient client, String stream, String shardId, String adjacentShardId) throws InterruptedException {
        client.mergeShards(request -> request.streamName(stream).shardToMerge(shardId).adjacentShardToMerge(adjacentShardId));
        awaitActive(client, stream);
    }

    static byte[] json(long id) {
        return ("{\"id\":" + id + ",\"payload\":\"record " + id + " of the kinesis chaos run\"}").getBytes(StandardCharsets.UTF_8);
    }
}
