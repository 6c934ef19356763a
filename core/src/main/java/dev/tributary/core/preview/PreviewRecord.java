package dev.tributary.core.preview;

import dev.tributary.core.SourcePosition;

import java.util.Map;

/**
 * One sampled record as {@link Preview} shows it.
 *
 * @param position       where the record sits in its source (its split and place)
 * @param timestampMillis the record's timestamp, milliseconds since the epoch
 * @param key            the raw key, or null
 * @param value          the raw value, or null for a tombstone
 * @param virtualColumns the values of the chosen virtual columns by name, in the order chosen (a
 *                       value is null when the record has none)
 * @param decoded        the decoded record as a tree ({@link dev.tributary.core.DecodedRecord#tree()}),
 *                       or null when it did not decode or its decoder shows no tree
 * @param decodeError    why the record did not decode (the message the error table would get), or null
 */
public record PreviewRecord(SourcePosition position, long timestampMillis, byte[] key, byte[] value,
                            Map<String, Object> virtualColumns, Object decoded, String decodeError) {

    /** One JSON object on one line: see {@link PreviewJson}. */
    public String toJson() {
        return PreviewJson.toJson(this);
    }

    @Override
    public String toString() {
        return "PreviewRecord{" + position + ", " + (value == null ? "tombstone" : value.length + " bytes")
                + (decodeError != null ? ", not decoded: " + decodeError : "") + "}";
    }
}
