/**
 * The Kinesis source: {@link dev.tributary.kinesis.KinesisSource} reads an Amazon Kinesis data
 * stream (polling or enhanced fan-out) shard by shard, parents before children, and checkpoints to
 * a {@link dev.tributary.kinesis.CheckpointStore} (by default
 * {@link dev.tributary.kinesis.ClickHouseCheckpointStore}) what the pipeline made durable.
 * See {@code docs/kinesis.md}.
 */
package dev.tributary.kinesis;
