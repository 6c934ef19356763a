package dev.tributary.kinesis;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads records aggregated by the Kinesis Producer Library (KPL): the data of one Kinesis record is
 * the magic number {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord}, and the 16-byte MD5 of
 * that protobuf. The message, as the KPL defines it:
 *
 * <pre>
 * message AggregatedRecord {
 *   repeated string partition_key_table     = 1;
 *   repeated string explicit_hash_key_table = 2;
 *   repeated Record records                 = 3;
 * }
 * message Record {
 *   required uint64 partition_key_index     = 1;
 *   optional uint64 explicit_hash_key_index = 2;
 *   required bytes  data                    = 3;
 *   repeated Tag    tags                    = 4;   // ignored
 * }
 * </pre>
 *
 * <p>As the Kinesis Client Library does, data that does not start with the magic number, whose MD5
 * does not match, or whose protobuf cannot be read is a plain record (one row); unlike it, a user
 * record is never dropped: an index outside a key table makes the whole record plain too, and a user
 * record is not filtered by the shard's hash key range. The user record's sub-sequence number is its
 * index in {@code records}, as in the KCL.
 */
final class KplAggregate {

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int DIGEST_BYTES = 16;

    /** One user record of an aggregated record. */
    record UserRecord(int subSequenceNumber, String partitionKey, String explicitHashKey, byte[] data) {
    }

    /**
     * What a record's data holds: {@code userRecords} if it is an aggregated record, else null (a plain
     * record); {@code problem} says why data that starts with the magic number is nevertheless plain.
     */
    record Parsed(List<UserRecord> userRecords, String problem) {
        static final Parsed PLAIN = new Parsed(null, null);

        boolean isAggregated() {
            return userRecords != null;
        }
    }

    private KplAggregate() {
    }

    /** Whether {@code data} starts with the KPL's magic number. */
    static boolean hasMagic(byte[] data) {
        return data.length >= MAGIC.length && Arrays.equals(data, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    /** The user records of {@code data}, or {@link Parsed#PLAIN} (with a problem if it looked aggregated). */
    static Parsed parse(byte[] data) {
        if (!hasMagic(data)) {
            return Parsed.PLAIN;
        }
        int messageLength = data.length - MAGIC.length - DIGEST_BYTES;
        if (messageLength < 0) {
            return new Parsed(null, "KPL magic number, but too short (" + data.length + " bytes) for the MD5 at its end");
        }
        byte[] digest = md5(data, MAGIC.length, messageLength);
        if (!Arrays.equals(digest, 0, DIGEST_BYTES, data, MAGIC.length + messageLength, data.length)) {
            return new Parsed(null, "KPL magic number, but the MD5 at its end does not match the message");
        }
        try {
            return new Parsed(readMessage(CodedInputStream.newInstance(data, MAGIC.length, messageLength)), null);
        } catch (IOException | IllegalArgumentException e) {
            return new Parsed(null, "KPL magic number and MD5, but the AggregatedRecord cannot be read: " + e.getMessage());
        }
    }

    /** A user record as read, before its indexes are checked against the key tables. */
    private record RawRecord(Long keyIndex, Long hashKeyIndex, byte[] data) {
    }

    private static List<UserRecord> readMessage(CodedInputStream in) throws IOException {
        List<String> partitionKeys = new ArrayList<>();
        List<String> explicitHashKeys = new ArrayList<>();
        List<RawRecord> raw = new ArrayList<>();
        message:
        while (true) {
            int tag = in.readTag();
            switch (tag) {
                case 0 -> {
                    break message;
                }
                case 1 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> partitionKeys.add(in.readString());
                case 2 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> explicitHashKeys.add(in.readString());
                case 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> {
                    int limit = in.pushLimit(in.readRawVarint32());
                    raw.add(readRecord(in, raw.size()));
                    in.popLimit(limit);
                }
                default -> {
                    if (!in.skipField(tag)) {
                        break message; // an end-group tag ends the message, as in protobuf's own parsers
                    }
                }
            }
        }
        List<UserRecord> records = new ArrayList<>(raw.size());
        for (int i = 0; i < raw.size(); i++) {
            RawRecord record = raw.get(i);
            records.add(new UserRecord(i, entry(partitionKeys, record.keyIndex(), "partition key", i),
                    record.hashKeyIndex() == null ? null : entry(explicitHashKeys, record.hashKeyIndex(), "explicit hash key", i),
                    record.data()));
        }
        return records;
    }

    private static String entry(List<String> table, long index, String what, int record) {
        if (index < 0 || index >= table.size()) {
            throw new IllegalArgumentException("user record " + record + " names " + what + " " + Long.toUnsignedString(index)
                    + " of a table of " + table.size());
        }
        return table.get((int) index);
    }

    private static RawRecord readRecord(CodedInputStream in, int number) throws IOException {
        Long keyIndex = null;
        Long hashKeyIndex = null;
        byte[] data = null;
        fields:
        while (true) {
            int tag = in.readTag();
            switch (tag) {
                case 0 -> {
                    break fields;
                }
                case 1 << 3 | WireFormat.WIRETYPE_VARINT -> keyIndex = in.readUInt64();
                case 2 << 3 | WireFormat.WIRETYPE_VARINT -> hashKeyIndex = in.readUInt64();
                case 3 << 3 | WireFormat.WIRETYPE_LENGTH_DELIMITED -> data = in.readByteArray();
                default -> {
                    if (!in.skipField(tag)) {
                        break fields;
                    }
                }
            }
        }
        if (keyIndex == null || data == null) {
            throw new InvalidProtocolBufferException("user record " + number + " lacks its "
                    + (data == null ? "data" : "partition_key_index") + " (a required field)");
        }
        return new RawRecord(keyIndex, hashKeyIndex, data);
    }

    private static byte[] md5(byte[] data, int offset, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(data, offset, length);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5, which every Java platform must have", e);
        }
    }
}
