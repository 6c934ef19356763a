package dev.tributary.kinesis;

import dev.tributary.core.SampleStart;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The settings both Kinesis sources share are checked in one place: the same wrong value, the same message. */
class KinesisBuilderTest {

    private static final CheckpointStore STORE = ClickHouseCheckpointStore.builder().endpoint("http://127.0.0.1:8123").build();

    /** One wrong shared setting, applied to any builder. */
    private interface Wrong {
        <B extends KinesisBuilder<B>> B apply(B builder);
    }

    private static final List<Wrong> WRONG = List.of(
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.streamName("bad name!");
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.region("Frankfurt");
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.endpointOverride("127.0.0.1:4568");
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.startingPosition(null);
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.enhancedFanOut("bad consumer");
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.getRecordsLimit(0);
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.applicationName("no spaces");
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.maxBufferedRecordsPerShard(0);
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.maxBufferedBytesPerShard(1_000);
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.maxPollRecords(0);
                }
            },
            new Wrong() {
                public <B extends KinesisBuilder<B>> B apply(B b) {
                    return b.startupTimeout(Duration.ZERO);
                }
            });

    private static String message(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void bothSourcesRejectAWrongSharedSettingWithTheSameMessage() {
        for (Wrong wrong : WRONG) {
            String staticMessage = message(() -> wrong.apply(KinesisSource.builder().streamName("events").region("us-east-1")
                    .checkpointStore(STORE)).build());
            String leaseMessage = message(() -> wrong.apply(LeaseKinesisSource.builder().streamName("events")
                    .region("us-east-1")).build());
            assertTrue(staticMessage.startsWith("KinesisSource: "), staticMessage);
            assertEquals(staticMessage.substring("KinesisSource: ".length()),
                    leaseMessage.substring("LeaseKinesisSource: ".length()));
            String samplerMessage = message(() -> wrong.apply(KinesisSource.builder().streamName("events").region("us-east-1"))
                    .buildSampler(SampleStart.EARLIEST));
            assertEquals("KinesisSampler: " + staticMessage.substring("KinesisSource: ".length()), samplerMessage);
        }
    }

    @Test
    void theSameSettersAreOnBothBuildersAndChainToTheirOwnType() {
        UnaryOperator<KinesisSource.Builder> staticChain = b -> b.streamName("events").region("us-east-1")
                .credentials(KinesisCredentials.staticKeys("AKID", "SECRET")).polling().pollInterval(Duration.ofMillis(300)).maxPollRecords(10);
        UnaryOperator<LeaseKinesisSource.Builder> leaseChain = b -> b.streamName("events").region("us-east-1")
                .credentials(KinesisCredentials.staticKeys("AKID", "SECRET")).polling().pollInterval(Duration.ofMillis(300)).maxPollRecords(10);
        assertTrue(staticChain.apply(KinesisSource.builder()).checkpointStore(STORE).build().describe()
                .contains("polling every 300 ms"));
        assertTrue(leaseChain.apply(LeaseKinesisSource.builder()).leaseTableName("leases").build().describe()
                .contains("polling every 300 ms"));
    }

    @Test
    void aSamplerNeedsNoCheckpointStoreAndPrintsNoSecret() {
        try (KinesisSampler sampler = KinesisSource.builder().streamName("events").region("us-east-1")
                .credentials(KinesisCredentials.staticKeys("AKIDEXAMPLE", "SECRET-KEY", "SESSION-TOKEN"))
                .buildSampler(SampleStart.LATEST)) {
            assertFalse(sampler.toString().contains("SECRET-KEY") || sampler.toString().contains("SESSION-TOKEN"), sampler.toString());
            assertEquals(KinesisVirtualColumns.ALL, sampler.virtualColumns());
        }
        assertTrue(message(() -> KinesisSource.builder().streamName("events").region("us-east-1").buildSampler(null))
                .contains("SampleStart.EARLIEST"));
    }
}
