package dev.tributary.kinesis;

import dev.tributary.core.internal.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.Callable;

/**
 * The calls the static source makes to start, within its {@code startupTimeout}: failures that may
 * pass (network, throttling, a checkpoint store still starting) are retried with backoff until the
 * deadline; a missing stream or refused credentials fail at once, naming what to check.
 */
final class StreamStartup {

    private static final Logger LOG = LoggerFactory.getLogger(StreamStartup.class);

    private final String pipeline;
    private final KinesisSource.Config config;
    private final long deadline;

    StreamStartup(String pipeline, KinesisSource.Config config) {
        this.pipeline = pipeline;
        this.config = config;
        this.deadline = System.nanoTime() + config.common.startupTimeout().toNanos();
    }

    /** Waits (within the startup timeout) until the stream exists and is ACTIVE or UPDATING. */
    DescribeStreamSummaryResponse awaitStream(KinesisClient kinesis) throws InterruptedException {
        while (true) {
            DescribeStreamSummaryResponse response = call("find stream " + config.common.stream(),
                    () -> kinesis.describeStreamSummary(request -> config.common.stream().applyTo(request)));
            StreamDescriptionSummary summary = response.streamDescriptionSummary();
            if (summary.streamStatus() == StreamStatus.ACTIVE || summary.streamStatus() == StreamStatus.UPDATING) {
                return response;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("KinesisSource: stream " + config.common.stream() + " is " + summary.streamStatus()
                        + ", not ACTIVE, after the startup timeout of " + config.common.startupTimeout().toSeconds() + " s");
            }
            Thread.sleep(200);
        }
    }

    /** What is left of the startup timeout, as a deadline of {@link System#nanoTime()}. */
    long deadline() {
        return deadline;
    }

    /** Runs a call needed to start, retrying failures that may pass until the startup timeout. */
    <T> T call(String what, Callable<T> call) throws InterruptedException {
        Backoff backoff = new Backoff(config.retryInitial, config.retryMax);
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                String where = config.common.where();
                if (KinesisErrors.isPermanent(e)) {
                    throw new IllegalStateException("KinesisSource: cannot " + what + " (" + where + "): "
                            + KinesisErrors.describe(e) + "; check the stream name or ARN, the region and the credentials ("
                            + config.common.credentials() + ")", e);
                }
                long delay = backoff.delayMillis(attempt - 1);
                if (System.nanoTime() + delay * 1_000_000 > deadline) {
                    throw new IllegalStateException("KinesisSource: cannot " + what + " (" + where + ") within the startup"
                            + " timeout of " + config.common.startupTimeout().toSeconds() + " s: " + KinesisErrors.describe(e), e);
                }
                LOG.warn("pipeline {}: cannot {} yet (attempt {}), retrying in {} ms: {}", pipeline, what, attempt, delay,
                        KinesisErrors.describe(e));
                Thread.sleep(delay);
            }
        }
    }

    /**
     * "Now" for {@code LATEST}: Kinesis stamps arrival times with its own clock, of which a response's
     * {@code Date} header gives the second. This machine's clock is used when it falls within that
     * second; otherwise (a skewed clock) the header's time, which is never later than the server's
     * now, so that a skewed clock cannot skip records.
     */
    static Instant serverNow(AwsResponse response) {
        // Milliseconds: what arrival times and the stored marker have (and finer timestamps upset kinesis-mock).
        Instant local = Instant.ofEpochMilli(System.currentTimeMillis());
        Instant server = response.sdkHttpResponse().firstMatchingHeader("Date").map(StreamStartup::parseHttpDate).orElse(null);
        if (server == null || (!local.isBefore(server) && local.isBefore(server.plusSeconds(1)))) {
            return local;
        }
        return server;
    }

    private static Instant parseHttpDate(String value) {
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
