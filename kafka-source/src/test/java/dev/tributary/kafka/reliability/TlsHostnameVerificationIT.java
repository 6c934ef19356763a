package dev.tributary.kafka.reliability;

import dev.tributary.core.SinkContext;
import dev.tributary.core.SourceContext;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.table.TableSchema;
import dev.tributary.core.metrics.MetricsRecorder;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.Loopback;
import dev.tributary.testkit.TestCertificates;
import dev.tributary.testkit.TestServers;
import dev.tributary.testkit.TestkitPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS server certificates are checked against the host name by default, on both sides of the
 * pipeline: a certificate signed by a trusted CA but issued for another name is refused.
 * <ul>
 *   <li>ClickHouse over HTTPS: the 18.16 server itself serves HTTPS ({@code https_port} and
 *       {@code openSSL} in a {@code config.d} file), first with a certificate for 127.0.0.1, then
 *       with one for {@code wrong.example};</li>
 *   <li>Kafka over SSL: a loopback TLS endpoint (a JDK {@link SSLServerSocket}) presents either
 *       certificate to a {@link KafkaSource}; the refusal happens in the TLS handshake, before any
 *       Kafka protocol, and turning {@code ssl.endpoint.identification.algorithm} off makes the same
 *       handshake pass — so it is the host-name check that refuses.</li>
 * </ul>
 */
@ExtendWith(TestServers.class)
class TlsHostnameVerificationIT {

    private static final String OTHER_NAME = "wrong.example";

