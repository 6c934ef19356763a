package dev.tributary.kinesis;

import dev.tributary.core.Source;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.ProviderContext;
import dev.tributary.core.config.SourceProvider;

import java.time.Duration;
import java.util.Optional;

/**
 * {@code source.type=kinesis-lease}: a {@link LeaseKinesisSource} (shards shared through DynamoDB leases;
 * needs the Kinesis Client Library on the class path) from the {@code source.*} keys: the stream keys
 * both Kinesis sources share, and the lease keys (docs/configuration.md lists them).
 */
public final class LeaseKinesisSourceProvider implements SourceProvider {

    @Override
    public String type() {
        return "kinesis-lease";
    }

    @Override
    public Source create(Config source, ProviderContext context) {
        LeaseKinesisSource.Builder builder = LeaseKinesisSource.builder();
        KinesisSourceProvider.applyStream(source, builder);
        Optional<String> dynamoDb = source.string("dynamodb-endpoint-override");
        Optional<String> leaseTable = source.string("lease-table-name");
        Optional<String> workerId = source.string("worker-id");
        Optional<Duration> failoverTime = source.duration("failover-time");
        Optional<Duration> leaderLease = source.duration("leader-lease-duration");
        Optional<Duration> shardSync = source.duration("shard-sync-interval");
        Optional<Integer> maxLeases = source.integer("max-leases-per-worker");
        Optional<LeaseKinesisSource.Balancing> balancing = source.enumValue("balancing", LeaseKinesisSource.Balancing.class);
        Optional<Boolean> createLeaseTable = source.bool("create-lease-table");
        Optional<Duration> shutdownTimeout = source.duration("shutdown-timeout");
        dynamoDb.ifPresent(builder::dynamoDbEndpointOverride);
        leaseTable.ifPresent(builder::leaseTableName);
        workerId.ifPresent(builder::workerId);
        failoverTime.ifPresent(builder::failoverTime);
        leaderLease.ifPresent(builder::leaderLeaseDuration);
        shardSync.ifPresent(builder::shardSyncInterval);
        maxLeases.ifPresent(builder::maxLeasesPerWorker);
        balancing.ifPresent(builder::balancing);
        createLeaseTable.ifPresent(builder::createLeaseTable);
        shutdownTimeout.ifPresent(builder::shutdownTimeout);
        return builder.build();
    }
}
