package dev.tributary.kinesis;

import java.net.URI;
import java.util.regex.Pattern;

/** Checks shared by the builders: each failure names the component, the setting and the fix. */
final class Settings {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    private Settings() {
    }

    /** The stream named by exactly one of {@code name} and {@code arn}. */
    static StreamRef stream(String component, String name, String arn) {
        if ((name == null) == (arn == null)) {
            throw new IllegalArgumentException(component + ": give either streamName(...) or streamArn(...), "
                    + (name == null ? "neither was set" : "not both"));
        }
        if (name != null) {
            if (!StreamRef.NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(component + ": streamName '" + name + "' is not a Kinesis stream"
                        + " name (1-128 letters, digits, '_', '.', '-')");
            }
            return StreamRef.ofName(name);
        }
        StreamRef stream = StreamRef.ofArn(arn.trim());
        if (stream == null) {
            throw new IllegalArgumentException(component + ": streamArn '" + arn + "' is not a Kinesis stream ARN;"
                    + " use arn:aws:kinesis:<region>:<12-digit account>:stream/<name>");
        }
        return stream;
    }

    /** The region: {@code region} if set (it must agree with the stream's ARN), else the ARN's. */
    static String region(String component, String region, StreamRef stream) {
        String resolved = region != null ? region.trim() : stream.arnRegion();
        if (resolved == null || resolved.isEmpty()) {
            throw new IllegalArgumentException(component + ": region is not set; call region(\"us-east-1\")"
                    + " (or give streamArn(...), which names it)");
        }
        if (!REGION.matcher(resolved).matches()) {
            throw new IllegalArgumentException(component + ": region '" + resolved + "' is not an AWS region"
                    + " name; use e.g. us-east-1 or eu-central-1");
        }
        if (region != null && stream.arnRegion() != null && !stream.arnRegion().equals(resolved)) {
            throw new IllegalArgumentException(component + ": region " + resolved + " differs from the region "
                    + stream.arnRegion() + " of streamArn; drop region(...) or fix it");
        }
        return resolved;
    }

    /**
     * {@code value} as an http(s) URL with a host.
     *
     * @param example a URL that would do, for the message
     */
    static URI requireHttpUrl(String component, String value, String setting, String example) {
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(component + ": " + setting + " '" + value + "' is not a URL; use e.g. " + example, e);
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException(component + ": " + setting + " '" + value
                    + "' must be an http:// or https:// URL with a host, e.g. " + example);
        }
        return uri;
    }
}