    @Test
    void clickHouseOverHttpsRefusesACertificateForAnotherName(TestkitPaths paths) throws Exception {
        TestCertificates ca = TestCertificates.create(paths.newServerDir("tls-clickhouse-certificates"));
        Path[] right = OtherNameCertificate.exportPem(ca.serverKeystore(), "server", ca.storePassword());
        Path[] wrong = OtherNameCertificate.exportPem(OtherNameCertificate.create(ca, "other", OTHER_NAME), "other",
                ca.storePassword());
        int httpsPort = Loopback.freePort();
        try (ClickHouseServer clickhouse = ClickHouseServer.start(paths)) {
            clickhouse.sql().execute("CREATE TABLE tls_target (id UInt64) ENGINE = MergeTree ORDER BY id");
            String endpoint = "https://127.0.0.1:" + httpsPort;

            serveHttps(clickhouse, httpsPort, right);
            TableSchema schema = openSink(ClickHouseSink.builder().endpoint(endpoint).table("tls_target")
                    .trustedCertificate(ca.caPem()).build());
            assertEquals("18.16.1", schema.serverVersion().toString(), "HTTPS works with a certificate for 127.0.0.1");
            long untrustedStart = System.nanoTime();
            IllegalStateException untrusted = assertThrows(IllegalStateException.class, () -> openSink(
                    ClickHouseSink.builder().endpoint(endpoint).table("tls_target").build()));
            assertTrue(chain(untrusted).contains("PKIX"), "without the CA the JVM's trust store refuses: " + chain(untrusted));
            assertTrue(System.nanoTime() - untrustedStart < Duration.ofSeconds(20).toNanos(),
                    "an untrusted certificate is not retried as if the server were down: " + chain(untrusted));

            serveHttps(clickhouse, httpsPort, wrong);
            long started = System.nanoTime();
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> openSink(
                    ClickHouseSink.builder().endpoint(endpoint).table("tls_target").trustedCertificate(ca.caPem()).build()));
            String reason = chain(refused);
            assertTrue(reason.contains("subject alternative name") || reason.contains("doesn't match"),
                    "refused for the name: " + reason);
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos(),
                    "a certificate for another name is not retried as if the server were down: " + reason);
        }
    }

    @Test
    void kafkaOverSslRefusesABrokerCertificateForAnotherName(TestkitPaths paths) throws Exception {
        TestCertificates ca = TestCertificates.create(paths.newServerDir("tls-kafka-certificates"));
        Path wrong = OtherNameCertificate.create(ca, "other", OTHER_NAME);

        try (TlsEndpoint endpoint = TlsEndpoint.start(wrong, ca.storePassword())) {
            IllegalStateException refused = assertThrows(IllegalStateException.class,
                    () -> openSource(endpoint, ca, false));
            String reason = chain(refused);
            assertTrue(reason.contains("No subject alternative names matching IP address 127.0.0.1"), reason);
            assertFalse(endpoint.handshakeSucceeded(), "the client broke off the handshake");
        }
        // Control: the same certificate passes the handshake once the host-name check is turned off,
        // and a certificate for 127.0.0.1 passes it with the check on.
        try (TlsEndpoint endpoint = TlsEndpoint.start(wrong, ca.storePassword())) {
            assertThrows(IllegalStateException.class, () -> openSource(endpoint, ca, true)); // no Kafka behind it
            assertTrue(endpoint.handshakeSucceeded(), "the handshake passes without the host-name check");
        }
        try (TlsEndpoint endpoint = TlsEndpoint.start(ca.serverKeystore(), ca.storePassword())) {
            assertThrows(IllegalStateException.class, () -> openSource(endpoint, ca, false)); // no Kafka behind it
            assertTrue(endpoint.handshakeSucceeded(), "a certificate for 127.0.0.1 passes the handshake");
        }
    }

    /** Opens a Kafka source against the endpoint over SSL, trusting the test CA. */
    private static void openSource(TlsEndpoint endpoint, TestCertificates ca, boolean hostnameCheckOff) {
        KafkaSource.Builder builder = KafkaSource.builder().bootstrapServers("127.0.0.1:" + endpoint.port())
                .topics("anything").groupId("tls-test").trustedCertificates(ca.caPem())
                .startupTimeout(Duration.ofSeconds(8));
        if (hostnameCheckOff) {
            builder.property("ssl.endpoint.identification.algorithm", "");
        }
        KafkaSource source = builder.build();
        try {
            source.open(SourceContext.standalone("tls-test"));
        } finally {
            source.close();
        }
    }

    private static TableSchema openSink(ClickHouseSink sink) {
        try (sink) {
            return sink.open(new SinkContext() {
                @Override
                public String pipelineName() {
                    return "tls-test";
                }

                @Override
                public MetricsRecorder metrics() {
                    return MetricsRecorder.NONE;
                }
            });
        }
    }

    /** Restarts ClickHouse with HTTPS on {@code port} presenting {@code pem} (key, chain) and waits for it. */
    private static void serveHttps(ClickHouseServer clickhouse, int port, Path[] pem) {
        clickhouse.serveHttps(port, pem[1], pem[0]);
    }

    private static String chain(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t).append(" <- ");
        }
        return text.toString();
    }

    /**
     * A TLS endpoint on 127.0.0.1 presenting the certificate of a PKCS12 keystore; it records
     * whether a client completed the handshake, then closes the connection.
     */
    private static final class TlsEndpoint implements AutoCloseable {
        private final SSLServerSocket server;
        private final CompletableFuture<Boolean> handshake = new CompletableFuture<>();
        private final Thread acceptor;

        private TlsEndpoint(SSLServerSocket server) {
            this.server = server;
            this.acceptor = new Thread(this::accept, "tls-endpoint");
            this.acceptor.setDaemon(true);
            this.acceptor.start();
        }

        static TlsEndpoint start(Path keystore, String password) throws Exception {
            KeyStore store = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore)) {
                store.load(in, password.toCharArray());
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new TlsEndpoint((SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getByName(Loopback.HOST)));
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            while (!server.isClosed()) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(5_000);
                    socket.startHandshake();
                    handshake.complete(true);
                } catch (Exception e) {
                    // a refused handshake, or the endpoint closing
                }
            }
        }

        /** Whether a client completed a handshake (waits briefly for one in progress). */
        boolean handshakeSucceeded() throws InterruptedException {
            try {
                return handshake.get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return false;
            }
        }

        @Override
        public void close() throws Exception {
            server.close();
            acceptor.join(5_000);
        }
    }
}
