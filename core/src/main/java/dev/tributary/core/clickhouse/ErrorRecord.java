package dev.tributary.core.clickhouse;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;

import java.util.Arrays;

/**
 * One record on its way to the error table. The message is cut to {@link #MAX_MESSAGE_CHARS} here,
 * when the record is made, so that a batch never holds more of it than is written.
 */
record ErrorRecord(long timeMillis, SourceRecord origin, ErrorKind kind, String message) {

    /** Messages are cut to this many characters (and marked so): the raw bytes are there for the details. */
    static final int MAX_MESSAGE_CHARS = 4000;

    ErrorRecord {
        message = cut(message == null ? "" : message);
    }

    /** The bytes this error holds while it waits in a batch: its record and its message (two bytes a char at most). */
    long sizeInBytes() {
        return origin.sizeInBytes() + 2L * message.length();
    }

    private static String cut(String message) {
        if (message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_CHARS) + "… [message cut: " + message.length() + " characters in all]";
    }

    /**
     * An error for {@code origin}, whose raw key and value are kept whole up to {@code maxRawBytes}
     * each; a longer one is cut to its first {@code maxRawBytes} bytes, the message says so, and the
     * whole record is no longer held.
     */
    static ErrorRecord of(long timeMillis, SourceRecord origin, ErrorKind kind, String message, int maxRawBytes) {
        byte[] key = origin.key();
        byte[] value = origin.value();
        boolean keyCut = key != null && key.length > maxRawBytes;
        boolean valueCut = value != null && value.length > maxRawBytes;
        if (!keyCut && !valueCut) {
            return new ErrorRecord(timeMillis, origin, kind, message);
        }
        String note = (valueCut ? " [raw_value cut to its first " + maxRawBytes + " of " + value.length + " bytes" : " [")
                + (keyCut && valueCut ? "; " : "")
                + (keyCut ? "raw_key cut to its first " + maxRawBytes + " of " + key.length + " bytes" : "")
                + " (maxErrorRawBytes); the whole record is at " + origin.position() + " in the source]";
        // The note is kept whole even when the message has to be cut for it.
        String full = message == null ? "" : message;
        String noted = full.length() + note.length() <= MAX_MESSAGE_CHARS ? full + note
                : full.substring(0, MAX_MESSAGE_CHARS - note.length() - 1) + "…" + note;
        return new ErrorRecord(timeMillis, new CutRecord(origin.position(), origin.timestampMillis(),
                keyCut ? Arrays.copyOf(key, maxRawBytes) : key, valueCut ? Arrays.copyOf(value, maxRawBytes) : value),
                kind, noted);
    }

    /** What is kept of a record whose raw bytes were cut: not the record itself, which may be huge. */
    private record CutRecord(SourcePosition position, long timestampMillis, byte[] key, byte[] value) implements SourceRecord {
        @Override
        public Object virtualColumn(String name) {
            throw new IllegalArgumentException("the record at " + position + " was cut for the error table; no virtual columns");
        }
    }
}
