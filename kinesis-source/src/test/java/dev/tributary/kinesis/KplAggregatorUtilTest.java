package dev.tributary.kinesis;

import org.junit.jupiter.api.Test;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The lease-based mode de-aggregates KPL records as the static mode does, where KCL's own de-aggregation drops user records. */
class KplAggregatorUtilTest {

    /** A shard's hash key range that holds none of the user records' keys. */
    private static final BigInteger LOW = BigInteger.ONE;
    private static final BigInteger HIGH = BigInteger.TWO;

    private static KinesisClientRecord record(String sequenceNumber, byte[] data) {
        return KinesisClientRecord.builder().sequenceNumber(sequenceNumber).partitionKey("outer")
                .data(ByteBuffer.wrap(data)).build();
    }

    private static String text(KinesisClientRecord record) {
        ByteBuffer data = record.data().duplicate();
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void keepsEveryUserRecordWithItsKeyAndSubSequenceNumberWhereKclDropsThem() throws Exception {
        List<KinesisClientRecord> input = List.of(record("100", KplAggregateTest.threeUsers()));
        assertEquals(List.of(), new AggregatorUtil().deaggregate(input, LOW, HIGH),
                "KCL's own: user records outside the shard's hash key range are dropped");

        List<KinesisClientRecord> users = new KplAggregatorUtil("s").deaggregate(
                List.of(record("100", KplAggregateTest.threeUsers())), LOW, HIGH);
        assertEquals(List.of(0L, 1L, 2L), users.stream().map(KinesisClientRecord::subSequenceNumber).toList());
        assertEquals(List.of(true, true, true), users.stream().map(KinesisClientRecord::aggregated).toList());
        assertEquals(List.of("alpha", "beta", "alpha"), users.stream().map(KinesisClientRecord::partitionKey).toList());
        assertEquals(Arrays.asList(null, "12345", null), users.stream().map(KinesisClientRecord::explicitHashKey).toList());
        assertEquals(List.of("{\"id\":1}", "{\"id\":2}", "{\"id\":3}"), users.stream().map(KplAggregatorUtilTest::text).toList());
        assertEquals(List.of("100:1"), List.of(KinesisRecord.fromKcl("s", "shardId-000000000000", users.get(1))
                .extendedSequenceNumber()));
    }

    @Test
    void plainAndUnreadableRecordsPassAsOneRecordEach() throws Exception {
        byte[] garbled = KplAggregateTest.threeUsers();
        garbled[garbled.length - 1] ^= 1; // the MD5 no longer matches
        List<KinesisClientRecord> out = new KplAggregatorUtil("s").deaggregate(List.of(
                record("1", "{\"id\":9}".getBytes(StandardCharsets.UTF_8)), record("2", garbled)), LOW, HIGH);
        assertEquals(2, out.size());
        assertEquals("{\"id\":9}", text(out.get(0)));
        assertEquals(List.of(false, false), out.stream().map(KinesisClientRecord::aggregated).toList());
        assertEquals(garbled.length, out.get(1).data().remaining(), "the raw bytes, for the error table");
    }
}
