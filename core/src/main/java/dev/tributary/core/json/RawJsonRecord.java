package dev.tributary.core.json;

import dev.tributary.core.DecodeException;
import dev.tributary.core.DecodedRecord;
import dev.tributary.core.FieldDecodeException;
import dev.tributary.core.FieldPath;

import java.util.Set;

/**
 * A JSON message as {@link JsonDecoder} leaves it for a plan that reads the bytes itself
 * (DefaultSchemaMapper's): not yet parsed nor checked (but for its encoding: not UTF-16/32). The plan reads it straight into the row
 * with {@link JsonFieldReader}; {@link #field} decodes it (once) like the decoder does for any
 * other reader, throwing {@link FieldDecodeException} with the decoder's reason when the JSON is
 * broken (reported as DECODE).
 */
public final class RawJsonRecord implements DecodedRecord {

    private final byte[] bytes;
    private final JsonDecoder decoder;
    private final Set<String> topLevelFields;
    private DecodedRecord decoded;

    RawJsonRecord(byte[] bytes, JsonDecoder decoder, Set<String> topLevelFields) {
        this.bytes = bytes;
        this.decoder = decoder;
        this.topLevelFields = topLevelFields;
    }

    /** The message (not copied: not to be modified). */
    public byte[] bytes() {
        return bytes;
    }

    /** Objects and arrays nested deeper than this are refused. */
    public int maxNestingDepth() {
        return decoder.maxNestingDepth();
    }

    /**
     * The top-level fields the decoder keeps (of every plan that asked): a decoded record checks
     * these for duplicate keys, all the way down. The same instance until the decoder is told of
     * other fields.
     */
    public Set<String> topLevelFields() {
        return topLevelFields;
    }

    /** The record decoded as the decoder decodes without raw records, or the decoder's refusal. */
    public DecodedRecord decode() throws DecodeException {
        if (decoded == null) {
            decoded = decoder.decodeNow(bytes);
        }
        return decoded;
    }

    /**
     * The Java value of the JSON value at {@code bytes()[from, to)} as the decoder builds it
     * (String, Long, BigInteger, BigDecimal, Boolean, null, List, Map), for a value the reader has
     * checked; a refusal the reader does not make (e.g. an exponent beyond int) as DecodeException.
     */
    public Object valueAt(int from, int to) throws DecodeException {
        return decoder.valueAt(bytes, from, to);
    }

    @Override
    public Object field(FieldPath path) {
        try {
            return decode().field(path);
        } catch (DecodeException e) {
            throw new FieldDecodeException(e.getMessage(), e);
        }
    }

    /** Every field, in the message's key order, parsed now (a broken message: {@link FieldDecodeException}). */
    @Override
    public Object tree() {
        try {
            return decoder.decodeObject(bytes);
        } catch (DecodeException e) {
            throw new FieldDecodeException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "RawJsonRecord[" + bytes.length + " bytes]";
    }
}
