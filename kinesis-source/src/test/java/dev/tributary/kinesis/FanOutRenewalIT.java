package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Duration;
import java.util.List;

import static dev.tributary.kinesis.KinesisTestData.Mode;
import static dev.tributary.kinesis.KinesisTestData.await;
import static dev.tributary.kinesis.KinesisTestData.client;
import static dev.tributary.kinesis.KinesisTestData.createStream;
import static dev.tributary.kinesis.KinesisTestData.createTable;
import static dev.tributary.kinesis.KinesisTestData.pipeline;
import static dev.tributary.kinesis.KinesisTestData.put;
import static dev.tributary.kinesis.KinesisTestData.source;
import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A fan-out subscription lasts five minutes (kinesis-mock ends it then, as Kinesis does): records
 * put after that still arrive, because the source subscribes again after the last continuation.
 * Mostly waiting, so it runs alongside the other test classes.
 */
@ExtendWith(TestServers.class)
@Execution(ExecutionMode.CONCURRENT)
class FanOutRenewalIT {

    private static final Duration SUBSCRIPTION = Duration.ofMinutes(5);

    @Test
    void recordsPutAfterTheFiveMinuteSubscriptionEndedStillArrive(KinesisMock kinesis, ClickHouseServer clickhouse) throws Exception {
        String stream = unique("renewal");
        String table = unique("renewal");
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis)) {
            createStream(client, stream, 2);
            put(client, stream, 0, 100);
            try (Pipeline pipeline = pipeline(table.replace('_', '-'), source(kinesis, kinesis.endpoint(), stream, Mode.FAN_OUT,
                    clickhouse).build(), clickhouse, table)) {
                long subscribedBefore = System.nanoTime();
                pipeline.start();
                await("the first 100 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 100);
                long renewalDue = subscribedBefore + SUBSCRIPTION.plusSeconds(5).toNanos();
                // Records keep coming, a batch every 30 s, past the end of the first subscriptions.
                long next = 100;
                while (System.nanoTime() < renewalDue) {
                    put(client, stream, next, next + 10);
                    next += 10;
                    long expected = next;
                    await(expected + " rows", Duration.ofSeconds(30), () -> sql.longValue("SELECT count() FROM " + table) == expected);
                    long pause = Math.min(Duration.ofSeconds(30).toNanos(), renewalDue - System.nanoTime());
                    if (pause > 0) {
                        Thread.sleep(pause / 1_000_000); // spacing the batches over the five minutes, not a wait for anything
                    }
                }
                put(client, stream, next, next + 100);
                long total = next + 100;
                await(total + " rows after the subscriptions were renewed", Duration.ofSeconds(60),
                        () -> sql.longValue("SELECT count() FROM " + table) == total);
                System.out.printf("RESULT fan-out renewal: %d records over %d s, subscriptions renewed after %d min%n", total,
                        (System.nanoTime() - subscribedBefore) / 1_000_000_000, SUBSCRIPTION.toMinutes());
            }
        }
        assertEquals(List.of(List.of(Long.toString(sql.longValue("SELECT count() FROM " + table)), "0")),
                sql.rows("SELECT uniqExact(id), count() - uniqExact(id) FROM " + table));
    }
}
