package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.config.Config;
import dev.tributary.core.config.PipelineConfig;
import dev.tributary.core.config.ProviderContext;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tributary.testkit.ConfigurationDocs.assertEverySetterIsDocumented;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaSourceProviderTest {

    private static Map<String, String> base() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("type", "kafka");
        p.put("bootstrap-servers", "127.0.0.1:9092,127.0.0.1:9093");
        p.put("topics", "orders, refunds");
        p.put("group-id", "g1");
        return p;
    }

    /** The source the keys describe ({@code source.} added to each). */
    private static KafkaSource fromKeys(Map<String, String> keys) {
        Map<String, String> prefixed = new LinkedHashMap<>();
        keys.forEach((k, v) -> prefixed.put("source." + k, v));
        Config config = Config.of(prefixed);
        config.prefix("source").string("type"); // read by PipelineConfig
        KafkaSource source = (KafkaSource) new KafkaSourceProvider().create(config.prefix("source"),
                new ProviderContext("p", config.prefix("sink")));
        config.refuseUnknownKeys();
        return source;
    }

    @Test
    void everyKeyReachesItsBuilderCall(@TempDir Path dir) throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----ca");
        Path cert = Files.writeString(dir.resolve("c.pem"), "-----BEGIN CERTIFICATE-----c");
        Path key = Files.writeString(dir.resolve("c.key"), "-----BEGIN PRIVATE KEY-----k");
        Map<String, String> p = base();
        p.put("client-id", "reader-1");
        p.put("starting-offsets", "timestamp:2024-05-01T00:00:00Z");
        p.put("startup-timeout", "20s");
        p.put("unreachable-timeout", "5m");
        p.put("lag-interval", "500ms");
        p.put("max-poll-records", "500");
        p.put("security-protocol", "SASL_SSL");
        p.put("sasl.mechanism", "SCRAM-SHA-512");
        p.put("sasl.user", "reader");
        p.put("sasl.password", "scram-s3cret");
        p.put("trusted-certificates", ca.toString());
        p.put("client-certificate", cert.toString());
        p.put("client-key", key.toString());
        p.put("property.fetch.min.bytes", "1024");
        p.put("property.session.timeout.ms", "45000");
        KafkaSource fromKeys = fromKeys(p);
        KafkaSource built = KafkaSource.builder().bootstrapServers("127.0.0.1:9092,127.0.0.1:9093").topics("orders", "refunds")
                .groupId("g1").clientId("reader-1")
                .startingOffsets(StartingOffsets.timestamp(Instant.parse("2024-05-01T00:00:00Z").toEpochMilli()))
                .startupTimeout(Duration.ofSeconds(20)).unreachableTimeout(Duration.ofMinutes(5)).lagInterval(Duration.ofMillis(500)).maxPollRecords(500)
                .securityProtocol("SASL_SSL").saslScram("SCRAM-SHA-512", "reader", "scram-s3cret").trustedCertificates(ca)
                .clientCertificate(cert, key).property("fetch.min.bytes", "1024").property("session.timeout.ms", "45000")
                .build();
        assertEquals(built.toString(), fromKeys.toString());
        assertFalse(fromKeys.toString().contains("scram-s3cret"), fromKeys.toString());
        // Every consumer property is the builder's, the JAAS line (with the password) included.
        assertEquals(properties(built), properties(fromKeys));
    }

    @Test
    void patternPlainExplicitOffsetsAndTheDefaults() {
        Map<String, String> p = base();
        p.remove("topics");
        p.put("topic-pattern", "orders\\..*");
        p.put("sasl.mechanism", "PLAIN");
        p.put("sasl.user", "key");
        p.put("sasl.password", "secret");
        p.put("starting-offsets", "latest");
        p.put("explicit-offsets", "orders.eu:0:15,orders.eu:1:20");
        KafkaSource built = KafkaSource.builder().bootstrapServers("127.0.0.1:9092,127.0.0.1:9093")
                .topicPattern(Pattern.compile("orders\\..*")).groupId("g1").saslPlain("key", "secret")
                .startingOffsets(StartingOffsets.explicit(Map.of(new TopicPartition("orders.eu", 0), 15L,
                        new TopicPartition("orders.eu", 1), 20L), StartingOffsets.LATEST)).build();
        assertEquals(built.toString(), fromKeys(p).toString());
        assertEquals(properties(built), properties(fromKeys(p)));

        KafkaSource defaults = KafkaSource.builder().bootstrapServers("127.0.0.1:9092,127.0.0.1:9093").topics("orders", "refunds")
                .groupId("g1").build();
        assertEquals(defaults.toString(), fromKeys(base()).toString());
        Map<String, String> epoch = base();
        epoch.put("starting-offsets", "timestamp:1714521600000");
        assertTrue(fromKeys(epoch).toString().contains("startingOffsets=TIMESTAMP(2024-05-01T00:00:00Z)"));
    }

    @Test
    void mskIamIsThePreset() {
        Map<String, String> p = base();
        p.put("sasl.mechanism", "AWS_MSK_IAM");
        p.put("sasl.aws-role-arn", "arn:aws:iam::123456789012:role/reader");
        KafkaSource built = KafkaPresets.mskIam("127.0.0.1:9092,127.0.0.1:9093", "arn:aws:iam::123456789012:role/reader")
                .topics("orders", "refunds").groupId("g1").build();
        assertEquals(built.toString(), fromKeys(p).toString());
        assertEquals(properties(built), properties(fromKeys(p)));
    }

    @Test
    void badKeysAreNamed() {
        Map<String, String> p = base();
        p.put("sasl.user", "u");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fromKeys(p)).getMessage()
                .startsWith("source.sasl.mechanism: (not set) must be set with source.sasl.user and source.sasl.password"));
        p.put("sasl.mechanism", "GSSAPI");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fromKeys(p)).getMessage()
                .startsWith("source.sasl.mechanism: 'GSSAPI' is not one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, AWS_MSK_IAM"));
        p.remove("sasl.mechanism");
        p.remove("sasl.user");
        p.put("starting-offsets", "yesterday");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fromKeys(p)).getMessage()
                .startsWith("source.starting-offsets: 'yesterday' is not earliest, latest or timestamp:<time>"));
        p.put("starting-offsets", "timestamp:soon");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fromKeys(p)).getMessage()
                .startsWith("source.starting-offsets: 'timestamp:soon' does not give a time"));
        p.remove("starting-offsets");
        p.put("explicit-offsets", "orders:zero:1");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fromKeys(p)).getMessage()
                .startsWith("source.explicit-offsets: 'orders:zero:1' has an entry 'orders:zero:1' that is not"));
        p.remove("explicit-offsets");
        p.put("topic-pattern", "(");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> fromKeys(p)).getMessage()
                .startsWith("source.topic-pattern: '(' is not a regular expression"));
    }

    @Test
    void aBuilderRefusalNamesTheKeyAndKeepsSecretsOut() {
        Map<String, String> full = new LinkedHashMap<>(Map.of("pipeline.name", "p", "sink.endpoint", "http://127.0.0.1:8123",
                "sink.table", "t", "decoder.type", "json", "source.type", "kafka", "source.bootstrap-servers", "127.0.0.1:9092",
                "source.topics", "orders", "source.sasl.mechanism", "PLAIN", "source.sasl.password", "plain-s3cret"));
        full.put("source.group-id", "g");
        String message = assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(full)).getMessage();
        assertTrue(message.startsWith("KafkaSource: SASL PLAIN needs a user and a password (set by "), message);
        assertTrue(message.contains("source.sasl.user"), message);
        assertFalse(message.contains("plain-s3cret"), message);
        full.put("source.sasl.user", "u");
        full.put("source.grup-id", full.remove("source.group-id"));
        assertEquals("configuration: unknown key source.grup-id (did you mean source.group-id?); every key is listed"
                + " in docs/configuration.md", assertThrows(IllegalArgumentException.class, () -> PipelineConfig.fromMap(full))
                .getMessage());
        full.put("source.group-id", full.remove("source.grup-id"));
        Pipeline pipeline = PipelineConfig.fromMap(full);
        assertEquals("p", pipeline.name());
    }

    @Test
    void everyDocumentedKafkaKeyIsRead() throws Exception {
        Map<String, String> valid = Map.ofEntries(Map.entry("source.type", "kafka"),
                Map.entry("source.bootstrap-servers", "127.0.0.1:9092"), Map.entry("source.topics", "a"),
                Map.entry("source.topic-pattern", "a.*"), Map.entry("source.group-id", "g"), Map.entry("source.client-id", "c"),
                Map.entry("source.starting-offsets", "latest"), Map.entry("source.explicit-offsets", "a:0:1"),
                Map.entry("source.startup-timeout", "1s"), Map.entry("source.unreachable-timeout", "1m"),
                Map.entry("source.lag-interval", "2s"),
                Map.entry("source.max-poll-records", "1"), Map.entry("source.security-protocol", "SSL"),
                Map.entry("source.sasl.mechanism", "AWS_MSK_IAM"), Map.entry("source.sasl.user", "u"),
                Map.entry("source.sasl.password", "p"), Map.entry("source.sasl.aws-role-arn", "arn"),
                Map.entry("source.trusted-certificates", "ca.pem"), Map.entry("source.client-certificate", "c.pem"),
                Map.entry("source.client-key", "c.key"), Map.entry("source.property.<name>", "x"));
        Config config = Config.of(valid);
        config.prefix("source").string("type"); // read by PipelineConfig
        // The builder refuses this mix (topics and a pattern...); what matters is that every key was read first.
        assertThrows(IllegalArgumentException.class, () -> new KafkaSourceProvider().create(config.prefix("source"),
                new ProviderContext("p", config.prefix("sink"))));
        config.refuseUnknownKeys();
        assertEquals(documentedKafkaKeys(), new TreeSet<>(valid.keySet()));
    }

    /** The {@code source.*} keys of the Kafka table of docs/configuration.md. */
    private static Set<String> documentedKafkaKeys() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        String kafka = doc.substring(doc.indexOf("## Kafka source"));
        kafka = kafka.substring(0, kafka.indexOf("\n## ") < 0 ? kafka.length() : kafka.indexOf("\n## "));
        Set<String> keys = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(source\\.[a-z0-9.<>_-]*)` \\|").matcher(kafka);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static Map<Object, Object> properties(KafkaSource source) {
        try {
            java.lang.reflect.Field config = KafkaSource.class.getDeclaredField("config");
            config.setAccessible(true);
            Object record = config.get(source);
            java.lang.reflect.Method properties = record.getClass().getDeclaredMethod("properties");
            properties.setAccessible(true);
            return new java.util.TreeMap<Object, Object>((java.util.Properties) properties.invoke(record));
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void everyBuilderSettingHasAKey() throws Exception {
        assertEverySetterIsDocumented(KafkaSource.Builder.class, java.util.Set.of());
    }
}
