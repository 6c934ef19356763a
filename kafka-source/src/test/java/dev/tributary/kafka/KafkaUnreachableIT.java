package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.TestServers;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Retries with an end, on the source side: brokers that stay unreachable for
 * {@code unreachableTimeout} fail the pipeline with a message that names them and the time,
 * instead of a pipeline that polls nothing forever. Stops and restarts the shared broker.
 */
@ExtendWith(TestServers.class)
class KafkaUnreachableIT {

    @Test
    void brokersUnreachableForTheTimeoutFailThePipelineNamingThemAndTheTime(KafkaBroker kafka, ClickHouseServer clickhouse)
            throws Exception {
        String topic = "unreachable-" + System.nanoTime();
        String group = "group-" + topic;
        String table = "unreachable_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.clientProperties(), topic, 2);
        KafkaTestData.produce(kafka.clientProperties(), topic, 0, 100);

        Pipeline pipeline = Pipeline.builder().name("unreachable")
                .source(KafkaSource.builder().bootstrapServers(kafka.bootstrapServers()).topics(topic).groupId(group)
                        .unreachableTimeout(Duration.ofSeconds(4)).build())
                .decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).maxAge(Duration.ofMillis(200)).build())
                .metricsLogInterval(Duration.ZERO).build();
        long stoppedAt;
        long failedAt;
        try {
            pipeline.start();
            try (Admin admin = Admin.create(kafka.clientProperties())) {
                // Everything landed and committed, so that no commit is pending while the broker is down.
                await("100 records committed", Duration.ofMinutes(1), () -> {
                    try {
                        Map<?, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                        return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum() == 100;
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
            // Idle but reachable for longer than the timeout: the brokers still answer (heartbeats, fetches).
            long idleUntil = System.nanoTime() + Duration.ofSeconds(6).toNanos();
            while (System.nanoTime() < idleUntil) {
                assertEquals(Pipeline.State.RUNNING, pipeline.state(), "an idle topic is not an outage");
                Thread.sleep(100);
            }
            stoppedAt = System.nanoTime();
            kafka.stop();
            try {
                await("the pipeline to fail", Duration.ofMinutes(1), () -> pipeline.state() == Pipeline.State.FAILED);
                failedAt = System.nanoTime();
                PipelineException failure = assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofMinutes(1)));
                String message = failure.getMessage();
                assertTrue(message.contains(kafka.bootstrapServers()) && message.contains("4 s")
                        && message.contains("unreachableTimeout"), message);
            } finally {
                kafka.start();
            }
        } finally {
            pipeline.close();
        }
        double seconds = (failedAt - stoppedAt) / 1e9;
        System.out.printf("unreachable: failed %.1f s after the broker stop was requested%n", seconds);
        assertTrue(seconds >= 4 && seconds < 30, "failed after the timeout, not long after it: " + seconds + " s");
        assertEquals(100, sql.longValue("SELECT count() FROM " + table));
    }
}
