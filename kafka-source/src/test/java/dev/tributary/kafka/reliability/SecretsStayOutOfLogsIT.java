package dev.tributary.kafka.reliability;

import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.kafka.KafkaPresets;
import dev.tributary.kafka.KafkaSource;
import dev.tributary.kafka.KafkaTestData;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.KafkaBroker;
import dev.tributary.testkit.SecuredKafkaBroker;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.IntStream;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Secrets — the ClickHouse password, Kafka SASL passwords, a TLS client key, an Event Hubs
 * connection string, a Confluent Cloud API secret — never appear in what the library logs (and the
 * Kafka client logs through it), in exception messages, or in {@code toString()}: each is used for
 * real (a pipeline that lands rows, and one that is refused), while everything written to standard
 * error and output is captured and searched for the secret.
 */
@ExtendWith(TestServers.class)
class SecretsStayOutOfLogsIT {

    private static int sequence;

    /** Fails if any of {@code secrets} is in {@code text}; {@code where} names the text. */
    private static void assertNoSecret(String where, String text, List<String> secrets) {
        for (String secret : secrets) {
            assertFalse(text.contains(secret), where + " contains a secret (" + secret.length() + " characters, starting "
                    + secret.substring(0, Math.min(4, secret.length())) + "…)");
        }
    }

