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

    /** The shared settings as a source's {@code toString} shows them; credentials print without their secrets. */
    String describe() {
        return "stream=" + stream + ", region=" + region + (endpoint == null ? "" : ", endpoint=" + endpoint)
                + ", credentials=" + credentials + ", startingPosition=" + startingPosition
                + ", read=" + (fanOutConsumer == null ? "polling every " + pollInterval.toMillis() + " ms, up to "
                + getRecordsLimit + " records" : "enhanced fan-out as consumer " + fanOutConsumer)
                + (applicationName == null ? "" : ", applicationName=" + applicationName)
                + ", maxBufferedRecordsPerShard=" + maxBufferedRecordsPerShard
                + ", maxBufferedBytesPerShard=" + maxBufferedBytesPerShard;
    }

    /** Where Kinesis is reached, for messages: the region, or the endpoint that overrides it. */
    String where() {
        return endpoint == null ? "region " + region : "endpoint " + endpoint;
    }
}
