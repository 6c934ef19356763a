package dev.tributary.kinesis;

import dev.tributary.core.clickhouse.ClickHouseConnection;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.Loopback;
import dev.tributary.testkit.TestCertificates;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static dev.tributary.kinesis.KinesisTestData.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checkpoint store over HTTPS with a custom CA, on the ClickHouse 18.16 server serving HTTPS
 * ({@code https_port}) with a certificate for 127.0.0.1 signed by a test CA that the JVM does not
 * trust: it works through a {@link ClickHouseConnection} (the kind the sink takes) that trusts the
 * CA, and is refused without it. The sink over the same kind of connection is checked in
 * kafka-source's {@code TlsHostnameVerificationIT}.
 */
@ExtendWith(TestServers.class)
class ClickHouseCheckpointStoreTlsIT {

    @Test
    void savesAndLoadsCheckpointsOverHttpsWithACustomCa(TestkitPaths paths) {
        TestCertificates ca = TestCertificates.create(paths.newServerDir("checkpoint-tls-certificates"));
        try (ClickHouseServer clickhouse = ClickHouseServer.start(paths)) {
            String https = clickhouse.serveHttps(Loopback.freePort(), ca.serverCertificatePem(), ca.serverKeyPem());
            ClickHouseConnection connection = ClickHouseConnection.builder().endpoint(https)
                    .trustedCertificate(ca.caPem()).build();
            String table = unique("tls_checkpoints");

            try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().connection(connection).table(table).build()) {
                store.open();
                store.save("app", "events", Map.of("shardId-000000000000", Checkpoint.at("42")));
                store.save("app", "events", Map.of("shardId-000000000000", Checkpoint.at("43")));
                assertEquals(Map.of("shardId-000000000000", Checkpoint.at("43")), store.load("app", "events"));
            }
            // Written over HTTPS, read back over plain HTTP: the same server, the same rows.
            assertEquals(2, clickhouse.sql().longValue("SELECT count() FROM " + table));

            IllegalStateException untrusted = assertThrows(IllegalStateException.class, () -> {
                try (ClickHouseCheckpointStore store = ClickHouseCheckpointStore.builder().endpoint(https).table(table).build()) {
                    store.open();
                }
            });
            assertTrue(untrusted.getMessage().contains("create the checkpoint table") && untrusted.getMessage().contains(https),
                    untrusted.getMessage());
            assertTrue(chain(untrusted).contains("PKIX"), "without the CA the JVM's trust store refuses: " + chain(untrusted));
        }
    }

    private static String chain(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t).append(" <- ");
        }
        return text.toString();
    }
}
