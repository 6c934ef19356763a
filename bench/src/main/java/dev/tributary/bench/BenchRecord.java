package dev.tributary.bench;

import dev.tributary.core.SourcePosition;
import dev.tributary.core.SourceRecord;

/** A record with only a value, for encoding outside a pipeline. */
record BenchRecord(byte[] value) implements SourceRecord {

    @Override
    public SourcePosition position() {
        return () -> "bench/0";
    }

    @Override
    public byte[] key() {
        return null;
    }

    @Override
    public long timestampMillis() {
        return 0;
    }

    @Override
    public Object virtualColumn(String name) {
        throw new IllegalArgumentException("benchmark records have no virtual column " + name);
    }
}
