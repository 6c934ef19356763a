package dev.tributary.kinesis;

import dev.tributary.core.Pipeline;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KinesisMock;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
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
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Kinesis unreachable for 10 s: the source reaches kinesis-mock through a loopback TCP proxy that
 * drops every connection and refuses new ones, then listens again on the same port (restarting
 * kinesis-mock would lose its streams: it keeps them in memory). The pipeline recovers by itself.
 */
@ExtendWith(TestServers.class)
class KinesisOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(10);

    @ParameterizedTest
    @EnumSource(Mode.class)
    void recoversByItselfAfterKinesisWasUnreachableForTenSeconds(Mode mode, KinesisMock kinesis, ClickHouseServer clickhouse)
            throws Exception {
        String stream = unique("outage");
        String table = unique("outage_" + mode.name().toLowerCase());
        ClickHouseSql sql = clickhouse.sql();
        createTable(sql, table);
        try (KinesisClient client = client(kinesis);
             TcpProxy proxy = new TcpProxy(kinesis.endpoint().getPort())) {
            createStream(client, stream, 2);
            put(client, stream, 0, 1_000);
            try (Pipeline pipeline = pipeline(table.replace('_', '-'), source(kinesis, proxy.endpoint(), stream, mode, clickhouse)
                    .build(), clickhouse, table)) {
                pipeline.start();
                await("1,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 1_000);

                proxy.disconnect();
                put(client, stream, 1_000, 2_000);
                // Watch the outage: nothing can be read, and the pipeline keeps running.
                long outageEnd = System.nanoTime() + OUTAGE.toNanos();
                while (System.nanoTime() < outageEnd) {
                    assertEquals(1_000, sql.longValue("SELECT count() FROM " + table), "nothing read while unreachable");
                    assertEquals(Pipeline.State.RUNNING, pipeline.state());
                    Thread.sleep(200);
                }
                proxy.reconnect();
                long reconnected = System.nanoTime();
                await("2,000 rows after the outage", Duration.ofMinutes(1),
                        () -> sql.longValue("SELECT count() FROM " + table) >= 2_000);
                System.out.printf("RESULT outage %s: %d s unreachable, all records in ClickHouse %.1f s after it ended%n",
                        mode, OUTAGE.toSeconds(), (System.nanoTime() - reconnected) / 1e9);
                assertNull(pipeline.failure());
            }
        }
        assertEquals(List.of(List.of("2000", "2000")), sql.rows("SELECT count(), uniqExact(id) FROM " + table));
    }
}
