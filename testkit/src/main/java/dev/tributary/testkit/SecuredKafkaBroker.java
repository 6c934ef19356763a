package dev.tributary.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * A Kafka broker for authentication tests (Kafka 4.3.1, KRaft, one node on loopback) with:
 * <ul>
 *   <li>a {@code SASL_PLAINTEXT} and a {@code SASL_SSL} listener, each taking PLAIN, SCRAM-SHA-256
 *       and SCRAM-SHA-512 for one user ({@link #user()} / {@link #password()});</li>
 *   <li>an {@code SSL} listener that requires a client certificate (mutual TLS);</li>
 *   <li>a plaintext listener for test setup only ({@link #setupBootstrapServers()});</li>
 *   <li>certificates from a throwaway CA ({@link #certificates()}).</li>
 * </ul>
 * Passwords are random per broker. The broker writes a descriptor, {@code secured-kafka.properties}
 * in its folder; {@code TRIBUTARY_KAFKA_SECURED} naming such a file reuses a running broker.
 */
public final class SecuredKafkaBroker extends LocalServer {

    /** Environment variable naming the descriptor of a running secured broker to reuse. */
    public static final String REUSE_ENV = "TRIBUTARY_KAFKA_SECURED";

    /** The SASL mechanisms every SASL listener accepts. */
    public static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    private static final String DESCRIPTOR = "secured-kafka.properties";

    private final TestkitPaths paths;
    private final Properties descriptor;
    private final TestCertificates certificates;

    private SecuredKafkaBroker(TestkitPaths paths, Path dir, Properties descriptor, TestCertificates certificates) {
        super("kafka-secured", dir);
        this.paths = paths;
        this.descriptor = descriptor;
        this.certificates = certificates;
    }

    private SecuredKafkaBroker(Properties descriptor) {
        super("kafka-secured");
        this.paths = null;
        this.descriptor = descriptor;
        this.certificates = TestCertificates.existing(Path.of(descriptor.getProperty("certificates.dir")),
                descriptor.getProperty("store.password"));
    }

    /** Makes certificates and users, formats and starts a new broker in a fresh folder of {@code paths}. */
    public static SecuredKafkaBroker start(TestkitPaths paths) {
        Path dir = paths.newServerDir("kafka-secured");
        TestCertificates certificates = TestCertificates.create(dir.resolve("certificates"));
        String user = "alice";
        String password = Secrets.random("kafka");
        int setup = Loopback.freePort();
        int saslPlaintext = Loopback.freePort();
        int saslSsl = Loopback.freePort();
        int mtls = Loopback.freePort();
        int controller = Loopback.freePort();
        String host = Loopback.HOST;

        List<String> properties = new ArrayList<>(KafkaProcess.baseProperties(dir, controller));
        properties.addAll(List.of(
                "listeners=SETUP://" + host + ":" + setup + ",SASL_PLAINTEXT://" + host + ":" + saslPlaintext
                        + ",SASL_SSL://" + host + ":" + saslSsl + ",MTLS://" + host + ":" + mtls
                        + ",CONTROLLER://" + host + ":" + controller,
                "advertised.listeners=SETUP://" + host + ":" + setup + ",SASL_PLAINTEXT://" + host + ":" + saslPlaintext
                        + ",SASL_SSL://" + host + ":" + saslSsl + ",MTLS://" + host + ":" + mtls,
                "listener.security.protocol.map=SETUP:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL,"
                        + "MTLS:SSL,CONTROLLER:PLAINTEXT",
                "inter.broker.listener.name=SETUP",
                "sasl.enabled.mechanisms=" + String.join(",", MECHANISMS),
                "ssl.keystore.type=PKCS12",
                "ssl.keystore.location=" + certificates.serverKeystore(),
                "ssl.keystore.password=" + certificates.storePassword(),
                "ssl.key.password=" + certificates.storePassword(),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + certificates.truststore(),
                "ssl.truststore.password=" + certificates.storePassword(),
                "listener.name.mtls.ssl.client.auth=required"));
        for (String listener : List.of("sasl_plaintext", "sasl_ssl")) {
            properties.add("listener.name." + listener + ".plain.sasl.jaas.config="
                    + "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + user + "=\"" + password + "\";");
            for (String scram : List.of("scram-sha-256", "scram-sha-512")) {
                properties.add("listener.name." + listener + "." + scram + ".sasl.jaas.config="
                        + "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            }
        }
        KafkaProcess.format(paths, dir, properties, List.of(
                "SCRAM-SHA-256=[name=" + user + ",password=" + password + "]",
                "SCRAM-SHA-512=[name=" + user + ",password=" + password + "]"));

        Properties descriptor = new Properties();
        descriptor.setProperty("setup.bootstrap", host + ":" + setup);
        descriptor.setProperty("sasl_plaintext.bootstrap", host + ":" + saslPlaintext);
        descriptor.setProperty("sasl_ssl.bootstrap", host + ":" + saslSsl);
        descriptor.setProperty("mtls.bootstrap", host + ":" + mtls);
        descriptor.setProperty("user", user);
        descriptor.setProperty("password", password);
        descriptor.setProperty("certificates.dir", certificates.dir().toString());
        descriptor.setProperty("store.password", certificates.storePassword());
        try (OutputStream out = Files.newOutputStream(dir.resolve(DESCRIPTOR))) {
            descriptor.store(out, "Tributary test kit: a running secured Kafka broker (set " + REUSE_ENV + " to this file)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(DESCRIPTOR), e);
        }

        SecuredKafkaBroker broker = new SecuredKafkaBroker(paths, dir, descriptor, certificates);
        broker.start();
        return broker;
    }

    /** The running broker described by {@code descriptorFile}; its addresses must be on loopback. */
    public static SecuredKafkaBroker reuse(Path descriptorFile) {
        Properties descriptor = new Properties();
        try (InputStream in = Files.newInputStream(descriptorFile)) {
            descriptor.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(REUSE_ENV + "=" + descriptorFile + " cannot be read", e);
        }
        for (String key : List.of("setup.bootstrap", "sasl_plaintext.bootstrap", "sasl_ssl.bootstrap", "mtls.bootstrap")) {
            Loopback.requireLoopbackHostPort(descriptor.getProperty(key, ""), REUSE_ENV + " (" + key + ")");
        }
        return new SecuredKafkaBroker(descriptor);
    }

    /** The broker named by {@link #REUSE_ENV}, else a new one. */
    public static SecuredKafkaBroker fromEnvironmentOrStart(TestkitPaths paths) {
        String file = System.getenv(REUSE_ENV);
        return file == null || file.isBlank() ? start(paths) : reuse(Path.of(file.trim()));
    }

    /** The SASL user. */
    public String user() {
        return descriptor.getProperty("user");
    }

    /** The SASL user's password (for PLAIN and both SCRAM mechanisms). */
    public String password() {
        return descriptor.getProperty("password");
    }

    /** The CA, server and client certificates. */
    public TestCertificates certificates() {
        return certificates;
    }

    /** Unauthenticated plaintext listener, for creating topics and producing test data. */
    public String setupBootstrapServers() {
        return descriptor.getProperty("setup.bootstrap");
    }

    public String saslPlaintextBootstrapServers() {
        return descriptor.getProperty("sasl_plaintext.bootstrap");
    }

    public String saslSslBootstrapServers() {
        return descriptor.getProperty("sasl_ssl.bootstrap");
    }

    /** The listener that requires a client certificate. */
    public String mtlsBootstrapServers() {
        return descriptor.getProperty("mtls.bootstrap");
    }

    /** Client properties for the plaintext setup listener. */
    public Properties setupClientProperties() {
        Properties properties = new Properties();
        properties.setProperty("bootstrap.servers", setupBootstrapServers());
        return properties;
    }

    /**
     * Client properties for SASL over plaintext with {@code mechanism} (one of {@link #MECHANISMS})
     * and the given password (pass a wrong one to test rejection).
     */
    public Properties saslPlaintextClientProperties(String mechanism, String password) {
        Properties properties = sasl(mechanism, password);
        properties.setProperty("bootstrap.servers", saslPlaintextBootstrapServers());
        properties.setProperty("security.protocol", "SASL_PLAINTEXT");
        return properties;
    }

    /** Client properties for SASL over TLS, trusting the test CA. */
    public Properties saslSslClientProperties(String mechanism, String password) {
        Properties properties = sasl(mechanism, password);
        properties.setProperty("bootstrap.servers", saslSslBootstrapServers());
        properties.setProperty("security.protocol", "SASL_SSL");
        trustTestCa(properties);
        return properties;
    }

    /** Client properties for mutual TLS with the test client certificate. */
    public Properties mtlsClientProperties() {
        Properties properties = new Properties();
        properties.setProperty("bootstrap.servers", mtlsBootstrapServers());
        properties.setProperty("security.protocol", "SSL");
        trustTestCa(properties);
        properties.setProperty("ssl.keystore.type", "PKCS12");
        properties.setProperty("ssl.keystore.location", certificates.clientKeystore().toString());
        properties.setProperty("ssl.keystore.password", certificates.storePassword());
        properties.setProperty("ssl.key.password", certificates.storePassword());
        return properties;
    }

    private void trustTestCa(Properties properties) {
        properties.setProperty("ssl.truststore.type", "PKCS12");
        properties.setProperty("ssl.truststore.location", certificates.truststore().toString());
        properties.setProperty("ssl.truststore.password", certificates.storePassword());
    }

    private Properties sasl(String mechanism, String password) {
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("mechanism " + mechanism + " is not one of " + MECHANISMS);
        }
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        Properties properties = new Properties();
        properties.setProperty("sasl.mechanism", mechanism);
        properties.setProperty("sasl.jaas.config", module + " required username=\"" + user() + "\" password=\""
                + password + "\";");
        return properties;
    }

    @Override
    ManagedProcess launch() {
        return KafkaProcess.launch(paths, name(), dir());
    }

    @Override
    public String toString() {
        // The descriptor holds passwords: never print it.
        return super.toString();
    }
}
