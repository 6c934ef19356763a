package dev.tributary.kinesis;

import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.GetShardIteratorRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stream as the user named it: by name, or by ARN (needed for streams of another account).
 * Requests carry whichever was given.
 */
record StreamRef(String name, String arn) {

    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\\d{12}):stream/([a-zA-Z0-9_.-]{1,128})");
    static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,128}");

    static StreamRef ofName(String name) {
        return new StreamRef(name, null);
    }

    /** The stream of an ARN such as {@code arn:aws:kinesis:us-east-1:123456789012:stream/events}; null if it is not one. */
    static StreamRef ofArn(String arn) {
        Matcher matcher = ARN.matcher(arn);
        return matcher.matches() ? new StreamRef(matcher.group(3), arn) : null;
    }

    /** The region in the ARN, or null. */
    String arnRegion() {
        if (arn == null) {
            return null;
        }
        Matcher matcher = ARN.matcher(arn);
        return matcher.matches() ? matcher.group(1) : null;
    }

    DescribeStreamSummaryRequest.Builder applyTo(DescribeStreamSummaryRequest.Builder request) {
        return arn != null ? request.streamARN(arn) : request.streamName(name);
    }

    ListShardsRequest.Builder applyTo(ListShardsRequest.Builder request) {
        return arn != null ? request.streamARN(arn) : request.streamName(name);
    }

    GetShardIteratorRequest.Builder applyTo(GetShardIteratorRequest.Builder request) {
        return arn != null ? request.streamARN(arn) : request.streamName(name);
    }

    @Override
    public String toString() {
        return arn != null ? arn : name;
    }
}
