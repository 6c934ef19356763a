package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.pipeline;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What kinesis-mock cannot do by itself, through a proxy that sees every call: Kinesis throttling
 * and expiring iterators, the credentials the calls are signed with (static keys, a profile, a role
 * assumed through STS), and that a paused source stops calling GetRecords.
 */
@ExtendWith(TestServers.class)
class KinesisFaultsIT {

    @Test
    void throttlingAndExpiredIteratorsAreRetriedWithoutLosingOrRepeatingRecords(KinesisMock kinesis, ClickHouseServer clickhouse)
            throws Exception {
        String stream = unique("faults");
        String table = unique("faults");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        List<KinesisHttpProxy.Fault> faults = List.of(
                new KinesisHttpProxy.Fault("GetRecords", 3, "ProvisionedThroughputExceededException"),
                new KinesisHttpProxy.Fault("GetRecords", 7, "ExpiredIteratorException"),
                new KinesisHttpProxy.Fault("GetShardIterator", 4, "ProvisionedThroughputExceededException"),
                new KinesisHttpProxy.Fault("ListShards", 2, "LimitExceededException"));
        try (KinesisClient client = client(kinesis);
             KinesisHttpProxy proxy = new KinesisHttpProxy(kinesis.endpoint(), faults)) {
            createStream(client, stream, 2);
            put(client, stream, 0, 3_000);
            try (Pipeline pipeline = pipeline(table.replace('_', '-'), source(kinesis, proxy.endpoint(), stream, Mode.POLLING,
                    clickhouse).getRecordsLimit(100).pollInterval(Duration.ofMillis(50)).build(), clickhouse, table)) {
                pipeline.start();
                await("3,000 rows", Duration.ofMinutes(2), () -> sql.longValue("SELECT count() FROM " + table) >= 3_000);
            }
            Map<String, Long> injected = proxy.injected();
            System.out.printf("RESULT faults: %s injected over %d GetRecords calls; 3,000 records landed%n", injected,
                    proxy.calls("GetRecords"));
            for (KinesisHttpProxy.Fault fault : faults) {
                assertTrue(injected.getOrDefault(fault.code(), 0L) > 0, fault + " was injected: " + injected);
            }
        }
        assertEquals(List.of(List.of("3000", "3000")), sql.rows("SELECT count(), uniqExact(id) FROM " + table),
                "every record once: retries neither lose nor repeat records");
    }

    @Test
    void aPausedSourceStopsCallingGetRecordsAndResumesWhereItWas(KinesisMock kinesis, ClickHouseServer clickhouse) throws Exception {
        String stream = unique("pause");
        String table = unique("pause");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis);
             KinesisHttpProxy proxy = new KinesisHttpProxy(kinesis.endpoint(), List.of())) {
            createStream(client, stream, 2);
            put(client, stream, 0, 500);
            try (Pipeline pipeline = pipeline(table.replace('_', '-'), source(kinesis, proxy.endpoint(), stream, Mode.POLLING,
                    clickhouse).build(), clickhouse, table)) {
                pipeline.start();
                await("500 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 500);
                pipeline.pause();
                await("paused", Duration.ofSeconds(30), pipeline::isPaused);
                long callsWhenPaused = proxy.calls("GetRecords");
                long readWhenPaused = pipeline.metrics().recordsRead();
                put(client, stream, 500, 1_000);
                // Watched for two seconds (ten poll intervals): at most the call already under way per shard.
                long watchUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                while (System.nanoTime() < watchUntil) {
                    assertEquals(readWhenPaused, pipeline.metrics().recordsRead(), "nothing handed out while paused");
                    assertTrue(proxy.calls("GetRecords") <= callsWhenPaused + 2, "GetRecords called while paused");
                    Thread.sleep(50);
                }
                pipeline.resume();
                await("1,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 1_000);
                assertTrue(proxy.calls("GetRecords") > callsWhenPaused + 2, "reading again after resume");
            }
        }
        assertEquals(List.of(List.of("1000", "1000")), sql.rows("SELECT count(), uniqExact(id) FROM " + table));
    }

    @Test
    void signsWithStaticKeysAProfileOrARoleAssumedThroughSts(KinesisMock kinesis, ClickHouseServer clickhouse, TestkitPaths paths)
            throws Exception {
        String stream = unique("auth");
        Path credentialsFile = paths.newServerDir("aws-profile").resolve("credentials");
        Files.writeString(credentialsFile, "[tributary-test]\naws_access_key_id = AKIDPROFILE000000001\n"
                + "aws_secret_access_key = profile-secret\n");
        try (KinesisClient client = client(kinesis); StsStub sts = new StsStub()) {
            createStream(client, stream, 1);
            put(client, stream, 0, 100);
            Map<String, KinesisCredentials> cases = new LinkedHashMap<>();
            cases.put("AKIDSTATIC0000000001", KinesisCredentials.staticKeys("AKIDSTATIC0000000001", "static-secret"));
            cases.put("AKIDPROFILE000000001", KinesisCredentials.profile("tributary-test", credentialsFile));
            cases.put(StsStub.ROLE_ACCESS_KEY_ID, KinesisCredentials.assumeRole("arn:aws:iam::123456789012:role/reader",
                    "tributary-test", KinesisCredentials.staticKeys("AKIDBASE000000000001", "base-secret"))
                    .externalId("external-7").stsEndpoint(sts.endpoint()));
            for (Map.Entry<String, KinesisCredentials> entry : cases.entrySet()) {
                String table = unique("auth");
                createTable(clickhouse.sql(), table);
                try (KinesisHttpProxy proxy = new KinesisHttpProxy(kinesis.endpoint(), List.of());
                     Pipeline pipeline = pipeline(table.replace('_', '-'), source(kinesis, proxy.endpoint(), stream, Mode.POLLING,
                             clickhouse).credentials(entry.getValue()).build(), clickhouse, table)) {
                    pipeline.start();
                    await("100 rows read with " + entry.getValue(), Duration.ofMinutes(1),
                            () -> clickhouse.sql().longValue("SELECT count() FROM " + table) == 100);
                    assertEquals(Set.of(entry.getKey()), proxy.accessKeyIds(), "every call signed with " + entry.getValue());
                    if (entry.getValue() instanceof KinesisCredentials.AssumeRole) {
                        assertEquals(Set.of(StsStub.ROLE_SESSION_TOKEN), proxy.sessionTokens());
                    }
                }
            }
            List<StsStub.Call> calls = sts.calls();
            assertTrue(!calls.isEmpty(), "STS was called");
            StsStub.Call assume = calls.get(0);
            assertTrue(assume.authorization().contains("Credential=AKIDBASE000000000001/"), "signed with the base keys: "
                    + assume.authorization());
            for (String parameter : List.of("Action=AssumeRole", "RoleArn=arn:aws:iam::123456789012:role/reader",
                    "RoleSessionName=tributary-test", "ExternalId=external-7")) {
                assertTrue(assume.form().contains(parameter), parameter + " in " + assume.form());
            }
        }
    }
}
