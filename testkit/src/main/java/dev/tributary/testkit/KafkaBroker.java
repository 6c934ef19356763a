package dev.tributary.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A plaintext Kafka broker for tests (Kafka 4.3.1, KRaft, one node on loopback), or a running
 * broker named by {@code TRIBUTARY_KAFKA_BOOTSTRAP} (e.g. {@code 127.0.0.1:9092}), reused as it is.
 * Topics are created on first use (one partition) or explicitly by the test.
 */
public final class KafkaBroker extends LocalServer {

    /** Environment variable that names a running broker to reuse instead of starting one. */
    public static final String REUSE_ENV = "TRIBUTARY_KAFKA_BOOTSTRAP";

    private final TestkitPaths paths;
    private final String bootstrapServers;

    private KafkaBroker(TestkitPaths paths, Path dir, int port) {
        super("kafka", dir);
        this.paths = paths;
        this.bootstrapServers = Loopback.HOST + ":" + port;
    }

    private KafkaBroker(String bootstrapServers) {
        super("kafka");
        this.paths = null;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats and starts a new broker in a fresh folder of {@code paths}. */
    public static KafkaBroker start(TestkitPaths paths) {
        Path dir = paths.newServerDir("kafka");
        int port = Loopback.freePort();
        int controllerPort = Loopback.freePort();
        List<String> properties = new ArrayList<>(KafkaProcess.baseProperties(dir, controllerPort));
        properties.addAll(List.of(
                "listeners=PLAINTEXT://" + Loopback.HOST + ":" + port + ",CONTROLLER://" + Loopback.HOST + ":" + controllerPort,
                "advertised.listeners=PLAINTEXT://" + Loopback.HOST + ":" + port,
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=PLAINTEXT"));
        KafkaProcess.format(paths, dir, properties, List.of());
        KafkaBroker broker = new KafkaBroker(paths, dir, port);
        broker.start();
        return broker;
    }

    /** The running broker at {@code bootstrapServers}, which must be on loopback. */
    public static KafkaBroker reuse(String bootstrapServers) {
        return new KafkaBroker(Loopback.requireLoopbackHostPort(bootstrapServers, REUSE_ENV));
    }

    /** The broker named by {@link #REUSE_ENV}, else a new one. */
    public static KafkaBroker fromEnvironmentOrStart(TestkitPaths paths) {
        String bootstrap = System.getenv(REUSE_ENV);
        return bootstrap == null || bootstrap.isBlank() ? start(paths) : reuse(bootstrap.trim());
    }

    /** {@code host:port} of the plaintext listener. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Client properties that reach this broker: {@code bootstrap.servers} only. */
    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.setProperty("bootstrap.servers", bootstrapServers);
        return properties;
    }

    @Override
    ManagedProcess launch() {
        return KafkaProcess.launch(paths, name(), dir());
    }
}
