package dev.tributary.kinesis;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What "now" LATEST is resolved to (issue #11, item 6): never later than Kinesis' own clock. */
class LatestStartTest {

    private static DescribeStreamSummaryResponse answeredAt(Instant serverTime) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(serverTime.atOffset(ZoneOffset.UTC));
        return (DescribeStreamSummaryResponse) DescribeStreamSummaryResponse.builder()
                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(200).putHeader("Date", date).build()).build();
    }

    @Test
    void theLocalClockToTheMillisecondWhenItAgreesWithTheServersSecond() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant resolved = StreamStartup.serverNow(answeredAt(before.truncatedTo(ChronoUnit.SECONDS)));
        Instant after = Instant.now();
        // Unless the second changed between the header and the reading of the clock.
        if (!resolved.equals(before.truncatedTo(ChronoUnit.SECONDS))) {
            assertTrue(!resolved.isBefore(before) && !resolved.isAfter(after), resolved + " is the local clock");
        }
        assertEquals(0, resolved.getNano() % 1_000_000, "milliseconds, as arrival times have them");
    }

    @Test
    void theServersTimeWhenTheLocalClockIsSkewed() {
        Instant server = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        assertEquals(server, StreamStartup.serverNow(answeredAt(server)), "a local clock an hour ahead would skip an hour");
        Instant ahead = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        assertEquals(ahead, StreamStartup.serverNow(answeredAt(ahead)), "a local clock behind the server");
    }

    @Test
    void theLocalClockWithoutADateHeader() {
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Instant resolved = StreamStartup.serverNow((DescribeStreamSummaryResponse) DescribeStreamSummaryResponse.builder()
                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(200).build()).build());
        assertTrue(!resolved.isBefore(before) && !resolved.isAfter(Instant.now()));
    }
}
