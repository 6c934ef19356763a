package dev.tributary.kinesis;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.KinesisClientBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The AWS clients of one source, built from its settings and closed together: a synchronous
 * client (Apache HTTP) for control calls and polling, and, for enhanced fan-out, an asynchronous
 * client over HTTP/2 (Netty) for {@code SubscribeToShard}. HTTP clients are set explicitly, so
 * whatever other HTTP client is on the class path is never picked.
 */
final class KinesisClients implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KinesisClients.class);

    final KinesisClient sync;
    final KinesisAsyncClient async;
    private final List<AutoCloseable> resources;

    private KinesisClients(KinesisClient sync, KinesisAsyncClient async, List<AutoCloseable> resources) {
        this.sync = sync;
        this.async = async;
        this.resources = resources;
    }

    static KinesisClients create(KinesisSource.Config config) {
        return create(config.common, config.apiCallTimeout, config.fetchThreads + 8);
    }

    /**
     * The clients for these settings: each call at most {@code apiCallTimeout}, {@code maxConnections}
     * HTTP connections, and the HTTP/2 client only when the settings read with enhanced fan-out.
     */
    static KinesisClients create(StreamSettings config, Duration apiCallTimeout, int maxConnections) {
        List<AutoCloseable> resources = new ArrayList<>();
        try {
            Region region = Region.of(config.region());
            SdkHttpClient http = ApacheHttpClient.builder()
                    .maxConnections(maxConnections)
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofSeconds(30))
                    .build();
            resources.add(http);
            AwsCredentialsProvider credentials = CredentialProviders.create(config.credentials(), region, http, resources);
            KinesisClientBuilder sync = KinesisClient.builder()
                    .region(region)
                    .credentialsProvider(credentials)
                    .httpClient(http)
                    .overrideConfiguration(ClientOverrideConfiguration.builder()
                            .apiCallTimeout(apiCallTimeout)
                            .build());
            if (config.endpoint() != null) {
                sync.endpointOverride(config.endpoint());
            }
            KinesisClient syncClient = sync.build();
            resources.add(syncClient);
            KinesisAsyncClient asyncClient = null;
            if (config.fanOutConsumer() != null) {
                // No call timeout: a subscription stays open for five minutes.
                asyncClient = async(config, region, credentials, Duration.ofSeconds(60));
                resources.add(asyncClient);
            }
            return new KinesisClients(syncClient, asyncClient, resources);
        } catch (RuntimeException e) {
            closeAll(resources);
            throw e;
        }
    }

    /**
     * The asynchronous Kinesis client (Netty), as the fan-out reader and KCL use it: HTTP/2 when the settings read
     * with enhanced fan-out (else HTTP/1.1), many concurrent streams, the settings' endpoint.
     *
     * @param readTimeout the socket read timeout, or null for the SDK's
     */
    static KinesisAsyncClient async(StreamSettings config, Region region, AwsCredentialsProvider credentials,
                                    Duration readTimeout) {
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .protocol(config.fanOutConsumer() != null ? Protocol.HTTP2 : Protocol.HTTP1_1)
                .maxConcurrency(10_000)
                .connectionTimeout(Duration.ofSeconds(10));
        if (readTimeout != null) {
            http.readTimeout(readTimeout);
        }
        KinesisAsyncClientBuilder async = KinesisAsyncClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(http);
        if (config.endpoint() != null) {
            async.endpointOverride(config.endpoint());
        }
        return async.build();
    }

    @Override
    public void close() {
        closeAll(resources);
    }

    /** Closes in reverse order of creation: clients before the HTTP client they share. */
    static void closeAll(List<AutoCloseable> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {} failed: {}", resources.get(i), e.toString());
            }
        }
        resources.clear();
    }
}
