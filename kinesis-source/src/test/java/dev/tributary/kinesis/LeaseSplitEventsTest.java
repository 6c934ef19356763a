package dev.tributary.kinesis;

import dev.tributary.core.SourceContext;
import dev.tributary.core.SplitListener;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The split events the lease-based source reports from KCL's lease changes (KCL's side called directly, no KCL). */
class LeaseSplitEventsTest {

    private final List<String> events = new ArrayList<>();

    private LeaseKinesisSource source() {
        LeaseKinesisSource source = LeaseKinesisSource.builder().streamName("s").region("us-east-1").build();
        SplitListener listener = new SplitListener() {
            @Override
            public void onSplitsAssigned(Collection<String> splits) {
                events.add("assigned " + splits);
            }

            @Override
            public void onSplitsRevoked(Collection<String> splits) {
                events.add("revoked " + splits);
            }

            @Override
            public void onSplitsLost(Collection<String> splits) {
                events.add("lost " + splits);
            }
        };
        source.bind(new SourceContext() {
            @Override
            public String pipelineName() {
                return "p";
            }

            @Override
            public SplitListener splitListener() {
                return listener;
            }
        });
        return source;
    }

    @Test
    void aShardLeasedAgainBeforeItsLossWasSeenIsReportedLostThenAssigned() {
        LeaseKinesisSource source = source();
        ShardHandoff first = source.register("shardId-000000000000");
        source.poll(Duration.ZERO);
        first.lost();
        source.register("shardId-000000000000");
        source.poll(Duration.ZERO);
        assertEquals(List.of("assigned [s/shardId-000000000000]", "lost [s/shardId-000000000000]",
                "assigned [s/shardId-000000000000]"), events);
        assertEquals(java.util.Set.of("s/shardId-000000000000"), source.assignedSplits());
    }

    @Test
    void aShardLeasedAndLostBeforeThePipelineHeardOfItIsNotReported() {
        LeaseKinesisSource source = source();
        source.register("shardId-000000000001").lost();
        source.register("shardId-000000000002");
        source.poll(Duration.ZERO);
        assertEquals(List.of("assigned [s/shardId-000000000002]"), events);
    }
}
