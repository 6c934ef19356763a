package dev.tributary.core.clickhouse;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sink's retry budget and error-rate bound: defaults, validation at build(), how they print. */
class RetrySettingsTest {

    private static ClickHouseSink.Builder valid() {
        return ClickHouseSink.builder().endpoint("http://127.0.0.1:8123").table("events");
    }

    private static void assertRefused(ClickHouseSink.Builder builder, String... expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, builder::build);
        for (String text : expected) {
            assertTrue(error.getMessage().contains(text), "'" + error.getMessage() + "' should say " + text);
        }
    }

    @Test
    void defaultsAreAnHourOfRetriesAndNoErrorRateBound() {
        ClickHouseSink.Config config = valid().build().config();
        assertEquals(Duration.ofHours(1), config.retryBudget);
        assertEquals(0, config.errorToleranceWindow);
        assertTrue(config.toString().contains("retryBudget=PT1H"), config.toString());
        assertTrue(!config.toString().contains("errorTolerance"), config.toString());
    }

    @Test
    void badValuesFailAtBuildNamingTheSetting() {
        assertRefused(valid().retryBudget(Duration.ZERO), "retryBudget must be a positive duration");
        assertRefused(valid().retryBudget(null), "retryBudget");
        assertRefused(valid().errorTolerance(1.0, 1000), "errorTolerance maxFailedShare", "below 1", "leave errorTolerance unset");
        assertRefused(valid().errorTolerance(-0.1, 1000), "errorTolerance maxFailedShare");
        assertRefused(valid().errorTolerance(Double.NaN, 1000), "errorTolerance maxFailedShare");
        assertRefused(valid().errorTolerance(0.5, 0), "errorTolerance windowRecords must be at least 1");
    }

    @Test
    void anErrorRateBoundPrints() {
        ClickHouseSink.Config config = valid().errorTolerance(0.25, 10_000).build().config();
        assertTrue(config.toString().contains("errorTolerance=25% of 10000 records"), config.toString());
    }
}
