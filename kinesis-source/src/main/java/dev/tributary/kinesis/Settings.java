package dev.tributary.kinesis;

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
}
