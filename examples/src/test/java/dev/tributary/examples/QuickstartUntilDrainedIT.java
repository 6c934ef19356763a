package dev.tributary.examples;

import dev.tributary.core.Pipeline;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static dev.tributary.testkit.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --until-drained} never takes an unknown lag for drained: with the broker stopped before the
 * topic was read, {@link Quickstart#watch} stops the pipeline after the unknown-lag timeout and fails
 * naming the lag's age and reason (the bug the issue saw with Kinesis: a stale "0 behind" taken for drained).
 * Stops and restarts the shared broker.
 */
@ExtendWith(TestServers.class)
class QuickstartUntilDrainedIT {

    @Test
    void aLagThatStaysUnknownIsNotDrainedTheRunStopsAndFailsNamingItsAgeAndReason(KafkaBroker kafka,
            ClickHouseServer clickhouse) throws Exception {
        String topic = "undrained_" + System.nanoTime();
        Demo.createTopic(kafka, topic, 2);
        Demo.produce(kafka, topic, 100);
        Pipeline pipeline = Pipeline.builder().name("undrained-" + topic)
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId("group-" + topic)
                        .lagInterval(Duration.ofMillis(500)).build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(topic)
                        .createTableIfMissing(GitHubEvents.createTable(topic)).build())
                .metricsLogInterval(Duration.ZERO).build();
        pipeline.pause(); // reads nothing, so it is 100 behind until the broker goes
        CompletableFuture<Void> brokerStopped = CompletableFuture.runAsync(() -> {
            try {
                await("a lag of 100", Duration.ofMinutes(1), () -> pipeline.lag().total().orElse(-1) == 100);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            kafka.stop();
        });
        try {
            Quickstart.LagUnknownException failure = assertThrows(Quickstart.LagUnknownException.class,
                    () -> Quickstart.watch(pipeline, new Quickstart.Settings(kafka.bootstrapServers(), topic, "group-" + topic,
                            clickhouse.endpoint(), topic, true, Duration.ofMillis(500), Duration.ofSeconds(5))));
            System.out.println("QuickstartUntilDrainedIT: " + failure.getMessage());
            assertTrue(failure.getMessage().startsWith("not drained: the lag has been unknown for "), failure.getMessage());
            assertTrue(failure.getMessage().contains(topic + "/0, last good reading ")
                    && failure.getMessage().contains(topic + "/1, last good reading "), failure.getMessage());
            assertEquals(Pipeline.State.STOPPED, pipeline.state(), "watch stopped the pipeline");
        } finally {
            brokerStopped.join();
            kafka.start();
        }
    }
}
