package dev.tributary.kinesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.kinesis.common.ConfigsBuilder;
import software.amazon.kinesis.common.InitialPositionInStream;
import software.amazon.kinesis.common.InitialPositionInStreamExtended;
import software.amazon.kinesis.coordinator.Scheduler;
import software.amazon.kinesis.leases.LeaseAssignmentStrategy;
import software.amazon.kinesis.leases.LeaseManagementConfig;
import software.amazon.kinesis.leases.dynamodb.DynamoDBLeaseSerializer;
import software.amazon.kinesis.metrics.NullMetricsFactory;
import software.amazon.kinesis.processor.ShardRecordProcessorFactory;
import software.amazon.kinesis.retrieval.RetrievalSpecificConfig;
import software.amazon.kinesis.retrieval.fanout.FanOutConfig;
import software.amazon.kinesis.retrieval.polling.PollingConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The settings of a {@link LeaseKinesisSource} turned into KCL's configuration and {@link Scheduler},
 * with the AWS clients it needs (closed together), and the lease table created when asked.
 */
final class KclSchedulerFactory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KclSchedulerFactory.class);
    /** The index KCL 3 queries for a worker's leases (its name is not public in KCL). */
    static final String LEASE_OWNER_INDEX = "LeaseOwnerToLeaseKeyIndex";

    final KinesisAsyncClient kinesis;
    final DynamoDbAsyncClient dynamo;
    private final CloudWatchAsyncClient cloudWatch;
    private final List<AutoCloseable> resources;
    private final LeaseKinesisSource.Config config;

    private KclSchedulerFactory(LeaseKinesisSource.Config config, KinesisAsyncClient kinesis, DynamoDbAsyncClient dynamo,
                                CloudWatchAsyncClient cloudWatch, List<AutoCloseable> resources) {
        this.config = config;
        this.kinesis = kinesis;
        this.dynamo = dynamo;
        this.cloudWatch = cloudWatch;
        this.resources = resources;
    }

    /** Builds the clients: Kinesis (HTTP/2 for fan-out), DynamoDB and CloudWatch on Netty, with the source's credentials. */
    static KclSchedulerFactory create(LeaseKinesisSource.Config config) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Region region = Region.of(config.common.region());
            SdkHttpClient stsHttp = ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)).build();
            resources.add(stsHttp);
            AwsCredentialsProvider credentials = CredentialProviders.create(config.common.credentials(), region, stsHttp, resources);
            KinesisAsyncClient kinesisClient = KinesisClients.async(config.common, region, credentials, null);
            resources.add(kinesisClient);
            DynamoDbAsyncClientBuilder dynamo = DynamoDbAsyncClient.builder().region(region).credentialsProvider(credentials)
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder().connectionTimeout(Duration.ofSeconds(10)));
            if (config.dynamoDbEndpoint != null) {
                dynamo.endpointOverride(config.dynamoDbEndpoint);
            }
            DynamoDbAsyncClient dynamoClient = dynamo.build();
            resources.add(dynamoClient);
            // Required by KCL's configuration; never called: metrics go to a NullMetricsFactory.
            CloudWatchAsyncClient cloudWatch = CloudWatchAsyncClient.builder().region(region).credentialsProvider(credentials)
                    .httpClientBuilder(NettyNioAsyncHttpClient.builder()).build();
            resources.add(cloudWatch);
            return new KclSchedulerFactory(config, kinesisClient, dynamoClient, cloudWatch, resources);
        } catch (RuntimeException e) {
            KinesisClients.closeAll(resources);
            throw e;
        }
    }

    /** A scheduler of worker {@code workerId} whose record processors come from {@code processors}. */
    Scheduler scheduler(String application, String workerId, ShardRecordProcessorFactory processors) {
        StreamRef stream = config.common.stream();
        ConfigsBuilder configs = configs(application, workerId, processors);
        LeaseManagementConfig leases = leaseManagement(configs);
        RetrievalSpecificConfig retrieval;
        if (config.common.fanOutConsumer() != null) {
            FanOutConfig fanOut = new FanOutConfig(kinesis).applicationName(application).consumerName(config.common.fanOutConsumer());
            retrieval = stream.arn() != null ? fanOut : fanOut.streamName(stream.name());
        } else {
            PollingConfig polling = new PollingConfig(kinesis).idleTimeBetweenReadsInMillis(config.common.pollInterval().toMillis())
                    .maxRecords(config.common.getRecordsLimit());
            retrieval = stream.arn() != null ? polling : polling.streamName(stream.name());
        }
        return new Scheduler(
                configs.checkpointConfig(),
                configs.coordinatorConfig().parentShardPollIntervalMillis(500),
                leases,
                configs.lifecycleConfig().aggregatorUtil(new KplAggregatorUtil(stream.name())),
                configs.metricsConfig().metricsFactory(new NullMetricsFactory()),
                // Also idle fetches reach the processor: each brings the shard's lag (ShardLag trusts fresh readings only).
                configs.processorConfig().callProcessRecordsEvenForEmptyRecordList(true),
                configs.retrievalConfig().retrievalSpecificConfig(retrieval).initialPositionInStreamExtended(initialPosition()));
    }

    ConfigsBuilder configs(String application, String workerId, ShardRecordProcessorFactory processors) {
        StreamRef stream = config.common.stream();
        ConfigsBuilder configs = stream.arn() != null
                ? new ConfigsBuilder(Arn.fromString(stream.arn()), application, kinesis, dynamo, cloudWatch, workerId, processors)
                : new ConfigsBuilder(stream.name(), application, kinesis, dynamo, cloudWatch, workerId, processors);
        configs.tableName(leaseTable(application));
        return configs;
    }

    /** KCL's lease settings for this source. */
    LeaseManagementConfig leaseManagement(ConfigsBuilder configs) {
        LeaseManagementConfig leases = configs.leaseManagementConfig()
                .failoverTimeMillis(config.failoverTime.toMillis())
                .shardSyncIntervalMillis(config.shardSyncInterval.toMillis())
                .maxLeasesForWorker(config.maxLeasesPerWorker)
                .leaseAssignmentStrategy(config.balancing == LeaseKinesisSource.Balancing.LEASE_COUNT
                        ? LeaseAssignmentStrategy.LEASE_COUNT_BASED : LeaseAssignmentStrategy.WORKER_UTILIZATION_AWARE)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .leaseTablePitrEnabled(false)
                .leaseTableDeletionProtectionEnabled(false)
                .dynamoDbLockBasedLeaderLeaseDurationInMillis(config.leaderLeaseDuration.toMillis())
                .dynamoDbLockBasedLeaderHeartbeatPeriodInMillis(config.leaderLeaseDuration.toMillis() / 4);
        // Worker metrics measure the host, not the pipeline; on a shared host they mislead the balancing.
        // KCL's leader counts an instance alive until its worker-metrics entry is two reports old, and gives
        // it leases meanwhile (KCL's default: a report every 30 s, so a minute): reporting every half
        // failoverTime, a dead or stopped instance counts as gone when its leases expire.
        leases.workerUtilizationAwareAssignmentConfig().disableWorkerMetrics(true)
                .workerMetricsReporterFreqInMillis(Math.max(500, config.failoverTime.toMillis() / 2));
        return leases;
    }

    String leaseTable(String application) {
        return config.leaseTableName != null ? config.leaseTableName : application;
    }

    private InitialPositionInStreamExtended initialPosition() {
        StartingPosition start = config.common.startingPosition();
        if (start instanceof StartingPosition.AtTimestamp at) {
            return InitialPositionInStreamExtended.newInitialPositionAtTimestamp(Date.from(at.timestamp()));
        }
        return InitialPositionInStreamExtended.newInitialPosition(start instanceof StartingPosition.Latest
                ? InitialPositionInStream.LATEST : InitialPositionInStream.TRIM_HORIZON);
    }

    /**
     * Creates the lease table {@code table} if it does not exist, as KCL 3 would but with its
     * lease-owner index in the {@code CreateTable} request itself (KCL adds the index by
     * {@code UpdateTable}, which some DynamoDB implementations ignore), and waits until it is ACTIVE.
     */
    static void createLeaseTableIfMissing(DynamoDbAsyncClient dynamo, String table, Duration timeout)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (tableStatus(dynamo, table, timeout) == null) {
            DynamoDBLeaseSerializer leases = new DynamoDBLeaseSerializer();
            List<AttributeDefinition> attributes = new ArrayList<>(leases.getAttributeDefinitions());
            leases.getWorkerIdToLeaseKeyIndexAttributeDefinitions().stream()
                    .filter(definition -> attributes.stream().noneMatch(a -> a.attributeName().equals(definition.attributeName())))
                    .forEach(attributes::add);
            try {
                join(dynamo.createTable(b -> b.tableName(table)
                        .billingMode(BillingMode.PAY_PER_REQUEST)
                        .keySchema(leases.getKeySchema())
                        .attributeDefinitions(attributes)
                        .globalSecondaryIndexes(GlobalSecondaryIndex.builder()
                                .indexName(LEASE_OWNER_INDEX)
                                .keySchema(leases.getWorkerIdToLeaseKeyIndexKeySchema())
                                .projection(p -> p.projectionType(ProjectionType.KEYS_ONLY))
                                .build())), timeout);
                LOG.info("lease table {} created (with index {})", table, LEASE_OWNER_INDEX);
            } catch (ResourceInUseException e) {
                LOG.debug("lease table {} created meanwhile by another instance", table);
            }
        }
        while (tableStatus(dynamo, table, timeout) != TableStatus.ACTIVE) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("lease table " + table + " not ACTIVE after " + timeout);
            }
            Thread.sleep(200); // polling DynamoDB's table status: there is nothing to wait on
        }
    }

    /** The table's status, null if it does not exist. */
    private static TableStatus tableStatus(DynamoDbAsyncClient dynamo, String table, Duration timeout) throws InterruptedException {
        try {
            return join(dynamo.describeTable(b -> b.tableName(table)), timeout).table().tableStatus();
        } catch (ResourceNotFoundException e) {
            return null;
        }
    }

    /** Waits for {@code future}, throwing what it failed with (unwrapped). */
    static <T> T join(java.util.concurrent.CompletableFuture<T> future, Duration timeout) throws InterruptedException {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IllegalStateException("no answer within " + timeout, e);
        }
    }

    @Override
    public void close() {
        KinesisClients.closeAll(resources);
    }
}
