package dev.tributary.kinesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.exceptions.ShutdownException;
import software.amazon.kinesis.lifecycle.events.InitializationInput;
import software.amazon.kinesis.lifecycle.events.LeaseLostInput;
import software.amazon.kinesis.lifecycle.events.ProcessRecordsInput;
import software.amazon.kinesis.lifecycle.events.ShardEndedInput;
import software.amazon.kinesis.lifecycle.events.ShutdownRequestedInput;
import software.amazon.kinesis.processor.ShardRecordProcessor;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * KCL's callbacks for one leased shard, on KCL's threads, turned into {@link ShardHandoff} calls. It
 * never checkpoints on its own except {@code SHARD_END}, once everything of the shard is committed;
 * every other checkpoint is the pipeline's commit.
 */
final class PipelineRecordProcessor implements ShardRecordProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRecordProcessor.class);

    private final String stream;
    /** Creates and registers the handoff of a newly leased shard. */
    private final Function<String, ShardHandoff> register;
    private ShardHandoff handoff;

    PipelineRecordProcessor(String stream, Function<String, ShardHandoff> register) {
        this.stream = stream;
        this.register = register;
    }

    /** Makes a processor per leased shard. */
    static ShardRecordProcessorFactory factory(String stream, Function<String, ShardHandoff> register) {
        return () -> new PipelineRecordProcessor(stream, register);
    }

    @Override
    public void initialize(InitializationInput input) {
        handoff = register.apply(input.shardId());
        LOG.info("stream {}: leased shard {}, from checkpoint {}", stream, input.shardId(), input.extendedSequenceNumber());
    }

    @Override
    public void processRecords(ProcessRecordsInput input) {
        List<KinesisRecord> records = new ArrayList<>(input.records().size());
        for (KinesisClientRecord record : input.records()) {
            records.add(KinesisRecord.fromKcl(stream, handoff.shardId, record));
        }
        try {
            handoff.offer(records, input.checkpointer(), input.millisBehindLatest());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void leaseLost(LeaseLostInput input) {
        if (handoff == null) {
            return; // lost before initialize: nothing was read
        }
        if (handoff.lost()) {
            LOG.info("stream {}: lease of shard {} lost; what was read of it and not committed is read again by its next owner",
                    stream, handoff.shardId);
        } else {
            LOG.debug("stream {}: lease of shard {} released after it was handed off or finished", stream, handoff.shardId);
        }
    }

    @Override
    public void shardEnded(ShardEndedInput input) {
        if (handoff == null) {
            // KCL ends a shard only after processing it; without initialize nothing was read: no SHARD_END from here.
            LOG.warn("stream {}: shard end reported to a processor that was never initialized; no SHARD_END checkpointed", stream);
            return;
        }
        try {
            if (handoff.awaitCommitted(true, input.checkpointer())) {
                input.checkpointer().checkpoint(); // SHARD_END: children may now be read
                LOG.info("stream {}: shard {} finished (read to its end, committed, SHARD_END checkpointed)", stream, handoff.shardId);
            } else {
                LOG.info("stream {}: shard {} ended, but not all of it is committed (the source closed or lost the lease):"
                        + " no SHARD_END, its next owner reads it again from the last checkpoint", stream, handoff.shardId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ShutdownException e) {
            LOG.info("stream {}: shard {}: SHARD_END not checkpointed, the lease is no longer ours ({})", stream,
                    handoff.shardId, e.getMessage());
        } catch (Exception e) {
            // KCL calls shardEnded again on its next attempt; the commit was made.
            throw new IllegalStateException("stream " + stream + ": checkpointing SHARD_END of shard " + handoff.shardId
                    + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void shutdownRequested(ShutdownRequestedInput input) {
        // The commits already checkpointed every durable record: once what was handed out is committed,
        // the next owner starts right after it.
        if (handoff == null) {
            return; // nothing was read
        }
        try {
            boolean all = handoff.awaitCommitted(false, input.checkpointer());
            LOG.info("stream {}: shard {} handed off ({})", stream, handoff.shardId,
                    all ? "everything read is committed" : "the source closed first: its last commit is the checkpoint");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
