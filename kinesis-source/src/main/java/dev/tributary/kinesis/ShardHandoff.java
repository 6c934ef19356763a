package dev.tributary.kinesis;

import dev.tributary.core.SplitLag;
import software.amazon.kinesis.processor.RecordProcessorCheckpointer;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;

/**
 * One leased shard of a {@link LeaseKinesisSource}: the only state shared between the KCL thread
 * that processes the shard and the pipeline thread. KCL's thread puts records in a bounded buffer
 * (waiting while it is full, so a paused or slow pipeline stops KCL's fetching) and, at the end of
 * the shard or when its lease is to be handed off, waits until everything handed to the pipeline is
 * committed. The pipeline thread drains the buffer and reports commits.
 *
 * <p>All methods synchronize on this object; KCL's thread waits on it.
 */
final class ShardHandoff {

    /** Where the shard's processing stands. */
    enum State {
        /** Records flow. */
        READING,
        /** The shard ended: the buffer is drained, then everything handed out must be committed (then {@code SHARD_END}). */
        ENDING,
        /** The lease is being handed off: the buffer is dropped, what was handed out must be committed. */
        HANDING_OFF,
        /** Finished after an end or a hand-off: the pipeline has committed everything it read. */
        DONE,
        /** The lease was lost: nothing more can be checkpointed; the pipeline drops what it read. */
        LOST
    }

    final String shardId;
    final String split;
    private final int maxRecords;
    private final long maxBytes;
    private final Runnable wakePipeline;

    private final ArrayDeque<KinesisRecord> buffer = new ArrayDeque<>();
    private long bufferedBytes;
    private State state = State.READING;
    private boolean closing;
    private boolean revokeReported;
    private RecordProcessorCheckpointer checkpointer;
    /** The last record handed to the pipeline, and the last one checkpointed; null if none. */
    private KinesisPosition handedOut;
    private KinesisPosition committed;
    private final ShardLag lag;

    /**
     * @param expectedInterval how often KCL hands over a fetch when all is well (its poll interval, or
     *                         {@link ShardLag#FAN_OUT_EVENT_INTERVAL})
     */
    ShardHandoff(String stream, String shardId, int maxRecords, long maxBytes, Duration expectedInterval, Runnable wakePipeline) {
        this.shardId = shardId;
        this.split = KinesisPosition.split(stream, shardId);
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.wakePipeline = wakePipeline;
        // KCL retries its failed calls itself and tells the processor nothing of them.
        this.lag = new ShardLag(split, "fetch handed over by the Kinesis Client Library", ShardLag.staleAfter(expectedInterval),
                "Kinesis may be unreachable (the Kinesis Client Library logs its failed calls)", Clock.systemUTC());
    }

    // ---- KCL's thread

    /**
     * Buffers {@code records}, waiting while the buffer is full. Returns early, dropping the rest
     * (they are not checkpointed, so whoever reads the shard next gets them), when the lease is lost,
     * handed off or the source closes.
     */
    synchronized void offer(List<KinesisRecord> records, RecordProcessorCheckpointer checkpointer, Long millisBehind)
            throws InterruptedException {
        this.checkpointer = checkpointer;
        if (millisBehind != null) {
            lag.reading(millisBehind);
        }
        try {
            for (KinesisRecord record : records) {
                while (state == State.READING && !closing && (buffer.size() >= maxRecords || bufferedBytes >= maxBytes)) {
                    lag.holding(); // KCL fetches nothing more for this shard until offer returns
                    wakePipeline.run(); // full: the pipeline has something to take
                    wait();
                }
                if (state != State.READING || closing) {
                    return;
                }
                buffer.add(record);
                bufferedBytes += record.estimatedBytes();
            }
            wakePipeline.run();
        } finally {
            lag.fetching();
        }
    }

