package dev.tributary.kinesis;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeaseKinesisSourceBuilderTest {

    private static LeaseKinesisSource.Builder valid() {
        return LeaseKinesisSource.builder().streamName("events").region("us-east-1");
    }

    private static void assertNamesSetting(LeaseKinesisSource.Builder builder, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
        assertTrue(error.getMessage().startsWith("LeaseKinesisSource: "), error.getMessage());
        assertTrue(error.getMessage().contains(expected), "'" + error.getMessage() + "' should say " + expected);
    }

    @Test
    void namesTheWrongSettingAndTheFix() {
        assertNamesSetting(LeaseKinesisSource.builder().region("us-east-1"), "give either streamName(...) or streamArn(...)");
        assertNamesSetting(LeaseKinesisSource.builder().streamName("e"), "region is not set; call region(\"us-east-1\")");
        assertNamesSetting(LeaseKinesisSource.builder().streamArn("arn:aws:kinesis:eu-west-1:123456789012:stream/e")
                .region("us-east-1"), "differs from the region eu-west-1");
        assertNamesSetting(valid().endpointOverride("127.0.0.1:4568"), "endpointOverride '127.0.0.1:4568'");
        assertNamesSetting(valid().dynamoDbEndpointOverride("localhost"), "dynamoDbEndpointOverride 'localhost'");
        assertNamesSetting(valid().enhancedFanOut("bad consumer"), "consumer name 'bad consumer'");
        assertNamesSetting(valid().pollInterval(Duration.ofMillis(50)), "pollInterval must be at least 200 ms");
        assertNamesSetting(valid().applicationName("ab"), "set leaseTableName(...)");
        assertNamesSetting(valid().leaseTableName("bad table!"), "leaseTableName 'bad table!'");
        assertNamesSetting(valid().workerId("has space"), "workerId 'has space'");
        assertNamesSetting(valid().failoverTime(Duration.ofMillis(100)), "failoverTime must be at least 1 s");
        assertNamesSetting(valid().leaderLeaseDuration(Duration.ofSeconds(1)), "leaderLeaseDuration must be at least 2 s");
        assertNamesSetting(valid().maxLeasesPerWorker(0), "maxLeasesPerWorker");
        assertNamesSetting(valid().maxBufferedBytesPerShard(1_000), "maxBufferedBytesPerShard must be 64 KiB..4 GiB");
        assertNamesSetting(valid().shutdownTimeout(Duration.ZERO), "shutdownTimeout");
    }

    @Test
    void aShortApplicationNameIsFineWithItsOwnLeaseTable() {
        assertTrue(valid().applicationName("ab").leaseTableName("ab-leases").build().describe().contains("leaseTableName=ab-leases"));
    }

    @Test
    void secretsStayOutOfDescribeAndToString() {
        LeaseKinesisSource source = valid().credentials(KinesisCredentials.staticKeys("AKIDEXAMPLE", "SECRET-KEY", "SESSION-TOKEN"))
                .build();
        for (String text : new String[] {source.describe(), source.toString()}) {
            assertFalse(text.contains("SECRET-KEY") || text.contains("SESSION-TOKEN"), text);
        }
        assertFalse(source.supportsExactlyOnce(), "at-least-once only in the lease-based mode");
    }
}
