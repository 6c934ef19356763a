package dev.tributary.kafka.reliability;

import dev.tributary.testkit.TestCertificates;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Server certificates signed by a {@link TestCertificates} CA, made with {@code keytool} as the test
 * kit makes its own: one for a name of the test's choice (e.g. {@code wrong.example}, which
 * 127.0.0.1 is not), and PEM exports of a PKCS12 key for servers that read PEM (ClickHouse).
 */
final class OtherNameCertificate {

    private OtherNameCertificate() {
    }

    /**
     * Makes {@code <alias>.p12} in the CA's folder: a key and a certificate for {@code CN=<dnsName>}
     * with the single subject alternative name {@code DNS:<dnsName>}, signed by the CA.
     */
    static Path create(TestCertificates ca, String alias, String dnsName) throws Exception {
        String store = alias + ".p12";
        keytool(ca, "-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "3650",
                "-dname", "CN=" + dnsName, "-keystore", store, "-storetype", "PKCS12", "-keypass", ca.storePassword());
        keytool(ca, "-certreq", "-alias", alias, "-keystore", store, "-file", alias + ".csr");
        keytool(ca, "-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", alias + ".csr", "-outfile",
                alias + "-cert.pem", "-validity", "3650", "-ext", "SAN=DNS:" + dnsName);
        keytool(ca, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
        keytool(ca, "-importcert", "-alias", alias, "-file", alias + "-cert.pem", "-keystore", store);
        return ca.dir().resolve(store);
    }

    /** Writes the key (PKCS#8) and certificate chain of {@code alias} in {@code keystore} as PEM files; returns them. */
    static Path[] exportPem(Path keystore, String alias, String password) {
        Path key = keystore.resolveSibling(alias + "-key.pem");
        Path certificates = keystore.resolveSibling(alias + "-chain.pem");
        TestCertificates.exportPem(keystore, alias, password, key, certificates);
        return new Path[] {key, certificates};
    }

    private static void keytool(TestCertificates ca, String... arguments) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storepass", ca.storePassword()));
        Process process = new ProcessBuilder(command).directory(ca.dir().toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(ca.dir().resolve("keytool-other.log").toFile())).start();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool " + arguments[0] + " failed; see " + ca.dir().resolve("keytool-other.log"));
        }
    }
}
