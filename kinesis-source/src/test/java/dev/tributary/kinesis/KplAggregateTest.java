package dev.tributary.kinesis;

import com.google.protobuf.CodedOutputStream;
import dev.tributary.core.SourceRecord;
import dev.tributary.core.internal.Backoff;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * KPL de-aggregation: the aggregated records here are written by the test's own encoder of the
 * KPL's format (protobuf-java's {@code CodedOutputStream}); {@code KinesisKplIT} reads those of the
 * npm {@code aws-kinesis-agg} aggregator.
 */
class KplAggregateTest {

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

    /** A user record to encode: partition key index, explicit hash key index (or -1), data. */
    private record User(int keyIndex, int hashKeyIndex, String data) {
    }

    private static byte[] message(List<String> keys, List<String> hashKeys, List<User> users, boolean withTags) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (String key : keys) {
            out.writeString(1, key);
        }
        for (String hashKey : hashKeys) {
            out.writeString(2, hashKey);
        }
        for (User user : users) {
            ByteArrayOutputStream recordBytes = new ByteArrayOutputStream();
            CodedOutputStream record = CodedOutputStream.newInstance(recordBytes);
            record.writeUInt64(1, user.keyIndex());
            if (user.hashKeyIndex() >= 0) {
                record.writeUInt64(2, user.hashKeyIndex());
            }
            record.writeByteArray(3, user.data().getBytes(StandardCharsets.UTF_8));
            if (withTags) {
                ByteArrayOutputStream tagBytes = new ByteArrayOutputStream();
                CodedOutputStream tag = CodedOutputStream.newInstance(tagBytes);
                tag.writeString(1, "tag-key");
                tag.writeString(2, "tag-value");
                tag.flush();
                record.writeByteArray(4, tagBytes.toByteArray());
            }
            record.flush();
            out.writeByteArray(3, recordBytes.toByteArray());
        }
        out.flush();
        return bytes.toByteArray();
    }

    /** Magic number, message, MD5 of the message. */
    static byte[] aggregated(byte[] message) throws Exception {
        byte[] digest = MessageDigest.getInstance("MD5").digest(message);
        byte[] data = new byte[MAGIC.length + message.length + digest.length];
        System.arraycopy(MAGIC, 0, data, 0, MAGIC.length);
        System.arraycopy(message, 0, data, MAGIC.length, message.length);
        System.arraycopy(digest, 0, data, MAGIC.length + message.length, digest.length);
        return data;
    }

    static byte[] threeUsers() throws Exception {
        return aggregated(message(List.of("alpha", "beta"), List.of("12345"),
                List.of(new User(0, -1, "{\"id\":1}"), new User(1, 0, "{\"id\":2}"), new User(0, -1, "{\"id\":3}")), true));
    }

    @Test
    void readsUserRecordsWithTheirKeysDataAndSubSequenceNumbers() throws Exception {
        KplAggregate.Parsed parsed = KplAggregate.parse(threeUsers());
        assertTrue(parsed.isAggregated());
        List<KplAggregate.UserRecord> users = parsed.userRecords();
        assertEquals(3, users.size());
        assertEquals(List.of(0, 1, 2), users.stream().map(KplAggregate.UserRecord::subSequenceNumber).toList());
        assertEquals(List.of("alpha", "beta", "alpha"), users.stream().map(KplAggregate.UserRecord::partitionKey).toList());
        assertEquals(Arrays.asList(null, "12345", null), users.stream().map(KplAggregate.UserRecord::explicitHashKey).toList());
        assertEquals(List.of("{\"id\":1}", "{\"id\":2}", "{\"id\":3}"),
                users.stream().map(u -> new String(u.data(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void dataWithoutTheMagicNumberIsAPlainRecord() {
        KplAggregate.Parsed parsed = KplAggregate.parse("{\"id\":1}".getBytes(StandardCharsets.UTF_8));
        assertFalse(parsed.isAggregated());
        assertNull(parsed.problem());
        assertFalse(KplAggregate.parse(new byte[]{(byte) 0xF3, (byte) 0x89}).isAggregated());
    }

    @Test
    void aMismatchedMd5MakesAPlainRecordWithTheReason() throws Exception {
        byte[] data = threeUsers();
        data[data.length - 1] ^= 1;
        KplAggregate.Parsed parsed = KplAggregate.parse(data);
        assertFalse(parsed.isAggregated());
        assertTrue(parsed.problem().contains("MD5"), parsed.problem());
    }

    @Test
    void unreadableAggregatesArePlainRecordsWithTheReason() throws Exception {
        KplAggregate.Parsed tooShort = KplAggregate.parse(new byte[]{(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2, 1, 2});
        assertFalse(tooShort.isAggregated());
        assertTrue(tooShort.problem().contains("too short"), tooShort.problem());

        KplAggregate.Parsed badIndex = KplAggregate.parse(aggregated(message(List.of("only"), List.of(),
                List.of(new User(0, -1, "a"), new User(3, -1, "b")), false)));
        assertFalse(badIndex.isAggregated(), "a user record is never dropped: the whole record stays one row");
        assertTrue(badIndex.problem().contains("user record 1 names partition key 3 of a table of 1"), badIndex.problem());

        byte[] garbage = {(byte) 0x1A, (byte) 0x7F, 1, 2}; // records field, length 127, 2 bytes
        KplAggregate.Parsed truncated = KplAggregate.parse(aggregated(garbage));
        assertFalse(truncated.isAggregated());
        assertTrue(truncated.problem().contains("cannot be read"), truncated.problem());
    }

    @Test
    void anAggregateOfNoUserRecordsHasNone() throws Exception {
        KplAggregate.Parsed parsed = KplAggregate.parse(aggregated(message(List.of(), List.of(), List.of(), false)));
        assertTrue(parsed.isAggregated());
        assertEquals(List.of(), parsed.userRecords());
    }

    /** A reader that resumes inside an aggregated record skips the user records committed before. */
    @Test
    void aReaderStartingInsideAnAggregateSkipsItsCommittedUserRecords() throws Exception {
        FetchContext context = new FetchContext("p", StreamRef.ofName("s"), null, null, null, null, new AtomicBoolean(),
                new Signal(), 10_000, 1 << 20, 10_000, 200, new Backoff(Duration.ofMillis(1), Duration.ofMillis(1)));
        ShardReader reader = new ShardReader(context, "shardId-000000000000", "GetRecords", java.time.Duration.ofMillis(200)) {
            @Override
            void begin(IteratorStart start) {
            }
        };
        Checkpoint checkpoint = Checkpoint.at("100:1");
        reader.start(IteratorStart.resume(checkpoint));
        reader.deliver(List.of(record("100", threeUsers()), record("101", threeUsers()),
                record("102", "plain".getBytes(StandardCharsets.UTF_8))), 0L);
        List<SourceRecord> out = new ArrayList<>();
        reader.drainTo(out, 100);
        assertEquals(List.of("100:2", "101:0", "101:1", "101:2", "102"),
                out.stream().map(r -> ((KinesisRecord) r).extendedSequenceNumber()).toList());
        assertEquals(List.of("alpha", "alpha", "beta", "alpha", "k"),
                out.stream().map(r -> (String) r.virtualColumn(KinesisVirtualColumns.KEY)).toList());
        assertEquals("101:1", out.get(2).virtualColumn(KinesisVirtualColumns.SEQUENCE_NUMBER));
        assertEquals("s/shardId-000000000000@101:1", out.get(2).position().toString());
        assertEquals(checkpoint, IteratorStart.resume(checkpoint).toCheckpoint(), "the start is saved as it was read");

        reader.deliver(List.of(record("100", threeUsers())), 0L);
        out.clear();
        reader.drainTo(out, 100);
        assertEquals(3, out.size(), "only the first record fetched can be the one the start is inside");
    }

    private static Record record(String sequenceNumber, byte[] data) {
        return Record.builder().partitionKey("k").sequenceNumber(sequenceNumber).approximateArrivalTimestamp(Instant.EPOCH)
                .data(SdkBytes.fromByteArray(data)).build();
    }
}
