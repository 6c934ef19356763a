package dev.tributary.bench.chaos;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The producer of the Kinesis chaos runs: puts ids 0 to {@code records - 1} (as
 * {@link KinesisChaosStream#json}) at a steady rate over {@code produceTime}, {@value #PUT_BATCH} per
 * request, each with its own partition key or one of {@code keys} (spread over every shard); entries the server refused
 * (throttling, a stream being resharded) and requests that failed are put again, so every id is in the
 * stream at least once (a failed request may have stored some: the final checks count ids, and such a
 * double is the stream's, not the pipeline's — reported apart). Run it on a thread of its own.
 */
final class KinesisChaosProducer implements Runnable {

    /** Records per PutRecords request. */
    private static final int PUT_BATCH = 25;

    private final KinesisClient client;
    private final String stream;
    private final long records;
    private final Duration produceTime;
    private final Consumer<String> log;
    private final int keys;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong putRetries = new AtomicLong();
    /** Where each record went (shard and sequence number), by id: what a report names for a lost or doubled id. */
    private final String[] placement;
    private volatile boolean producing = true;
    private volatile Throwable failure;

    KinesisChaosProducer(KinesisClient client, String stream, long records, Duration produceTime, Consumer<String> log) {
        this(client, stream, records, produceTime, 0, log);
    }

    /**
     * A producer whose ids share {@code keys} partition keys ({@code k<id mod keys>}), so that each key
     * has many records whose order can be checked; 0: each id its own key.
     */
    KinesisChaosProducer(KinesisClient client, String stream, long records, Duration produceTime, int keys,
                         Consumer<String> log) {
        this.keys = keys;
        this.client = client;
        this.stream = stream;
        this.records = records;
        this.produceTime = produceTime;
        this.log = log;
        this.placement = new String[Math.toIntExact(records)];
    }

    /** Records the server acknowledged so far. */
    long acked() {
        return acked.get();
    }

    boolean producing() {
        return producing;
    }

    /** Why the producer stopped before putting everything, or null. */
    Throwable failure() {
        return failure;
    }

    long putRetries() {
        return putRetries.get();
    }

    /** The partition key of an id. */
    String key(long id) {
        return "k" + (keys > 0 ? id % keys : id);
    }

    /** {@code shard/sequence number} of an id, or null if it was not acknowledged. */
    String placement(long id) {
        return placement[(int) id];
    }

    @Override
    public void run() {
        long begin = System.nanoTime();
        double perNano = records / (double) produceTime.toNanos();
        try {
            for (long from = 0; from < records; from += PUT_BATCH) {
                long due = begin + (long) (from / perNano);
                long wait = due - System.nanoTime();
                if (wait > 1_000_000) {
                    TimeUnit.NANOSECONDS.sleep(wait); // the production rate
                }
                List<Long> ids = new ArrayList<>();
                for (long id = from; id < Math.min(records, from + PUT_BATCH); id++) {
                    ids.add(id);
                }
                put(ids);
            }
        } catch (Throwable e) {
            failure = e;
        } finally {
            producing = false;
        }
    }

    private void put(List<Long> ids) throws InterruptedException {
        List<Long> pending = ids;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > 200) {
                throw new IllegalStateException("records " + pending + " refused 200 times");
            }
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (long id : pending) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(key(id))
                        .data(SdkBytes.fromByteArray(KinesisChaosStream.json(id))).build());
            }
            List<Long> refused = new ArrayList<>();
            try {
                PutRecordsResponse response = client.putRecords(request -> request.streamName(stream).records(entries));
                List<PutRecordsResultEntry> results = response.records();
                for (int i = 0; i < results.size(); i++) {
                    PutRecordsResultEntry result = results.get(i);
                    long id = pending.get(i);
                    if (result.errorCode() == null) {
                        placement[(int) id] = result.shardId() + "/" + result.sequenceNumber();
                        acked.incrementAndGet();
                    } else {
                        refused.add(id);
                    }
                }
            } catch (RuntimeException e) {
                refused = pending; // the whole request again (some may be stored twice: counted apart)
                if (attempt == 1 || attempt % 20 == 0) {
                    log.accept("PutRecords failed (attempt " + attempt + "), putting again: " + e);
                }
            }
            if (!refused.isEmpty()) {
                putRetries.addAndGet(refused.size());
                Thread.sleep(Math.min(1_000, 50L * attempt)); // backoff before putting the refused entries again
            }
            pending = refused;
        }
    }
}
