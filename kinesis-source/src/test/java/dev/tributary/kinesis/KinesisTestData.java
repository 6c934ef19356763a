package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.core.Source;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/** Streams, records, tables and pipelines for the Kinesis tests. */
final class KinesisTestData {

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    /** How the tests read: the two modes of the source. */
    enum Mode { POLLING, FAN_OUT }

    private KinesisTestData() {
    }

    static String unique(String prefix) {
        return prefix + "_" + System.nanoTime() + "_" + SEQUENCE.incrementAndGet();
    }

    static KinesisClient client(KinesisMock kinesis) {
        return client(kinesis.endpoint(), kinesis);
    }

    /** A client of {@code endpoint} (the server itself or a proxy in front of it). */
    static KinesisClient client(URI endpoint, KinesisMock kinesis) {
        return KinesisClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(kinesis.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(kinesis.accessKeyId(), kinesis.secretAccessKey())))
                .httpClient(ApacheHttpClient.create())
                .build();
    }

    /**
     * Creates a stream and waits until it is ACTIVE. Kinesis (and kinesis-mock) refuse more than a few
     * streams being created at once with {@code LimitExceededException}: then the request is made again
     * once another stream has had time to become ACTIVE (test classes run side by side).
     */
    static void createStream(KinesisClient client, String stream, int shards) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                client.createStream(request -> request.streamName(stream).shardCount(shards));
                break;
            } catch (software.amazon.awssdk.services.kinesis.model.LimitExceededException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(500); // back off from the server's limit: there is nothing to wait on
            }
        }
        awaitActive(client, stream);
    }

    static void awaitActive(KinesisClient client, String stream) throws InterruptedException {
        await("stream " + stream + " ACTIVE", Duration.ofSeconds(30), () -> client.describeStreamSummary(
                request -> request.streamName(stream)).streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
    }

    /** The JSON value of record {@code id}. */
    static String json(long id) {
        return "{\"id\":" + id + ",\"name\":\"n" + id + "\"}";
    }

    /** Where a record was put. */
    record Put(String shardId, String sequenceNumber) {
    }

    /** Puts records {@code from} (inclusive) to {@code to} (exclusive), key {@code k<id>}, value {@link #json}. */
    static Map<Long, Put> put(KinesisClient client, String stream, long from, long to) {
        return put(client, stream, from, to, id -> "k" + id, KinesisTestData::json);
    }

    /**
     * Puts records in order, 500 per request, and returns where each went, by id. A request with a
     * refused entry fails the test (retrying it would reorder keys).
     */
    static Map<Long, Put> put(KinesisClient client, String stream, long from, long to, LongFunction<String> key,
                              LongFunction<String> value) {
        Map<Long, Put> puts = new java.util.HashMap<>();
        for (long start = from; start < to; start += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            long end = Math.min(to, start + 500);
            for (long id = start; id < end; id++) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(key.apply(id))
                        .data(SdkBytes.fromUtf8String(value.apply(id))).build());
            }
            PutRecordsResponse response = client.putRecords(request -> request.streamName(stream).records(entries));
            if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
                throw new AssertionError(response.failedRecordCount() + " records refused by PutRecords: " + response.records());
            }
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                puts.put(start + i, new Put(results.get(i).shardId(), results.get(i).sequenceNumber()));
            }
        }
        return puts;
    }

    /** Splits {@code shardId} in the middle of its hash key range and waits until the stream is ACTIVE again. */
    static void split(KinesisClient client, String stream, String shardId) throws InterruptedException {
        Shard shard = client.listShards(request -> request.streamName(stream)).shards().stream()
                .filter(s -> s.shardId().equals(shardId)).findFirst().orElseThrow();
        BigInteger low = new BigInteger(shard.hashKeyRange().startingHashKey());
        BigInteger high = new BigInteger(shard.hashKeyRange().endingHashKey());
        client.splitShard(request -> request.streamName(stream).shardToSplit(shardId)
                .newStartingHashKey(low.add(high).shiftRight(1).toString()));
        awaitActive(client, stream);
    }

    /** Merges two adjacent shards and waits until the stream is ACTIVE again. */
    static void merge(KinesisClient client, String stream, String shardId, String adjacentShardId) throws InterruptedException {
        client.mergeShards(request -> request.streamName(stream).shardToMerge(shardId).adjacentShardToMerge(adjacentShardId));
        awaitActive(client, stream);
    }

    static String shardId(int n) {
        return String.format("shardId-%012d", n);
    }

    /** The table the tests write to: the payload's fields and every virtual column (DateTime: 18.16 has no DateTime64). */
    static void createTable(ClickHouseSql sql, String table) {
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String, key String, n UInt64, _key String,"
                + " _timestamp DateTime, _stream String, _sequence_number String, _raw_message String)"
                + " ENGINE = MergeTree ORDER BY id");
    }

    static ClickHouseCheckpointStore checkpointStore(ClickHouseServer clickhouse) {
        return ClickHouseCheckpointStore.builder().endpoint(clickhouse.endpoint()).build();
    }

    /**
     * A source reading {@code stream} (a name, or an ARN, which also names the region) of
     * {@code kinesis} at {@code endpoint}, in {@code mode}.
     */
    static KinesisSource.Builder source(KinesisMock kinesis, URI endpoint, String stream, Mode mode, ClickHouseServer clickhouse) {
        KinesisSource.Builder builder = stream.startsWith("arn:")
                ? KinesisSource.builder().streamArn(stream)
                : KinesisSource.builder().streamName(stream).region(kinesis.region());
        builder.endpointOverride(endpoint.toString())
                .credentials(KinesisCredentials.staticKeys(kinesis.accessKeyId(), kinesis.secretAccessKey()))
                .checkpointStore(checkpointStore(clickhouse))
                .shardDiscoveryInterval(Duration.ofSeconds(1))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
        return mode == Mode.FAN_OUT ? builder.enhancedFanOut(unique("consumer")) : builder;
    }

    static Pipeline pipeline(String name, Source source, ClickHouseServer clickhouse, String table) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                        .maxRows(20_000).maxAge(Duration.ofMillis(300)).build())
                .metricsLogInterval(Duration.ZERO).build();
    }

    /** Waits for a condition the test cannot be told about directly, polling it. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(50);
        }
    }
}
