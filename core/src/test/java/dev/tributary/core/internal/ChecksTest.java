package dev.tributary.core.internal;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChecksTest {

    private static String refusal(Runnable check) {
        return assertThrows(IllegalArgumentException.class, check::run).getMessage();
    }

    @Test
    void eachRefusalNamesTheComponentTheSettingAndTheValue() {
        assertEquals("Sink: table is not set; call table(\"events\")",
                refusal(() -> Checks.requireText("Sink", " ", "table", "table(\"events\")")));
        assertEquals("Sink: maxAge must be a positive duration, was PT0S",
                refusal(() -> Checks.requirePositive("Sink", Duration.ZERO, "maxAge")));
        assertEquals("Registry: requestTimeout must be a positive duration, was null; e.g. requestTimeout(Duration.ofSeconds(30))",
                refusal(() -> Checks.requirePositive("Registry", null, "requestTimeout", "requestTimeout(Duration.ofSeconds(30))")));
        assertEquals("Sampler: maxRecords must be at least 1, was 0",
                refusal(() -> Checks.requireAtLeast("Sampler", 0, 1, "maxRecords")));
        assertEquals("Source: fetchThreads must be 1..256, was 257",
                refusal(() -> Checks.requireRange("Source", 257, 1, 256, "fetchThreads")));
        assertEquals("Source: trustedCertificates file /no/such/ca.pem is not readable",
                refusal(() -> Checks.requireReadable("Source", Path.of("/no/such/ca.pem"), "trustedCertificates")));
    }

    @Test
    void anAcceptedValueIsReturned() {
        assertEquals("events", Checks.requireText("Sink", "events", "table", "table(\"events\")"));
        assertEquals(Duration.ofSeconds(1), Checks.requirePositive("Sink", Duration.ofSeconds(1), "maxAge"));
        assertEquals(256, Checks.requireRange("Source", 256, 1, 256, "fetchThreads"));
        assertEquals(1, Checks.requireAtLeast("Sampler", 1, 1, "maxRecords"));
    }
}
