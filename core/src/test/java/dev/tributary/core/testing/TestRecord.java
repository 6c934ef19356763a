package dev.tributary.core.testing;

import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;

/** A record of {@link GeneratedSource}: split {@code s<n>}, offsets from 0, virtual columns {@code _split} and {@code _offset}. */
public record TestRecord(Position position, byte[] key, byte[] value, long timestampMillis) implements SourceRecord {

    /** Offset {@code offset} of split {@code split}. */
    public record Position(String split, long offset) implements SourcePosition {
        @Override
        public String toString() {
            return split + "@" + offset;
        }
    }

    @Override
    public Object virtualColumn(String name) {
        return switch (name) {
            case "_split" -> position.split();
            case "_offset" -> position.offset();
            case "_key" -> key;
            default -> throw new IllegalArgumentException("no virtual column " + name);
        };
    }
}
