package dev.tributary.kinesis;

import dev.tributary.core.SourceContext;
import dev.tributary.core.SourceRecord;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shard's buffer is bounded in bytes (issue #11, item 5): 40 records of 200 KiB (8 MiB) in one
 * shard, a source with a 1 MiB bound that nobody polls for a while — the reader fetches about a
 * megabyte and waits; then every record is handed out, in order, the buffer never above the bound
 * plus one record.
 */
@ExtendWith(TestServers.class)
class KinesisBufferBoundIT {

    private static final int RECORDS = 40;
    private static final int RECORD_BYTES = 200 * 1024;
    private static final long BOUND = 1 << 20;

    @Test
    void largeRecordsAreFetchedAheadOnlyUpToTheByteBound(KinesisMock kinesis, ClickHouseServer clickhouse) throws Exception {
        String stream = unique("buffer_bound");
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 1);
            for (int from = 0; from < RECORDS; from += 10) { // 2 MiB per request: PutRecords takes 5 MiB at most
                List<PutRecordsRequestEntry> entries = new ArrayList<>();
                for (int id = from; id < from + 10; id++) {
                    byte[] data = new byte[RECORD_BYTES];
                    Arrays.fill(data, (byte) ('a' + id % 26));
                    entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + id).data(SdkBytes.fromByteArray(data)).build());
                }
                assertEquals(0, client.putRecords(request -> request.streamName(stream).records(entries)).failedRecordCount());
            }
        }
        long oneRecord = RECORD_BYTES + 1_000; // the data and an allowance for key, sequence number and objects
        KinesisSource source = source(kinesis, kinesis.endpoint(), stream, Mode.POLLING, clickhouse)
                .applicationName(unique("buffer-bound")).maxBufferedBytesPerShard(BOUND).build();
        source.open(context());
        try {
            source.poll(Duration.ofMillis(1)); // applies the first listing: the reader starts
            await("the buffer to fill up to its bound", Duration.ofSeconds(30), () -> source.bufferedBytes() >= BOUND);
            // Watch the full buffer for ten poll intervals: the reader waits instead of fetching more.
            long maxSeen = 0;
            long watchEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < watchEnd) {
                maxSeen = Math.max(maxSeen, source.bufferedBytes());
                Thread.sleep(20);
            }
            System.out.printf("RESULT buffer bound: %,d bytes buffered at most with a bound of %,d (8 MiB in the shard)%n",
                    maxSeen, BOUND);
            assertTrue(maxSeen < BOUND + oneRecord, "buffered " + maxSeen + " bytes, bound " + BOUND);

            List<SourceRecord> handed = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (handed.size() < RECORDS && System.nanoTime() < deadline) {
                handed.addAll(source.poll(Duration.ofMillis(200)));
                maxSeen = Math.max(maxSeen, source.bufferedBytes());
            }
            assertEquals(RECORDS, handed.size(), "every record handed out");
            for (int id = 0; id < RECORDS; id++) {
                SourceRecord record = handed.get(id);
                assertEquals("k" + id, record.virtualColumn(KinesisVirtualColumns.KEY), "in order");
                assertEquals(RECORD_BYTES, record.value().length);
                assertEquals((byte) ('a' + id % 26), record.value()[RECORD_BYTES - 1]);
            }
            assertTrue(maxSeen < BOUND + oneRecord, "buffered " + maxSeen + " bytes at most while draining, bound " + BOUND);
        } finally {
            source.close();
        }
    }

    private static SourceContext context() {
        return SourceContext.standalone("buffer-bound");
    }
}
