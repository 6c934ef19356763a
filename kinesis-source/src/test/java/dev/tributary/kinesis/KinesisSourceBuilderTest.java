package dev.tributary.kinesis;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KinesisSourceBuilderTest {

    private static final CheckpointStore STORE = ClickHouseCheckpointStore.builder().endpoint("http://127.0.0.1:8123")
            .credentials("writer", "STORE-SECRET").build();

    private static KinesisSource.Builder valid() {
        return KinesisSource.builder().streamName("events").region("us-east-1").checkpointStore(STORE);
    }

    private static void assertNamesSetting(KinesisSource.Builder builder, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(error.getMessage().contains(expected), "'" + error.getMessage() + "' should say " + expected);
    }

    @Test
    void namesTheWrongSettingAndTheFix() {
        assertNamesSetting(KinesisSource.builder().region("us-east-1").checkpointStore(STORE), "give either streamName(...) or streamArn(...)");
        assertNamesSetting(valid().streamArn("arn:aws:kinesis:us-east-1:123456789012:stream/events"), "not both");
        assertNamesSetting(valid().streamName("bad name!"), "streamName 'bad name!'");
        assertNamesSetting(KinesisSource.builder().streamArn("arn:aws:sqs:x").checkpointStore(STORE), "streamArn 'arn:aws:sqs:x'");
        assertNamesSetting(KinesisSource.builder().streamName("e").checkpointStore(STORE), "region is not set; call region(\"us-east-1\")");
        assertNamesSetting(valid().region("Frankfurt"), "region 'Frankfurt'");
        assertNamesSetting(KinesisSource.builder().streamArn("arn:aws:kinesis:eu-west-1:123456789012:stream/e")
                .region("us-east-1").checkpointStore(STORE), "differs from the region eu-west-1");
        assertNamesSetting(valid().endpointOverride("127.0.0.1:4568"), "endpointOverride '127.0.0.1:4568'");
        assertNamesSetting(valid().checkpointStore(null), "checkpointStore is not set");
        assertNamesSetting(valid().startingPosition(null), "startingPosition");
        assertNamesSetting(valid().enhancedFanOut("bad consumer"), "consumer name 'bad consumer'");
        assertNamesSetting(valid().getRecordsLimit(10_001), "getRecordsLimit must be 1..10000");
        assertNamesSetting(valid().pollInterval(Duration.ZERO), "pollInterval must be a positive duration");
        assertNamesSetting(valid().shardDiscoveryInterval(Duration.ofMillis(10)), "shardDiscoveryInterval must be at least 100 ms");
        assertNamesSetting(valid().maxBufferedRecordsPerShard(0), "maxBufferedRecordsPerShard must be");
        assertNamesSetting(valid().fetchThreads(0), "fetchThreads must be");
        assertNamesSetting(valid().maxBufferedBytesPerShard(1_000), "maxBufferedBytesPerShard must be 64 KiB..4 GiB");
        assertNamesSetting(valid().applicationName("no spaces"), "applicationName 'no spaces'");
        assertNamesSetting(valid().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)), "retryBackoff max");
        assertNamesSetting(valid().startupTimeout(null), "startupTimeout");
        assertThrows(IllegalArgumentException.class, () -> valid().instance(3, 3));
    }

    @Test
    void checksCredentialsWithoutEchoingSecrets() {
        assertNamesSetting(valid().credentials(KinesisCredentials.staticKeys("", "SECRET-1")), "staticKeys has no access key id");
        IllegalArgumentException noSecret = assertThrows(IllegalArgumentException.class,
                () -> valid().credentials(KinesisCredentials.staticKeys("AKIA1", "")).build());
        assertTrue(noSecret.getMessage().contains("AKIA1"));
        assertNamesSetting(valid().credentials(KinesisCredentials.profile(" ")), "profile has no name");
        assertNamesSetting(valid().credentials(KinesisCredentials.profile("p", java.nio.file.Path.of("/no/such/file"))),
                "profile file /no/such/file is not readable");
        assertNamesSetting(valid().credentials(KinesisCredentials.assumeRole("arn:aws:iam::123:role/x", "s",
                KinesisCredentials.defaultChain())), "roleArn 'arn:aws:iam::123:role/x'");
        assertNamesSetting(valid().credentials(KinesisCredentials.assumeRole("arn:aws:iam::123456789012:role/reader", "a b",
                KinesisCredentials.defaultChain())), "sessionName 'a b'");
        assertNamesSetting(valid().credentials(KinesisCredentials.assumeRole("arn:aws:iam::123456789012:role/reader", "ok",
                KinesisCredentials.staticKeys("AKIA2", "SECRET-2")).duration(Duration.ofMinutes(5))), "duration must be 15 min to 12 h");
        IllegalArgumentException nested = assertThrows(IllegalArgumentException.class, () -> valid()
                .credentials(KinesisCredentials.assumeRole("arn:aws:iam::123456789012:role/reader", "ok",
                        KinesisCredentials.staticKeys("AKIA3", "", "TOKEN-3"))).build());
        assertFalse(nested.getMessage().contains("TOKEN-3"));
    }

    @Test
    void printsSettingsWithoutSecrets() {
        KinesisSource source = valid()
                .credentials(KinesisCredentials.assumeRole("arn:aws:iam::123456789012:role/reader", "tributary",
                                KinesisCredentials.staticKeys("AKIAEXAMPLE", "SECRET-KEY", "SESSION-TOKEN"))
                        .externalId("EXTERNAL-ID").stsEndpoint(URI.create("https://sts.us-east-1.amazonaws.com")))
                .enhancedFanOut("tributary")
                .build();
        String printed = source.toString() + source.describe();
        for (String secret : new String[] {"SECRET-KEY", "SESSION-TOKEN", "EXTERNAL-ID", "STORE-SECRET"}) {
            assertFalse(printed.contains(secret), secret + " printed in " + printed);
        }
        assertTrue(printed.contains("AKIAEXAMPLE"), "the key id (not secret) helps to find the key: " + printed);
        assertTrue(printed.contains("enhanced fan-out as consumer tributary"), printed);
    }

    @Test
    void anArnNamesTheStreamAndTheRegion() {
        KinesisSource source = KinesisSource.builder().streamArn("arn:aws:kinesis:eu-central-1:123456789012:stream/orders")
                .checkpointStore(STORE).build();
        assertTrue(source.describe().contains("region=eu-central-1"), source.describe());
        assertEquals("orders", StreamRef.ofArn("arn:aws:kinesis:eu-central-1:123456789012:stream/orders").name());
    }

    @Test
    void checkpointsAreSequenceNumbersOrTheShardEndMarker() {
        assertTrue(Checkpoint.SHARD_END.isShardEnd());
        assertFalse(Checkpoint.at("49590338271490256608559692538361571095921575989136588898").isShardEnd());
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.at("12a"));
        assertNamesSetting(KinesisSource.builder().streamName("e").region("us-east-1").checkpointStore(null), "checkpointStore");
        IllegalArgumentException store = assertThrows(IllegalArgumentException.class,
                () -> ClickHouseCheckpointStore.builder().endpoint("localhost:8123").build());
        assertTrue(store.getMessage().contains("endpoint 'localhost:8123'"), store.getMessage());
    }
}
