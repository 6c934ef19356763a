package dev.tributary.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Values that reference their text: {@code ${env:NAME}}, {@code ${env:NAME:-fallback}}, {@code ${file:/path}}, {@code $${}. */
class ConfigReferencesTest {

    private static final Map<String, String> ENV = Map.of("KAFKA_PASSWORD", "kafka-s3cret", "HOST", "ch.internal",
            "PORT", "8443", "MAX_ROWS", "ten", "EMPTY", "", "CH_USER", "ingest");

    /** A configuration of key-value pairs resolved against {@link #ENV} and the real files. */
    private static Config of(String... keysAndValues) {
        return Config.of(map(keysAndValues), new ValueResolver(ENV::get, ValueResolver::readFile));
    }

    private static Map<String, String> map(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static String refusal(String... keysAndValues) {
        return assertThrows(IllegalArgumentException.class, () -> of(keysAndValues)).getMessage();
    }

    @Test
    void aWholeValueComesFromTheEnvironment() {
        Config c = of("source.sasl.password", "${env:KAFKA_PASSWORD}", "sink.user", "${env:CH_USER}");
        assertEquals(Optional.of("kafka-s3cret"), c.string("source.sasl.password"));
        assertEquals(Optional.of("ingest"), c.string("sink.user"));
    }

    @Test
    void thePublicFactoriesReadThisProcesssEnvironment() {
        // PATH is set in every process that runs the tests; the public Config.of resolves with the real environment.
        String path = System.getenv("PATH");
        assertTrue(path != null && !path.isEmpty(), "PATH is set");
        assertEquals(Optional.of(path), Config.of(Map.of("source.property.x", "${env:PATH}")).string("source.property.x"));
        java.util.Properties properties = new java.util.Properties();
        properties.setProperty("sink.user", "u-${env:PATH}");
        assertEquals(Optional.of("u-" + path), Config.of(properties).string("sink.user"));
    }

    @Test
    void referencesMayBePartOfAValue() {
        Config c = of("sink.endpoint", "https://${env:HOST}:${env:PORT}/?x=${env:EMPTY}", "sink.table", "t_${env:CH_USER}");
        assertEquals(Optional.of("https://ch.internal:8443/?x="), c.string("sink.endpoint"));
        assertEquals(Optional.of("t_ingest"), c.string("sink.table"));
    }

    @Test
    void aDoubledDollarIsALiteralReferenceStart() {
        Config c = of("sink.create-table-if-missing", "SELECT '$${HOME}', '$${env:HOST}', '$', '$$', '$}'",
                "source.property.sasl.jaas.config", "x password=\"$${file:/etc/kafka.properties:pw}\";");
        assertEquals(Optional.of("SELECT '${HOME}', '${env:HOST}', '$', '$$', '$}'"), c.string("sink.create-table-if-missing"));
        assertEquals(Optional.of("x password=\"${file:/etc/kafka.properties:pw}\";"),
                c.string("source.property.sasl.jaas.config"));
    }

    @Test
    void anUnsetVariableIsRefusedNamingTheKeyAndTheReference() {
        assertEquals("source.sasl.password: ${env:KAFKA_PASSWORD_X} is not set in the environment; set KAFKA_PASSWORD_X"
                + " or give a fallback, ${env:KAFKA_PASSWORD_X:-fallback}",
                refusal("source.sasl.password", "${env:KAFKA_PASSWORD_X}"));
        // A variable set but empty is the empty text (only a fallback replaces it).
        assertEquals(Optional.of(""), of("sink.user", "${env:EMPTY}").string("sink.user"));
    }

    @Test
    void aFallbackIsTakenWhenTheVariableIsUnsetOrEmpty() {
        Config c = of("a", "${env:NOT_SET:-localhost}", "b", "${env:EMPTY:-x}", "c", "${env:HOST:-unused}",
                "d", "${env:NOT_SET:-}", "e", "${env:NOT_SET:-a:b-c/d?e=f}");
        assertEquals(Optional.of("localhost"), c.string("a"));
        assertEquals(Optional.of("x"), c.string("b"));
        assertEquals(Optional.of("ch.internal"), c.string("c"));
        assertEquals(Optional.of(""), c.string("d"));
        assertEquals(Optional.of("a:b-c/d?e=f"), c.string("e"));
    }

    @Test
    void aFileGivesItsContentLessOneTrailingLineBreak(@TempDir Path dir) throws Exception {
        Path lf = Files.writeString(dir.resolve("lf"), "pw-lf\n");
        Path crlf = Files.writeString(dir.resolve("crlf"), "pw-crlf\r\n");
        Path two = Files.writeString(dir.resolve("two"), "pw-two\n\n");
        Path none = Files.writeString(dir.resolve("none"), " pw none ");
        Path lines = Files.writeString(dir.resolve("lines"), "-----BEGIN-----\nabc\n-----END-----\n");
        Config c = of("sink.password", "${file:" + lf + "}", "source.sasl.password", "${file:" + crlf + "}",
                "decoder.registry.password", "${file:" + two + "}", "source.credentials.session-token", "${file:" + none + "}",
                "source.client-key", "${file:" + lines + "}", "sink.user", "${file:" + none + "}");
        assertEquals(Optional.of("pw-lf"), c.string("sink.password"));
        assertEquals(Optional.of("pw-crlf"), c.string("source.sasl.password"));
        assertEquals(Optional.of("pw-two\n"), c.string("decoder.registry.password"));
        assertEquals(Optional.of(" pw none "), c.string("source.credentials.session-token"), "a secret keeps its blanks");
        assertEquals(Optional.of("-----BEGIN-----\nabc\n-----END-----"), c.string("source.client-key"));
        assertEquals(Optional.of("pw none"), c.string("sink.user"), "other values are trimmed as ever");
    }

    @Test
    void aFileThatCannotBeReadIsRefusedNamingTheKeyAndTheReference(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("none");
        assertEquals("source.sasl.password: cannot read ${file:" + missing + "}: NoSuchFileException",
                refusal("source.sasl.password", "${file:" + missing + "}"));
        assertEquals("sink.password: ${file:} names no file; e.g. ${file:/run/secrets/password}",
                refusal("sink.password", "${file:}"));
        Path big = Files.write(dir.resolve("big"), new byte[ValueResolver.MAX_FILE_BYTES + 1]);
        assertEquals("sink.password: cannot read ${file:" + big + "}: IOException: larger than 1048576 bytes",
                refusal("sink.password", "${file:" + big + "}"));
        Path latin1 = Files.write(dir.resolve("latin1"), new byte[] {'p', (byte) 0xE9});
        assertEquals("sink.password: cannot read ${file:" + latin1 + "}: IOException: not UTF-8 text",
                refusal("sink.password", "${file:" + latin1 + "}"));
        // The file reader is given: one that is refused access, as a file of another user would be.
        ValueResolver denied = new ValueResolver(ENV::get, file -> {
            throw new AccessDeniedException(file.toString());
        });
        assertEquals("sink.password: cannot read ${file:/run/secrets/ch}: AccessDeniedException",
                assertThrows(IllegalArgumentException.class,
                        () -> Config.of(Map.of("sink.password", "${file:/run/secrets/ch}"), denied)).getMessage());
    }

    @Test
    void theFileReaderAndEnvironmentAreTheOnesGiven() {
        ValueResolver given = new ValueResolver(Map.of("A", "from-env")::get, file -> "content of " + file + "\n");
        Config c = Config.of(Map.of("x", "${env:A}/${file:/run/secrets/b}"), given);
        assertEquals(Optional.of("from-env/content of /run/secrets/b"), c.string("x"));
    }

    @Test
    void anythingElseThatStartsAReferenceIsRefused() {
        String forms = "write ${env:NAME}, ${env:NAME:-fallback} or ${file:/path}, and $${ for a literal ${";
        assertEquals("sink.user: ${HOME} is not a reference this configuration resolves; " + forms,
                refusal("sink.user", "${HOME}"));
        assertEquals("sink.endpoint: ${vault:db/endpoint} is not a reference this configuration resolves; " + forms,
                refusal("sink.endpoint", "https://${vault:db/endpoint}"));
        assertEquals("sink.endpoint: ${ENV:HOST} is not a reference this configuration resolves; " + forms,
                refusal("sink.endpoint", "${ENV:HOST}"));
        assertEquals("sink.user: 'a${env:HOST' has a ${ without its closing }", refusal("sink.user", "a${env:HOST"));
        assertEquals("sink.user: ${env:my-host} does not name an environment variable (letters, digits and _)",
                refusal("sink.user", "${env:my-host}"));
        assertEquals("sink.user: ${env:A:-${env:B} holds another reference, which is not resolved",
                refusal("sink.user", "${env:A:-${env:B}}"));
    }

    @Test
    void aSecretThatLooksLikeABadReferenceIsNotShown() {
        for (String password : List.of("p${x}q", "p${q", "${VAULT_PW}")) {
            String message = refusal("sink.password", password, "source.sasl.password", "${env:KAFKA_PASSWORD}");
            assertTrue(message.startsWith("sink.password: (value hidden) "), message);
            assertFalse(message.contains(password) || message.contains("kafka-s3cret"), message);
        }
    }

    @Test
    void severalRefusalsNameEveryKey() {
        assertEquals("sink.password: ${env:CH_PASSWORD} is not set in the environment; set CH_PASSWORD or give a fallback,"
                        + " ${env:CH_PASSWORD:-fallback} (and the references of source.sasl.password, source.sasl.user)",
                refusal("source.sasl.user", "${env:KAFKA_USER}", "sink.password", "${env:CH_PASSWORD}",
                        "source.sasl.password", "${file:/nonexistent/kafka}", "sink.user", "${env:CH_USER}"));
    }

    @Test
    void toStringShowsReferencesAsWrittenAndMasksSecrets(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("pw"), "file-s3cret\n");
        Config c = of("source.sasl.password", "${env:KAFKA_PASSWORD}", "sink.password", "${file:" + secret + "}",
                "sink.user", "${env:CH_USER}", "sink.endpoint", "https://${env:HOST}:8443", "sink.table", "events",
                "sink.create-table-if-missing", "$${x}");
        String text = c.toString();
        assertFalse(text.contains("kafka-s3cret") || text.contains("file-s3cret"), text);
        assertTrue(text.contains("source.sasl.password=****") && text.contains("sink.password=****"), text);
        assertTrue(text.contains("sink.user=${env:CH_USER}") && text.contains("sink.endpoint=https://${env:HOST}:8443")
                && text.contains("sink.table=events") && text.contains("sink.create-table-if-missing=$${x}"), text);
        assertEquals("{sink.user=${env:CH_USER}}", of("sink.user", "${env:CH_USER}").prefix("sink").toString());
    }

    @Test
    void aBadResolvedValueIsShownWithItsReferenceUnlessSecret() {
        Config c = of("sink.max-rows", "${env:MAX_ROWS}", "sink.password", "${env:KAFKA_PASSWORD}");
        assertEquals("sink.max-rows: 'ten' (from ${env:MAX_ROWS}) is not a whole number; e.g. sink.max-rows=100000",
                assertThrows(IllegalArgumentException.class, () -> c.integer("sink.max-rows")).getMessage());
        String message = assertThrows(IllegalArgumentException.class, () -> c.integer("sink.password")).getMessage();
        assertEquals("sink.password: (value hidden) is not a whole number; e.g. sink.password=100000", message);
    }

    @Test
    void aPropertiesFileResolvesItsReferences(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("kafka-password"), "from-a-mounted-secret\n");
        Path file = dir.resolve("p.properties");
        Files.writeString(file, "source.sasl.password=${file:" + secret + "}\nsink.user=${env:TRIBUTARY_TEST_SURELY_UNSET:-default}\n");
        Config c = Config.load(file);
        assertEquals(Optional.of("from-a-mounted-secret"), c.string("source.sasl.password"));
        assertEquals(Optional.of("default"), c.string("sink.user"));
        Files.writeString(file, "source.sasl.password=${file:" + dir.resolve("gone") + "}\n");
        assertEquals("source.sasl.password: cannot read ${file:" + dir.resolve("gone") + "}: NoSuchFileException",
                assertThrows(IllegalArgumentException.class, () -> Config.load(file)).getMessage());
    }
}
