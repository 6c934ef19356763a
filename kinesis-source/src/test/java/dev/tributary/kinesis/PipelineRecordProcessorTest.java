package dev.tributary.kinesis;

import org.junit.jupiter.api.Test;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** KCL's callbacks in the orders KCL may make them. */
class PipelineRecordProcessorTest {

    @Test
    void aLeaseLostBeforeInitializeIsIgnored() {
        List<String> registered = new ArrayList<>();
        PipelineRecordProcessor processor = new PipelineRecordProcessor("s", shardId -> {
            registered.add(shardId);
            return new ShardHandoff("s", shardId, 10, 1L << 20, java.time.Duration.ofSeconds(1), () -> { });
        });
        processor.leaseLost(LeaseLostInput.builder().build()); // KCL's shutdown of a consumer that never initialized
        processor.shutdownRequested(ShutdownRequestedInput.builder().build());
        assertEquals(List.of(), registered);
    }
}