    /**
     * The shard ended ({@code drainFirst}: every buffered record must reach the pipeline) or its lease
     * is to be handed off (the buffer is dropped): waits until everything handed to the pipeline is
     * committed, asking the pipeline to flush. Returns whether it was, false if the source closed or the
     * lease was lost first; then marks the handoff {@link State#DONE}.
     */
    synchronized boolean awaitCommitted(boolean drainFirst, RecordProcessorCheckpointer checkpointer) throws InterruptedException {
        if (checkpointer != null) {
            this.checkpointer = checkpointer;
        }
        if (state == State.LOST) {
            return false;
        }
        state = drainFirst ? State.ENDING : State.HANDING_OFF;
        if (!drainFirst) {
            dropBuffer();
        }
        notifyAll();
        wakePipeline.run();
        while (!closing && state != State.LOST && !(buffer.isEmpty() && allCommitted())) {
            wait();
        }
        boolean done = state != State.LOST && buffer.isEmpty() && allCommitted();
        if (state != State.LOST) {
            state = State.DONE;
        }
        wakePipeline.run();
        return done;
    }

    /**
     * KCL lost the lease: what is buffered is dropped; the pipeline is told at its next poll. Returns
     * false if the shard was already finished (handed off or ended), when losing the lease is the
     * normal end.
     */
    synchronized boolean lost() {
        boolean finished = state == State.DONE;
        if (!finished) {
            state = State.LOST;
        }
        dropBuffer();
        notifyAll();
        wakePipeline.run();
        return !finished;
    }

    // ---- the pipeline thread

    /** Moves up to {@code max} buffered records to {@code out}; the last one moved, or null. */
    synchronized KinesisRecord drainTo(List<? super KinesisRecord> out, int max) {
        KinesisRecord last = null;
        for (int i = 0; i < max && !buffer.isEmpty(); i++) {
            last = buffer.poll();
            bufferedBytes -= last.estimatedBytes();
            out.add(last);
        }
        if (last != null) {
            handedOut = last.position();
            notifyAll();
        }
        return last;
    }

    /**
     * Whether the pipeline must now flush and commit this shard: {@link State#ENDING} if it ended and
     * was drained (report it finished), {@link State#HANDING_OFF} if it is being handed off (report it
     * revoked); null if neither, or if all it handed out is committed. Not null once per handoff.
     */
    synchronized State takeFlushRequest() {
        if (revokeReported || !(state == State.ENDING || state == State.HANDING_OFF) || !buffer.isEmpty() || allCommitted()) {
            return null;
        }
        revokeReported = true;
        return state;
    }

    /** The checkpointer of the shard (synchronized itself: callable from the pipeline thread), or null before the first records. */
    synchronized RecordProcessorCheckpointer checkpointer() {
        return checkpointer;
    }

    /**
     * Saves a checkpoint at {@code position} with the shard's checkpointer, on the calling thread: true when
     * saved, false when the lease is no longer ours (KCL's {@code ShutdownException}). Here, not in
     * {@link LeaseKinesisSource}, so that the source's class links without the KCL on the class path and
     * can say which dependency is missing.
     *
     * @throws Exception any other failure of the write (throttling, DynamoDB unreachable): try again later
     */
    boolean checkpoint(RecordProcessorCheckpointer checkpointer, KinesisPosition position) throws Exception {
        try {
            if (position.isAggregated()) {
                checkpointer.checkpoint(position.sequenceNumber(), position.subSequenceNumber());
            } else {
                checkpointer.checkpoint(position.sequenceNumber());
            }
            return true;
        } catch (software.amazon.kinesis.exceptions.ShutdownException e) {
            return false;
        }
    }

    /** {@code position} is checkpointed: releases a wait at the end of the shard or a hand-off. */
    synchronized void committed(KinesisPosition position) {
        if (committed == null || position.compareWithinSplit(committed) > 0) {
            committed = position;
        }
        notifyAll();
    }

    /** The source closes: every wait ends, nothing more is buffered. */
    synchronized void close() {
        closing = true;
        notifyAll();
    }

    synchronized State state() {
        return state;
    }

    /** The shard's lag from KCL's last fetch, unknown once that is no longer true ({@link ShardLag}). */
    SplitLag lag() {
        return lag.view();
    }

    synchronized long bufferedBytes() {
        return bufferedBytes;
    }

    synchronized boolean allCommitted() {
        return handedOut == null || committed != null && committed.compareWithinSplit(handedOut) >= 0;
    }

    private void dropBuffer() {
        buffer.clear();
        bufferedBytes = 0;
    }

    @Override
    public synchronized String toString() {
        return "ShardHandoff{" + split + ", " + state + ", buffered=" + buffer.size() + ", handedOut=" + handedOut
                + ", committed=" + committed + "}";
    }
}