    private static String chain(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t).append('\n');
            for (StackTraceElement element : t.getStackTrace()) {
                text.append(element).append('\n');
            }
        }
        return text.toString();
    }

    private static String uniqueTable(ClickHouseSql sql) {
        String table = "secrets_" + System.nanoTime() + "_" + (++sequence);
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        return table;
    }

    private static String topicWithRows(Properties setup, int rows) throws Exception {
        String topic = "secrets-" + System.nanoTime() + "-" + (++sequence);
        KafkaTestData.createTopic(setup, topic, 1, Map.of());
        ReliabilityTestSupport.produce(setup, topic,
                IntStream.range(0, rows).mapToObj(i -> "{\"id\":" + i + ",\"name\":\"n" + i + "\"}").toList());
        return topic;
    }

    private static Pipeline pipeline(String name, KafkaSource source, ClickHouseSink sink) {
        return Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create()).sink(sink)
                .metricsLogInterval(Duration.ofMillis(200)).build();
    }

    /** Runs a pipeline until {@code rows} rows are in {@code table} and its lag (read by an Admin of the same settings) is known. */
    private static void runUntilLanded(Pipeline pipeline, ClickHouseSql sql, String table, int rows) throws Exception {
        try (pipeline) {
            pipeline.start();
            await(rows + " rows in " + table, Duration.ofMinutes(1),
                    () -> sql.longValue("SELECT count() FROM " + table) >= rows || pipeline.failure() != null);
            assertEquals(null, pipeline.failure(), "the pipeline runs");
            await("the lag to be known", Duration.ofMinutes(1), () -> pipeline.lag().isKnown());
        }
    }

    /** Runs a pipeline that must fail at start; returns the failure. */
    private static PipelineException runUntilRefused(Pipeline pipeline) {
        pipeline.start();
        return assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofMinutes(2)));
    }

    @Test
    void kafkaPasswordsKeysAndConnectionStringsStayOutOfLogsExceptionsAndToString(SecuredKafkaBroker kafka,
            ClickHouseServer clickhouse) throws Exception {
        ClickHouseSql sql = clickhouse.sql();
        String wrongPassword = "wrong-" + UUID.randomUUID();
        String sharedAccessKey = "SAK" + HexFormat.of().formatHex(UUID.randomUUID().toString().getBytes()) + "=";
        String connectionString = "Endpoint=sb://127.0.0.1/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey="
                + sharedAccessKey;
        String apiSecret = "cflt-" + UUID.randomUUID();
        // A line from the middle of the client key's PEM body: the key itself, not its header.
        List<String> keyLines = Files.readAllLines(kafka.certificates().clientKeyPem());
        String keyLine = keyLines.get(keyLines.size() / 2);
        List<String> secrets = List.of(kafka.password(), wrongPassword, sharedAccessKey, apiSecret, keyLine);
        List<String> described = new ArrayList<>();
        List<String> failures = new ArrayList<>();

        String logs;
        try (LogCapture capture = LogCapture.start()) {
            // SCRAM with the right password over SASL_SSL: rows land.
            String table = uniqueTable(sql);
            KafkaSource scram = KafkaSource.builder().bootstrapServers(kafka.saslSslBootstrapServers())
                    .saslScram("SCRAM-SHA-512", kafka.user(), kafka.password()).trustedCertificates(kafka.certificates().caPem())
                    .topics(topicWithRows(kafka.setupClientProperties(), 50)).groupId("secrets-scram").build();
            described.add(scram.toString());
            described.add(scram.describe().toString());
            runUntilLanded(pipeline("secrets-scram", scram, ClickHouseSink.builder().endpoint(clickhouse.endpoint())
                    .table(table).maxAge(Duration.ofMillis(200)).build()), sql, table, 50);

            // Mutual TLS with a client key: rows land.
            String mtlsTable = uniqueTable(sql);
            KafkaSource mtls = KafkaSource.builder().bootstrapServers(kafka.mtlsBootstrapServers())
                    .trustedCertificates(kafka.certificates().caPem())
                    .clientCertificate(kafka.certificates().clientCertificatePem(), kafka.certificates().clientKeyPem())
                    .topics(topicWithRows(kafka.setupClientProperties(), 20)).groupId("secrets-mtls").build();
            described.add(mtls.toString());
            runUntilLanded(pipeline("secrets-mtls", mtls, ClickHouseSink.builder().endpoint(clickhouse.endpoint())
                    .table(mtlsTable).maxAge(Duration.ofMillis(200)).build()), sql, mtlsTable, 20);

            // A wrong password, and an Event Hubs connection string (user $ConnectionString): refused.
            KafkaSource wrong = KafkaSource.builder().bootstrapServers(kafka.saslSslBootstrapServers())
                    .saslPlain(kafka.user(), wrongPassword).trustedCertificates(kafka.certificates().caPem())
                    .topics("secrets").groupId("secrets-wrong").build();
            described.add(wrong.toString());
            failures.add(chain(runUntilRefused(pipeline("secrets-wrong", wrong,
                    ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).build()))));
            KafkaSource eventHubs = KafkaPresets.azureEventHubs(connectionString)
                    .bootstrapServers(kafka.saslSslBootstrapServers()).trustedCertificates(kafka.certificates().caPem())
                    .topics("secrets").groupId("secrets-event-hubs").build();
            described.add(eventHubs.toString());
            failures.add(chain(runUntilRefused(pipeline("secrets-event-hubs", eventHubs,
                    ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).build()))));
            failures.add(chain(assertThrows(IllegalArgumentException.class,
                    () -> KafkaPresets.azureEventHubs("SharedAccessKey=" + sharedAccessKey))));

            KafkaSource confluent = KafkaPresets.confluentCloud("127.0.0.1:9092", "key", apiSecret)
                    .topics("t").groupId("g").build();
            described.add(confluent.toString());
            logs = capture.text();
        }

        assertTrue(logs.contains("pipeline secrets-scram: started"), "the capture saw the library's logs");
        assertTrue(logs.contains("failed authentication"), "the capture saw the Kafka client's logs");
        assertNoSecret("the logs", logs, secrets);
        for (String failure : failures) {
            assertTrue(failure.contains("refused the credentials") || failure.contains("connection string"), failure);
            assertNoSecret("an exception", failure, secrets);
        }
        for (String text : described) {
            assertNoSecret("a toString()/describe()", text, secrets);
        }
    }

    /**
     * The test logs run the Kafka client at WARN; in production its INFO configuration dump
     * ("ConsumerConfig values: ...") prints every property. Kafka prints properties of type PASSWORD
     * as [hidden]: every property the source puts a secret in must be one.
     */
    @Test
    void everyPropertyTheSourcePutsASecretInIsOneKafkaMasksWhenItLogsItsConfiguration() {
        KafkaSource source = KafkaSource.builder().bootstrapServers("127.0.0.1:9092").topics("t").groupId("g")
                .saslScram("SCRAM-SHA-512", "user", "secret-password").trustedCertificates(pemFile("ca"))
                .clientCertificate(pemFile("cert"), pemFile("key")).build();
        Map<String, org.apache.kafka.common.config.ConfigDef.ConfigKey> keys =
                org.apache.kafka.clients.consumer.ConsumerConfig.configDef().configKeys();
        List<String> hidden = source.describe().entrySet().stream().filter(e -> e.getValue().equals("[hidden]"))
                .map(Map.Entry::getKey).toList();
        assertEquals(List.of("sasl.jaas.config", "ssl.keystore.certificate.chain", "ssl.keystore.key",
                "ssl.truststore.certificates"), hidden.stream().sorted().toList());
        for (String name : hidden) {
            assertEquals(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD, keys.get(name).type, name);
        }
        // The lag's Admin gets the same secrets (and Kafka masks them there too).
        Map<String, org.apache.kafka.common.config.ConfigDef.ConfigKey> adminKeys =
                org.apache.kafka.clients.admin.AdminClientConfig.configDef().configKeys();
        for (String name : hidden) {
            assertEquals(org.apache.kafka.common.config.ConfigDef.Type.PASSWORD, adminKeys.get(name).type, name);
        }
        assertFalse(source.toString().contains("secret-password"));
    }

    private static Path pemFile(String name) {
        try {
            Path file = Files.createTempFile("secrets-" + name, ".pem");
            file.toFile().deleteOnExit();
            Files.writeString(file, "-----BEGIN X-----\nc2VjcmV0\n-----END X-----\n");
            return file;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theClickHousePasswordStaysOutOfLogsExceptionsAndToString(KafkaBroker kafka, ClickHouseServer clickhouse)
            throws Exception {
        String password = "ch-" + UUID.randomUUID();
        String wrongPassword = "wrong-ch-" + UUID.randomUUID();
        String user = addClickHouseUser(clickhouse, password);
        ClickHouseSql sql = clickhouse.sql();
        List<String> secrets = List.of(password, wrongPassword);
        List<String> described = new ArrayList<>();

        String logs;
        String failure;
        try (LogCapture capture = LogCapture.start()) {
            String table = uniqueTable(sql);
            ClickHouseSink sink = ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                    .credentials(user, password).maxAge(Duration.ofMillis(200)).build();
            described.add(sink.toString());
            KafkaSource source = KafkaSource.builder().bootstrapServers(kafka.bootstrapServers())
                    .topics(topicWithRows(kafka.clientProperties(), 30)).groupId("secrets-ch-" + System.nanoTime()).build();
            runUntilLanded(pipeline("secrets-ch", source, sink), sql, table, 30);

            ClickHouseSink wrong = ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table)
                    .credentials(user, wrongPassword).build();
            described.add(wrong.toString());
            failure = chain(runUntilRefused(pipeline("secrets-ch-wrong", KafkaSource.builder()
                    .bootstrapServers(kafka.bootstrapServers()).topics("secrets").groupId("g").build(), wrong)));
            logs = capture.text();
        }
        assertTrue(logs.contains("pipeline secrets-ch: writing to"), "the capture saw the library's logs");
        assertTrue(failure.contains("516") || failure.contains("193") || failure.toLowerCase().contains("password"),
                "refused for the password: " + failure);
        assertNoSecret("the logs", logs, secrets);
        assertNoSecret("the exception", failure, secrets);
        for (String text : described) {
            assertTrue(text.contains("password=****"), text);
            assertNoSecret("the sink's toString()", text, secrets);
        }
    }

    /**
     * Adds a user with a password to the test server (a {@code users.d} file, which ClickHouse
     * reloads by itself) and waits until it can log in.
     */
    private static String addClickHouseUser(ClickHouseServer clickhouse, String password) throws Exception {
        String user = "ingest";
        Path usersD = Files.createDirectories(clickhouse.dir().resolve("users.d"));
        Files.writeString(usersD.resolve("ingest.xml"), """
                <?xml version="1.0"?>
                <yandex>
                    <users>
                        <%1$s>
                            <password>%2$s</password>
                            <networks><ip>127.0.0.1</ip></networks>
                            <profile>default</profile>
                            <quota>default</quota>
                        </%1$s>
                    </users>
                </yandex>
                """.formatted(user, password));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        await("ClickHouse to load user " + user, Duration.ofSeconds(60), () -> {
            try {
                java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(clickhouse.httpUrl().resolve("/?query=SELECT%201"))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                                (user + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8))).GET().build();
                return http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        return user;
    }
}
