package dev.tributary.kinesis;

import java.net.URI;
import java.time.Duration;

/**
 * The checked settings every Kinesis reader shares ({@link KinesisBuilder}); immutable. Its
 * {@code toString} prints the credentials without their secrets.
 */
record StreamSettings(StreamRef stream, String region, URI endpoint, KinesisCredentials credentials,
                      StartingPosition startingPosition, String fanOutConsumer, Duration pollInterval, int getRecordsLimit,
                      String applicationName, int maxBufferedRecordsPerShard, long maxBufferedBytesPerShard,
                      int maxPollRecords, Duration startupTimeout) {

    /** Where Kinesis is reached, for messages: the region, or the endpoint that overrides it. */
    String where() {
        return endpoint == null ? "region " + region : "endpoint " + endpoint;
    }
}
