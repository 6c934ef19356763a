package dev.tributary.kinesis;

import java.net.URI;
import java.time.Duration;

/** Checks shared by the builders: each failure names the component, the setting and the fix. */
final class Settings {

    private Settings() {
    }

    static void requireText(String component, String value, String setting, String example) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(component + ": " + setting + " is not set; call " + example);
        }
    }

    static void requirePositive(String component, Duration value, String setting) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(component + ": " + setting + " must be a positive duration, was " + value);
        }
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

    static void requireRange(String component, int value, int min, int max, String setting) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(component + ": " + setting + " must be " + min + ".." + max + ", was " + value);
        }
    }
}
