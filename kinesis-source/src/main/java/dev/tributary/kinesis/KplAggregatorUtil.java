package dev.tributary.kinesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * KCL's de-aggregation of KPL records with the static mode's rules ({@link KplAggregate}): one
 * record per user record, with its sub-sequence number, and nothing dropped. KCL's own drops the
 * whole rest of an aggregated record at the first user record whose hash key is outside the shard's
 * range (which a KPL producer causes around a reshard, and an aggregator that groups keys of several
 * shards always), and the user records of one with a bad key index; here such a user record is kept,
 * and unreadable data is one plain record, with a warning.
 */
final class KplAggregatorUtil extends AggregatorUtil {

    private static final Logger LOG = LoggerFactory.getLogger(KplAggregatorUtil.class);

    private final String stream;

    KplAggregatorUtil(String stream) {
        this.stream = stream;
    }

    @Override
    public List<KinesisClientRecord> deaggregate(List<KinesisClientRecord> records, BigInteger startingHashKey,
                                                 BigInteger endingHashKey) {
        List<KinesisClientRecord> out = new ArrayList<>(records.size());
        for (KinesisClientRecord record : records) {
            ByteBuffer data = record.data().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            KplAggregate.Parsed parsed = KplAggregate.parse(bytes);
            if (!parsed.isAggregated()) {
                if (parsed.problem() != null) {
                    LOG.warn("stream {}: record {} is read as one plain record: {}", stream, record.sequenceNumber(),
                            parsed.problem());
                }
                out.add(record);
                continue;
            }
            for (KplAggregate.UserRecord user : parsed.userRecords()) {
                out.add(record.toBuilder()
                        .data(ByteBuffer.wrap(user.data()))
                        .partitionKey(user.partitionKey())
                        .explicitHashKey(user.explicitHashKey())
                        .aggregated(true)
                        .subSequenceNumber(user.subSequenceNumber())
                        .build());
            }
        }
        return out;
    }
}
