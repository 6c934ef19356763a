package dev.tributary.kinesis;

import dev.tributary.core.SourceRecord;
import dev.tributary.core.internal.Backoff;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The byte bound of a shard's buffer (issue #11, item 5): pure buffer logic, no Kinesis. */
class ShardReaderBufferTest {

    private static final int RECORD = 100 * 1024;
    private static final long BOUND = 1 << 20;

    /** A reader that fetches nothing by itself: the test delivers what a fetch would. */
    private static ShardReader reader(long maxBytes, int maxRecords) {
        FetchContext context = new FetchContext("p", StreamRef.ofName("s"), null, null, null, null, new AtomicBoolean(),
                new Signal(), maxRecords, maxBytes, 10_000, 200, new Backoff(java.time.Duration.ofMillis(1),
                java.time.Duration.ofMillis(1)));
        return new ShardReader(context, "shardId-000000000000", "GetRecords", java.time.Duration.ofMillis(200)) {
            @Override
            void begin(IteratorStart start) {
            }
        };
    }

    private static List<Record> records(int count, int bytes, int firstSequence) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(Record.builder().partitionKey("k" + i).sequenceNumber(Integer.toString(firstSequence + i))
                    .approximateArrivalTimestamp(Instant.EPOCH).data(SdkBytes.fromByteArray(new byte[bytes])).build());
        }
        return records;
    }

    /** What a polling reader does: fetch as many as {@code fetchLimit} allows, while it need not hold. */
    private static void fetchUntilHeld(ShardReader reader, int[] sequence) {
        while (!reader.mustHold()) {
            int limit = reader.fetchLimit();
            reader.deliver(records(limit, RECORD, sequence[0]), 0L);
            sequence[0] += limit;
        }
    }

    @Test
    void largeRecordsFillTheBufferOnlyUpToItsByteBound() {
        ShardReader reader = reader(BOUND, 10_000);
        assertEquals(1, reader.fetchLimit(), "before the record size is known, a fetch asks for what fits at 1 MiB a record");
        int[] sequence = {1};
        fetchUntilHeld(reader, sequence);
        long recordBytes = new KinesisRecord("s", "shardId-000000000000", records(1, RECORD, 1).get(0)).estimatedBytes();
        assertTrue(reader.bufferedBytes() >= BOUND, "a full buffer holds the reader: " + reader.bufferedBytes());
        assertTrue(reader.bufferedBytes() < BOUND + recordBytes, "at most one record beyond the bound: " + reader.bufferedBytes());
        int fill = (int) ((BOUND + recordBytes - 1) / recordBytes);
        assertEquals(fill, sequence[0] - 1, "as many 100 KiB records as reach 1 MiB; the record bound (10,000) was far away");

        List<SourceRecord> out = new ArrayList<>();
        reader.drainTo(out, 4);
        assertFalse(reader.mustHold(), "room again once the pipeline took records");
        assertEquals((BOUND - (fill - 4) * recordBytes) / recordBytes, reader.fetchLimit(),
                "the next fetch asks only for what fits at the size seen");
        fetchUntilHeld(reader, sequence);
        assertTrue(reader.bufferedBytes() < BOUND + recordBytes);

        reader.drainTo(out, Integer.MAX_VALUE);
        assertEquals(0, reader.bufferedBytes(), "handed-out records no longer count");
        assertEquals(sequence[0] - 1, out.size());
    }

    @Test
    void smallRecordsAreBoundByTheRecordCountFirst() {
        ShardReader reader = reader(BOUND, 100);
        int[] sequence = {1};
        while (!reader.mustHold()) {
            int limit = reader.fetchLimit();
            reader.deliver(records(limit, 10, sequence[0]), 0L);
            sequence[0] += limit;
        }
        assertEquals(100, sequence[0] - 1);
        assertTrue(reader.bufferedBytes() < BOUND);
    }
}
