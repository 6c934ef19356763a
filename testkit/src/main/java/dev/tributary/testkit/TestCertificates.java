package dev.tributary.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throwaway certificate authority for TLS tests, made with the JDK's {@code keytool}: the CA, a
 * server certificate for {@code 127.0.0.1}/{@code localhost} and a client certificate (for mutual
 * TLS), as PKCS12 stores and as PEM files.
 *
 * <p>Files in {@link #dir()}: {@code ca.pem}, {@code truststore.p12} (the CA), {@code server.p12},
 * {@code server-chain.pem}, {@code server-key.pem} (for servers that read PEM, e.g. ClickHouse),
 * {@code client.p12}, {@code client-cert.pem}, {@code client-key.pem} (keys unencrypted PKCS#8).
 * Every store uses {@link #storePassword()}.
 */
public final class TestCertificates {

    private final Path dir;
    private final String storePassword;

    private TestCertificates(Path dir, String storePassword) {
        this.dir = dir;
        this.storePassword = storePassword;
    }

    /** Makes a new CA and its server and client certificates in {@code dir}. */
    public static TestCertificates create(Path dir) {
        TestCertificates certificates = new TestCertificates(dir, Secrets.random("store"));
        certificates.generate();
        return certificates;
    }

    /** Reads certificates that {@link #create(Path)} made earlier. */
    static TestCertificates existing(Path dir, String storePassword) {
        return new TestCertificates(dir, storePassword);
    }

    public Path dir() {
        return dir;
    }

    public String storePassword() {
        return storePassword;
    }

    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public Path serverKeystore() {
        return dir.resolve("server.p12");
    }

    public Path clientKeystore() {
        return dir.resolve("client.p12");
    }

    /** The server's certificate chain (its certificate, then the CA's) as PEM. */
    public Path serverCertificatePem() {
        return dir.resolve("server-chain.pem");
    }

    /** The server's private key as unencrypted PKCS#8 PEM. */
    public Path serverKeyPem() {
        return dir.resolve("server-key.pem");
    }

    public Path clientCertificatePem() {
        return dir.resolve("client-cert.pem");
    }

    public Path clientKeyPem() {
        return dir.resolve("client-key.pem");
    }

    private void generate() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=Tributary Test CA", "-ext", "bc:c", "-keystore", "ca.p12", "-storetype", "PKCS12");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "truststore.p12",
                "-storetype", "PKCS12");
        signed("server", "CN=localhost", "SAN=IP:127.0.0.1,DNS:localhost");
        signed("client", "CN=tributary-client", null);
        exportPem(serverKeystore(), "server", storePassword, serverKeyPem(), serverCertificatePem());
        exportPem(clientKeystore(), "client", storePassword, clientKeyPem(), clientCertificatePem());
    }

    /** A key pair in {@code <name>.p12} whose certificate the CA signed. */
    private void signed(String name, String dname, String extension) {
        String store = name + ".p12";
        keytool("-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", dname, "-keystore", store, "-storetype", "PKCS12");
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", name + ".csr");
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12",
                "-infile", name + ".csr", "-outfile", name + "-cert.pem", "-validity", "3650"));
        if (extension != null) {
            gencert.addAll(List.of("-ext", extension));
        }
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", name + "-cert.pem", "-keystore", store);
    }

    /**
     * Writes the key (unencrypted PKCS#8) and certificate chain of {@code alias} in the PKCS12
     * {@code keystore} as PEM files {@code keyPem} and {@code chainPem}.
     */
    public static void exportPem(Path keystore, String alias, String password, Path keyPem, Path chainPem) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            Key key = store.getKey(alias, password.toCharArray());
            Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded()));
            StringBuilder chain = new StringBuilder();
            for (Certificate certificate : store.getCertificateChain(alias)) {
                chain.append(pem("CERTIFICATE", certificate.getEncoded()));
            }
            Files.writeString(chainPem, chain.toString());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the PEM files of " + alias + " in " + keystore, e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass", storePassword));
        if (arguments[0].equals("-genkeypair")) {
            command.addAll(List.of("-keypass", storePassword));
        }
        ManagedProcess.runToCompletion("keytool " + arguments[0], dir, "keytool.log", command, Duration.ofSeconds(60));
    }
}
