package dev.tributary.kinesis;

import dev.tributary.core.SampleStart;
import dev.tributary.core.internal.Checks;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The settings every Kinesis reader shares — the stream, where to reach it and how to authenticate,
 * how shards are read and buffered — with their defaults and their checks, in one place: the base of
 * {@link KinesisSource.Builder} and {@link LeaseKinesisSource.Builder}, and what
 * {@link #buildSampler(SampleStart)} builds a {@link KinesisSampler} from, so that a preview
 * reads the stream exactly as the pipeline would.
 *
 * @param <B> the concrete builder, returned by every setter
 */
public abstract class KinesisBuilder<B extends KinesisBuilder<B>> {

    static final Pattern APPLICATION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
    static final Pattern CONSUMER = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");
    /** 8 MiB: four seconds of a shard's full read rate (2 MB/s). */
    static final long DEFAULT_MAX_BUFFERED_BYTES_PER_SHARD = 8L << 20;
    /** What a sampler built from a builder without {@code apiCallTimeout} allows one call. */
    static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(30);

    /** The component named in messages, e.g. {@code KinesisSource}. */
    final String component;
    private String streamName;
    private String streamArn;
    private String region;
    private String endpoint;
    private KinesisCredentials credentials = KinesisCredentials.defaultChain();
    private StartingPosition startingPosition = StartingPosition.TRIM_HORIZON;
    private String fanOutConsumer;
    private Duration pollInterval;
    private int getRecordsLimit = 10_000;
    private String applicationName;
    private int maxBufferedRecordsPerShard = 10_000;
    private long maxBufferedBytesPerShard = DEFAULT_MAX_BUFFERED_BYTES_PER_SHARD;
    private int maxPollRecords = 5_000;
    private Duration startupTimeout = Duration.ofSeconds(60);

    KinesisBuilder(String component, Duration defaultPollInterval) {
        this.component = component;
        this.pollInterval = defaultPollInterval;
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The stream, by name (in the account of the credentials). Give this or {@link #streamArn}. */
    public B streamName(String streamName) {
        this.streamName = streamName;
        return self();
    }

    /** The stream, by ARN ({@code arn:aws:kinesis:<region>:<account>:stream/<name>}); also sets the region. */
    public B streamArn(String streamArn) {
        this.streamArn = streamArn;
        return self();
    }

    /** The AWS region, e.g. {@code us-east-1}. Required unless {@link #streamArn} names it. */
    public B region(String region) {
        this.region = region;
        return self();
    }

    /** Another Kinesis endpoint than the region's (a VPC endpoint, LocalStack, kinesis-mock), e.g. {@code http://127.0.0.1:4568}. */
    public B endpointOverride(String endpoint) {
        this.endpoint = endpoint;
        return self();
    }

    /** How to authenticate (default {@link KinesisCredentials#defaultChain()}). */
    public B credentials(KinesisCredentials credentials) {
        this.credentials = credentials;
        return self();
    }

    /** Where shards without a checkpoint start (default {@link StartingPosition#TRIM_HORIZON}). */
    public B startingPosition(StartingPosition startingPosition) {
        this.startingPosition = startingPosition;
        return self();
    }

    /** Read by polling ({@code GetRecords}): the default. */
    public B polling() {
        this.fanOutConsumer = null;
        return self();
    }

    /**
     * Read with enhanced fan-out as the consumer {@code consumerName} (registered if missing, left
     * registered on close): dedicated throughput per consumer, records pushed over HTTP/2.
     */
    public B enhancedFanOut(String consumerName) {
        this.fanOutConsumer = Objects.requireNonNull(consumerName, "consumerName");
        return self();
    }

    /** Time between {@code GetRecords} calls of a shard when polling (Kinesis allows 5 calls per second per shard). */
    public B pollInterval(Duration pollInterval) {
        this.pollInterval = pollInterval;
        return self();
    }

    /** Records per {@code GetRecords} call at most, 1..10,000 (default 10,000). */
    public B getRecordsLimit(int limit) {
        this.getRecordsLimit = limit;
        return self();
    }

    /**
     * The name the shards' progress is kept under (default: the pipeline's name). Instances that share
     * a stream's shards use the same name; pipelines that each read the whole stream use different ones.
     */
    public B applicationName(String applicationName) {
        this.applicationName = applicationName;
        return self();
    }

    /** Records fetched ahead per shard at most (default 10,000); bounds the memory used. */
    public B maxBufferedRecordsPerShard(int max) {
        this.maxBufferedRecordsPerShard = max;
        return self();
    }

    /**
     * Bytes of records fetched ahead per shard at most (default 8 MiB, i.e. 4 s of a shard's full
     * read rate; 64 KiB – 4 GiB); with {@link #maxBufferedRecordsPerShard} it bounds the memory the
     * buffers use: fetching waits while a shard's buffer holds this much.
     */
    public B maxBufferedBytesPerShard(long maxBytes) {
        this.maxBufferedBytesPerShard = maxBytes;
        return self();
    }

    /** Records one {@code poll} hands out at most (default 5,000). */
    public B maxPollRecords(int max) {
        this.maxPollRecords = max;
        return self();
    }

    /** How long the stream (and what else the reader needs) may take to answer at start (default 60 s). */
    public B startupTimeout(Duration timeout) {
        this.startupTimeout = timeout;
        return self();
    }

    /**
     * A sampler of the stream with these settings (stream, region, endpoint, credentials,
     * {@code getRecordsLimit}, {@code startupTimeout}): it reads a few records for a preview and
     * leaves no trace — no checkpoint, no lease, no table. Settings only a source needs (a checkpoint
     * store, a lease table) are not required. See {@link KinesisSampler} for what
     * {@link SampleStart#LATEST} means on Kinesis.
     */
    public KinesisSampler buildSampler(SampleStart start) {
        if (start == null) {
            throw new IllegalArgumentException("KinesisSampler: the sample start is null; use SampleStart.EARLIEST or"
                    + " SampleStart.LATEST");
        }
        return new KinesisSampler(common("KinesisSampler"), start, samplerCallTimeout());
    }

    /** How long one call of a sampler may take: {@code apiCallTimeout} where the builder has it. */
    Duration samplerCallTimeout() {
        return DEFAULT_API_CALL_TIMEOUT;
    }

    /** The shared settings, checked: a wrong one fails naming the setting and the fix. */
    final StreamSettings common() {
        return common(component);
    }

    private StreamSettings common(String name) {
        StreamRef stream = Settings.stream(name, streamName, streamArn);
        String resolvedRegion = Settings.region(name, region, stream);
        java.net.URI endpointUri = endpoint == null ? null : Settings.requireHttpUrl(name, endpoint, "endpointOverride",
                "http://127.0.0.1:4568 or https://kinesis.us-east-1.amazonaws.com");
        CredentialProviders.validate(credentials);
        if (startingPosition == null) {
            throw new IllegalArgumentException(name + ": startingPosition is null; use StartingPosition.TRIM_HORIZON,"
                    + " LATEST or atTimestamp(...)");
        }
        if (fanOutConsumer != null && !CONSUMER.matcher(fanOutConsumer).matches()) {
            throw new IllegalArgumentException(name + ": enhancedFanOut consumer name '" + fanOutConsumer
                    + "' must be 1-128 letters, digits, '_', '.' or '-'");
        }
        Checks.requirePositive(name, pollInterval, "pollInterval");
        Checks.requireRange(name, getRecordsLimit, 1, 10_000, "getRecordsLimit");
        if (applicationName != null && !APPLICATION.matcher(applicationName).matches()) {
            throw new IllegalArgumentException(name + ": applicationName '" + applicationName + "' must be 1-255"
                    + " letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        Checks.requireRange(name, maxBufferedRecordsPerShard, 1, 1_000_000, "maxBufferedRecordsPerShard");
        if (maxBufferedBytesPerShard < 64 * 1024 || maxBufferedBytesPerShard > (1L << 32)) {
            throw new IllegalArgumentException(name + ": maxBufferedBytesPerShard must be 64 KiB..4 GiB (65536.."
                    + (1L << 32) + "), was " + maxBufferedBytesPerShard + "; the default is " + DEFAULT_MAX_BUFFERED_BYTES_PER_SHARD);
        }
        Checks.requireRange(name, maxPollRecords, 1, 1_000_000, "maxPollRecords");
        Checks.requirePositive(name, startupTimeout, "startupTimeout");
        return new StreamSettings(stream, resolvedRegion, endpointUri, credentials, startingPosition, fanOutConsumer,
                pollInterval, getRecordsLimit, applicationName, maxBufferedRecordsPerShard, maxBufferedBytesPerShard,
                maxPollRecords, startupTimeout);
    }
}
