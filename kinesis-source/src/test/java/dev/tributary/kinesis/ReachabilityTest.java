package dev.tributary.kinesis;

import dev.tributary.core.internal.Backoff;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When failures count as Kinesis being unreachable (issue #11, item 3): pure logic, no Kinesis. */
class ReachabilityTest {

    private static final SdkClientException REFUSED = SdkClientException.create("Connect to 127.0.0.1:1 failed: Connection refused");

    @Test
    void failuresWithoutAnAnswerCountFromTheFirstAndAnAnswerEndsThem() {
        Reachability reachability = new Reachability();
        assertNull(reachability.failingLongerThan(0), "no failure yet");
        reachability.failed("GetRecords", REFUSED);
        reachability.failed("GetRecords", REFUSED);
        String failing = reachability.failingLongerThan(0);
        assertNotNull(failing);
        assertTrue(failing.contains("2 failed GetRecords calls") && failing.contains("Connection refused"), failing);
        assertNull(reachability.failingLongerThan(60_000_000_000L), "not for a minute yet");

        reachability.reached();
        assertNull(reachability.failingLongerThan(0), "an answer ends the outage");
    }

    @Test
    void throttlingIsAnAnswer() {
        Reachability reachability = new Reachability();
        reachability.failed("GetRecords", REFUSED);
        reachability.failed("GetRecords", ProvisionedThroughputExceededException.builder().message("slow down").build());
        assertNull(reachability.failingLongerThan(0), "Kinesis answered, if only to say slow down");
    }

    @Test
    void aReaderThatHoldsIsNotFailing() {
        java.util.concurrent.atomic.AtomicBoolean paused = new java.util.concurrent.atomic.AtomicBoolean();
        FetchContext context = new FetchContext("p", StreamRef.ofName("s"), null, null, null, null, paused, new Signal(),
                10, 1 << 20, 10, 200, new Backoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)));
        ShardReader reader = new ShardReader(context, "shardId-000000000000", "GetRecords", java.time.Duration.ofMillis(200)) {
            @Override
            void begin(IteratorStart start) {
            }
        };
        reader.onFailure("GetRecords", REFUSED);
        assertNotNull(reader.reachability().failingLongerThan(0));
        paused.set(true);
        assertTrue(reader.mustHold());
        assertNull(reader.reachability().failingLongerThan(0), "paused: no calls, so no outage is measured");
    }

    /** A reader's lag: known from its last answer, unknown once a call fails, but not for throttling (Kinesis answered). */
    @Test
    void aReadersLagIsUnknownWhenItsLatestCallFailedButNotWhenThrottled() {
        FetchContext context = new FetchContext("p", StreamRef.ofName("s"), null, null, null, null,
                new java.util.concurrent.atomic.AtomicBoolean(), new Signal(), 10, 1 << 20, 10, 200,
                new Backoff(java.time.Duration.ofMillis(1), java.time.Duration.ofMillis(1)));
        ShardReader reader = new ShardReader(context, "shardId-000000000000", "GetRecords", java.time.Duration.ofMillis(200)) {
            @Override
            void begin(IteratorStart start) {
            }
        };
        assertFalse(reader.lag().isKnown(), "nothing measured yet");
        assertEquals("s/shardId-000000000000", reader.lag().split());
        reader.deliver(java.util.List.of(), 0L);
        assertEquals(0, reader.lag().behind());
        reader.onFailure("GetRecords", ProvisionedThroughputExceededException.builder().message("slow down").build());
        assertTrue(reader.lag().isKnown(), "throttled: Kinesis answered");
        reader.onFailure("GetRecords", REFUSED);
        assertFalse(reader.lag().isKnown());
        assertTrue(reader.lag().unknownBecause().contains("the latest failed: GetRecords: ")
                && reader.lag().unknownBecause().contains("Connection refused"), reader.lag().unknownBecause());
        assertNotNull(reader.lag().lastReading());
        reader.deliver(java.util.List.of(), 30L);
        assertEquals(30, reader.lag().behind(), "known again after an answer");
    }
}
