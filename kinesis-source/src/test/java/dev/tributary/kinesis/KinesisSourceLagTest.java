package dev.tributary.kinesis;

import dev.tributary.core.SourceLag;
import dev.tributary.core.SplitLag;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The static source's lag before it listed its shards (no server: the source is not opened). */
class KinesisSourceLagTest {

    /** Before the first listing nothing is known: one unknown entry named after the stream, never an empty, "drained" view. */
    @Test
    void beforeTheFirstListingTheLagIsUnknownNamedAfterTheStream() {
        KinesisSource source = KinesisSource.builder().streamName("events").region("us-east-1")
                .checkpointStore(ClickHouseCheckpointStore.builder().endpoint("http://127.0.0.1:8123").build()).build();
        SourceLag lag = source.lag();
        assertEquals(SourceLag.Unit.MILLIS, lag.unit());
        assertEquals(List.of(SplitLag.unknown("events", null, "shards not listed yet")), lag.splits());
        assertFalse(lag.isKnown());
        assertFalse(lag.total().isPresent(), "not 0 ms behind: nothing was measured");
    }
}
