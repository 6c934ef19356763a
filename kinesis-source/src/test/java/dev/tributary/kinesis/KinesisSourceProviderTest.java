package dev.tributary.kinesis;

import dev.tributary.core.config.Config;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.config.ProviderContext;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tributary.testkit.ConfigurationDocs.assertEverySetterIsDocumented;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KinesisSourceProviderTest {

    private static Object create(String type, Map<String, String> keys) {
        Config config = Config.of(keys);
        config.prefix("source").string("type"); // read by PipelineConfig
        Object source = (type.equals("kinesis") ? new KinesisSourceProvider() : new LeaseKinesisSourceProvider())
                .create(config.prefix("source"), new ProviderContext("p", config.prefix("sink")));
        config.refuseUnknownKeys();
        return source;
    }

    private static Map<String, String> stream() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("source.stream-name", "events");
        p.put("source.region", "eu-west-1");
        p.put("source.endpoint-override", "http://127.0.0.1:4568");
        p.put("source.credentials.access-key-id", "AKIDEXAMPLE");
        p.put("source.credentials.secret-access-key", "aws-s3cret");
        p.put("source.credentials.session-token", "tok-s3cret");
        p.put("source.credentials.assume-role.role-arn", "arn:aws:iam::123456789012:role/reader");
        p.put("source.credentials.assume-role.session-name", "tributary");
        p.put("source.credentials.assume-role.external-id", "ext-s3cret");
        p.put("source.credentials.assume-role.sts-endpoint", "http://127.0.0.1:9999");
        p.put("source.credentials.assume-role.duration", "30m");
        p.put("source.starting-position", "at-timestamp:2024-05-01T00:00:00Z");
        p.put("source.poll-interval", "300ms");
        p.put("source.get-records-limit", "500");
        p.put("source.application-name", "orders-app");
        p.put("source.max-buffered-records-per-shard", "2000");
        p.put("source.max-buffered-bytes-per-shard", "1MB");
        p.put("source.max-poll-records", "700");
        p.put("source.startup-timeout", "20s");
        return p;
    }

    private static <B extends KinesisBuilder<B>> B stream(B builder) {
        return builder.streamName("events").region("eu-west-1").endpointOverride("http://127.0.0.1:4568")
                .credentials(KinesisCredentials.assumeRole("arn:aws:iam::123456789012:role/reader", "tributary",
                                KinesisCredentials.staticKeys("AKIDEXAMPLE", "aws-s3cret", "tok-s3cret")).externalId("ext-s3cret")
                        .stsEndpoint(URI.create("http://127.0.0.1:9999")).duration(Duration.ofMinutes(30)))
                .startingPosition(StartingPosition.atTimestamp(Instant.parse("2024-05-01T00:00:00Z")))
                .pollInterval(Duration.ofMillis(300)).getRecordsLimit(500).applicationName("orders-app")
                .maxBufferedRecordsPerShard(2000).maxBufferedBytesPerShard(1L << 20).maxPollRecords(700)
                .startupTimeout(Duration.ofSeconds(20));
    }

    @Test
    void everyKinesisKeyReachesItsBuilderCall() {
        Map<String, String> p = stream();
        p.put("sink.endpoint", "http://127.0.0.1:8123");
        p.put("sink.user", "writer");
        p.put("sink.password", "pw");
        p.put("source.checkpoint-store.table", "cp");
        p.put("source.checkpoint-store.create-table", "false");
        p.put("source.checkpoint-store.database", "state");
        p.put("source.instance-index", "1");
        p.put("source.instance-count", "3");
        p.put("source.shard-discovery-interval", "5s");
        p.put("source.fetch-threads", "2");
        p.put("source.retry-backoff-initial", "100ms");
        p.put("source.retry-backoff-max", "2s");
        p.put("source.api-call-timeout", "10s");
        p.put("source.unreachable-timeout", "5m");
        KinesisSource fromKeys = (KinesisSource) create("kinesis", p);
        KinesisSource built = stream(KinesisSource.builder())
                .checkpointStore(ClickHouseCheckpointStore.builder().endpoint("http://127.0.0.1:8123").credentials("writer", "pw")
                        .database("state").table("cp").createTable(false).build())
                .instance(1, 3).shardDiscoveryInterval(Duration.ofSeconds(5)).fetchThreads(2)
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)).apiCallTimeout(Duration.ofSeconds(10))
                .unreachableTimeout(Duration.ofMinutes(5)).build();
        assertSameSettings(config(built), config(fromKeys));
        for (String secret : new String[] {"aws-s3cret", "tok-s3cret", "ext-s3cret"}) {
            assertFalse(fromKeys.toString().contains(secret), fromKeys.toString());
            assertFalse(Config.of(p).toString().contains(secret));
        }
    }

    @Test
    void theCheckpointStoreCanHaveItsOwnClickHouse() {
        Map<String, String> p = new LinkedHashMap<>(Map.of("source.stream-name", "events", "source.region", "eu-west-1",
                "source.checkpoint-store.endpoint", "http://127.0.0.1:18123",
                "source.credentials.profile", "reader", "source.starting-position", "latest",
                "source.enhanced-fan-out", "tributary-orders"));
        KinesisSource fromKeys = (KinesisSource) create("kinesis", p);
        KinesisSource built = KinesisSource.builder().streamName("events").region("eu-west-1")
                .credentials(KinesisCredentials.profile("reader")).startingPosition(StartingPosition.LATEST)
                .enhancedFanOut("tributary-orders")
                .checkpointStore(ClickHouseCheckpointStore.builder().endpoint("http://127.0.0.1:18123").build()).build();
        assertSameSettings(config(built), config(fromKeys));
    }

    @Test
    void everyLeaseKeyReachesItsBuilderCall() {
        Map<String, String> p = stream();
        p.put("source.poll-interval", "1s");
        p.put("source.dynamodb-endpoint-override", "http://127.0.0.1:8000");
        p.put("source.lease-table-name", "leases");
        p.put("source.worker-id", "worker-1");
        p.put("source.failover-time", "20s");
        p.put("source.leader-lease-duration", "1m");
        p.put("source.shard-sync-interval", "30s");
        p.put("source.max-leases-per-worker", "8");
        p.put("source.create-lease-table", "false");
        p.put("source.shutdown-timeout", "15s");
        LeaseKinesisSource fromKeys = (LeaseKinesisSource) create("kinesis-lease", p);
        LeaseKinesisSource built = stream(LeaseKinesisSource.builder()).pollInterval(Duration.ofSeconds(1))
                .dynamoDbEndpointOverride("http://127.0.0.1:8000").leaseTableName("leases").workerId("worker-1")
                .failoverTime(Duration.ofSeconds(20)).leaderLeaseDuration(Duration.ofMinutes(1))
                .shardSyncInterval(Duration.ofSeconds(30)).maxLeasesPerWorker(8).createLeaseTable(false)
                .shutdownTimeout(Duration.ofSeconds(15)).build();
        assertSameSettings(config(built), config(fromKeys));
    }

    @Test
    void badKeysAreNamed() {
        Map<String, String> p = new LinkedHashMap<>(Map.of("pipeline.name", "p", "sink.endpoint", "http://127.0.0.1:8123",
                "sink.table", "t", "decoder.type", "json", "source.type", "kinesis", "source.stream-name", "events",
                "source.region", "eu-west-1", "source.starting-position", "yesterday"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage()
                .startsWith("source.starting-position: 'yesterday' is not trim-horizon, latest or at-timestamp:<ISO instant>"));
        p.put("source.starting-position", "latest");
        p.put("source.fetch-threads", "0");
        assertEquals("KinesisSource: fetchThreads must be 1..256, was 0 (set by source.fetch-threads)",
                assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage());
        p.remove("source.fetch-threads");
        p.put("source.credentials.secret-access-key", "aws-s3cret");
        String message = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage();
        assertTrue(message.startsWith("source.credentials.access-key-id: (not set) must be set with"
                + " source.credentials.secret-access-key"), message);
        assertFalse(message.contains("aws-s3cret"), message);
        p.remove("source.credentials.secret-access-key");
        p.put("source.instance-index", "0");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage()
                .startsWith("source.instance-count: (not set) must be set with source.instance-index"));
        p.remove("source.instance-index");
        p.put("source.stream-nme", "x");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(p)).getMessage()
                .contains("source.stream-nme (did you mean source.stream-name?)"));
        p.remove("source.stream-nme");
        assertEquals("p", PipelineConfig.fromMap(p).name());
    }

    @Test
    void everyDocumentedKinesisKeyIsReadByOneOfTheTwoSources() throws Exception {
        Set<String> asked = new TreeSet<>();
        for (String type : new String[] {"kinesis", "kinesis-lease"}) {
            Map<String, String> p = new LinkedHashMap<>(Map.of("source.stream-name", "events", "source.region", "eu-west-1",
                    "sink.endpoint", "http://127.0.0.1:8123"));
            Config config = Config.of(p);
            config.prefix("source").string("type");
            if (type.equals("kinesis")) {
                new KinesisSourceProvider().create(config.prefix("source"), new ProviderContext("p", config.prefix("sink")));
            } else {
                new LeaseKinesisSourceProvider().create(config.prefix("source"), new ProviderContext("p", config.prefix("sink")));
            }
            config.askedKeys().stream().filter(k -> k.startsWith("source.")).forEach(asked::add);
        }
        // The checkpoint store's connection keys are the sink's, documented once there.
        asked.removeIf(k -> k.startsWith("source.checkpoint-store.") && !k.equals("source.checkpoint-store.table")
                && !k.equals("source.checkpoint-store.create-table"));
        asked.add("source.checkpoint-store.<connection key>");
        assertEquals(documented("## Kinesis sources"), asked);
    }

    private static Set<String> documented(String heading) throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        String part = doc.substring(doc.indexOf(heading) + heading.length());
        part = part.contains("\n## ") ? part.substring(0, part.indexOf("\n## ")) : part;
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(source\\.[a-z0-9.<>_ -]*)` \\|").matcher(part);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static Object config(Object source) {
        try {
            Field f = source.getClass().getDeclaredField("config");
            f.setAccessible(true);
            return f.get(source);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Every field of two Config objects equal (a checkpoint store and an assignment by what they print). */
    private static void assertSameSettings(Object expected, Object actual) {
        for (Field f : expected.getClass().getDeclaredFields()) {
            try {
                f.setAccessible(true);
                Object e = f.get(expected);
                Object a = f.get(actual);
                if (e instanceof CheckpointStore || e instanceof ShardAssignment) {
                    assertEquals(String.valueOf(e), String.valueOf(a), f.getName());
                } else {
                    assertEquals(e, a, f.getName());
                }
            } catch (IllegalAccessException ex) {
                throw new AssertionError(ex);
            }
        }
    }

    @Test
    void everyBuilderSettingHasAKey() throws Exception {
        // A CheckpointStore other than ClickHouse's is code.
        assertEverySetterIsDocumented(KinesisSource.Builder.class, java.util.Set.of());
        assertEverySetterIsDocumented(LeaseKinesisSource.Builder.class, java.util.Set.of());
        assertEverySetterIsDocumented(ClickHouseCheckpointStore.Builder.class, java.util.Set.of("connection", "target"));
    }
}
