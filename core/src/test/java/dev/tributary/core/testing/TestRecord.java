package dev.tributary.core.testing;

import dev.tributary.core.RecordCodec;
import dev.tributary.core.RecordSlab;
import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;

/** A record of {@link GeneratedSource}: split {@code s<n>}, offsets from 0, virtual columns {@code _split} and {@code _offset}. */
public record TestRecord(Position position, byte[] key, byte[] value, long timestampMillis) implements SourceRecord {

    /** Keeps test records as bytes in batches, as the real sources' codecs do. */
    public static final RecordCodec CODEC = new RecordCodec() {
        @Override
        public boolean write(SourceRecord record, RecordSlab slab) {
            if (!(record instanceof TestRecord test)) {
                return false;
            }
            slab.writeInterned(test.position.split());
            slab.writeLong(test.position.offset());
            slab.writeBytes(test.key);
            slab.writeBytes(test.value);
            slab.writeLong(test.timestampMillis);
            return true;
        }

        @Override
        public SourceRecord read(RecordSlab.Reader in) {
            return new TestRecord(new Position(in.readInterned(String.class), in.readLong()), in.readBytes(), in.readBytes(),
                    in.readLong());
        }
    };

    /** Offset {@code offset} of split {@code split}. */
    public record Position(String split, long offset) implements SourcePosition {
        @Override
        public int compareWithinSplit(SourcePosition other) {
            if (!(other instanceof Position test) || !test.split.equals(split)) {
                throw new IllegalArgumentException(other + " is not a position of " + split);
            }
            return Long.compare(offset, test.offset);
        }

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
