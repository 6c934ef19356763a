package dev.tributary.core.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The argument checks of every module's builders, so that a wrong setting is refused the same way everywhere,
 * as an {@link IllegalArgumentException} worded {@code "<component>: <setting> must be …, was …; <fix>"}
 * (the fix only where one is given). Each returns the value it accepted.
 */
public final class Checks {

    private Checks() {
    }

    /** Refuses a missing or blank text: {@code "<component>: <setting> is not set; call <example>"}. */
    public static String requireText(String component, String value, String setting, String example) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(component + ": " + setting + " is not set; call " + example);
        }
        return value;
    }

    /** Refuses a missing, zero or negative duration. */
    public static Duration requirePositive(String component, Duration value, String setting) {
        return requirePositive(component, value, setting, null);
    }

    /** Refuses a missing, zero or negative duration; {@code example} (may be null) is a call that would do. */
    public static Duration requirePositive(String component, Duration value, String setting, String example) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw refused(component, setting, "a positive duration", value, example == null ? null : "e.g. " + example);
        }
        return value;
    }

    /** Refuses a number below {@code min}: {@code "<component>: <setting> must be at least <min>, was <value>"}. */
    public static long requireAtLeast(String component, long value, long min, String setting) {
        if (value < min) {
            throw refused(component, setting, "at least " + min, value, null);
        }
        return value;
    }

    /** Refuses a number outside {@code min..max}: {@code "<component>: <setting> must be <min>..<max>, was <value>"}. */
    public static int requireRange(String component, int value, int min, int max, String setting) {
        if (value < min || value > max) {
            throw refused(component, setting, min + ".." + max, value, null);
        }
        return value;
    }

    /** Refuses a missing or unreadable file: {@code "<component>: <setting> file <path> is not readable"}. */
    public static Path requireReadable(String component, Path path, String setting) {
        if (path == null || !Files.isReadable(path)) {
            throw new IllegalArgumentException(component + ": " + setting + " file " + path + " is not readable");
        }
        return path;
    }

    private static IllegalArgumentException refused(String component, String setting, String expected, Object value,
                                                    String fix) {
        return new IllegalArgumentException(component + ": " + setting + " must be " + expected + ", was " + value
                + (fix == null ? "" : "; " + fix));
    }
}
