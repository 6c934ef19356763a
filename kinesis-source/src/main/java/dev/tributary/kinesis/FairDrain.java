package dev.tributary.kinesis;

import dev.tributary.core.SourceRecord;

import java.util.List;

/**
 * Hands out buffered records a fair share from each shard in turn, so that one busy shard cannot
 * starve the others within a poll: both sources' {@code poll} drain their shards with it.
 */
final class FairDrain {

    /** Moves up to {@code max} of one shard's buffered records to {@code out}; whether it moved any. */
    interface Drainer<S> {
        boolean moveUpTo(S shard, List<SourceRecord> out, int max);
    }

    private FairDrain() {
    }

    /**
     * Moves up to {@code maxRecords} records (counting those already in {@code out}) from
     * {@code shards}, each turn at most an equal share from each, starting with shard
     * {@code rotation % shards.size()} (the caller advances it from poll to poll).
     */
    static <S> void drain(List<S> shards, int maxRecords, int rotation, List<SourceRecord> out, Drainer<S> drainer) {
        if (shards.isEmpty()) {
            return;
        }
        int quota = Math.max(1, maxRecords / shards.size());
        boolean moved = true;
        while (moved && out.size() < maxRecords) {
            moved = false;
            for (int i = 0; i < shards.size() && out.size() < maxRecords; i++) {
                S shard = shards.get(Math.floorMod(rotation + i, shards.size()));
                if (drainer.moveUpTo(shard, out, Math.min(quota, maxRecords - out.size()))) {
                    moved = true;
                }
            }
        }
    }
}
