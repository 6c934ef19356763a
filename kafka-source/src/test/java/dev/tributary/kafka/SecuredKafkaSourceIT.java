package dev.tributary.kafka;

import dev.tributary.core.Pipeline;
import dev.tributary.core.PipelineException;
import dev.tributary.core.clickhouse.ClickHouseSink;
import dev.tributary.core.json.JsonDecoder;
import dev.tributary.testkit.ClickHouseServer;
import dev.tributary.testkit.ClickHouseSql;
import dev.tributary.testkit.SecuredKafkaBroker;
import dev.tributary.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static dev.tributary.kafka.KafkaTestData.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authentication end to end against a broker with SASL and TLS listeners. */
@ExtendWith(TestServers.class)
class SecuredKafkaSourceIT {

    private static int sequence;

    private static void assertLands(String name, KafkaSource.Builder builder, SecuredKafkaBroker kafka,
                                    ClickHouseServer clickhouse) throws Exception {
        String topic = name + "-" + System.nanoTime() + "-" + (++sequence);
        String table = name.replace('-', '_') + "_" + System.nanoTime();
        ClickHouseSql sql = clickhouse.sql();
        sql.execute("CREATE TABLE " + table + " (id UInt64, name String) ENGINE = MergeTree ORDER BY id");
        KafkaTestData.createTopic(kafka.setupClientProperties(), topic, 2);
        KafkaTestData.produce(kafka.setupClientProperties(), topic, 0, 1_000);
        KafkaSource source = builder.topics(topic).groupId("group-" + topic).lagInterval(Duration.ofMillis(500)).build();
        assertFalse(source.toString().contains(kafka.password()), "no password in toString");
        try (Pipeline pipeline = Pipeline.builder().name(name).source(source).decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).maxAge(Duration.ofMillis(300)).build())
                .metricsLogInterval(Duration.ZERO).build()) {
            pipeline.start();
            await("1,000 rows", Duration.ofMinutes(1), () -> sql.longValue("SELECT count() FROM " + table) == 1_000);
            // The lag's Admin connects with the source's security settings: its reading is known (and all was read).
            await("the lag to be known and 0", Duration.ofMinutes(1),
                    () -> pipeline.lag().isKnown() && pipeline.lag().total().getAsLong() == 0);
            assertEquals(2, pipeline.lag().splits().size(), pipeline.lag().toString());
        }
        assertEquals(1_000, sql.longValue("SELECT uniqExact(id) FROM " + table));
    }

    @Test
    void scramSha512OverSaslSslWithACustomCa(SecuredKafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        assertLands("scram512", KafkaSource.builder().bootstrapServers(kafka.saslSslBootstrapServers())
                .saslScram("SCRAM-SHA-512", kafka.user(), kafka.password())
                .trustedCertificates(kafka.certificates().caPem()), kafka, clickhouse);
    }

    @Test
    void scramSha256OverSaslSsl(SecuredKafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        assertLands("scram256", KafkaSource.builder().bootstrapServers(kafka.saslSslBootstrapServers())
                .saslScram("SCRAM-SHA-256", kafka.user(), kafka.password())
                .trustedCertificates(kafka.certificates().caPem()), kafka, clickhouse);
    }

    @Test
    void plainOverSaslPlaintextAndOverSaslSsl(SecuredKafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        assertLands("plain", KafkaSource.builder().bootstrapServers(kafka.saslPlaintextBootstrapServers())
                .securityProtocol("SASL_PLAINTEXT").saslPlain(kafka.user(), kafka.password()), kafka, clickhouse);
        assertLands("plain-ssl", KafkaSource.builder().bootstrapServers(kafka.saslSslBootstrapServers())
                .saslPlain(kafka.user(), kafka.password()).trustedCertificates(kafka.certificates().caPem()), kafka, clickhouse);
    }

    @Test
    void mutualTlsWithAClientCertificate(SecuredKafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        assertLands("mtls", KafkaSource.builder().bootstrapServers(kafka.mtlsBootstrapServers())
                .trustedCertificates(kafka.certificates().caPem())
                .clientCertificate(kafka.certificates().clientCertificatePem(), kafka.certificates().clientKeyPem()),
                kafka, clickhouse);
    }

    @Test
    void aWrongPasswordFailsAtStartWithAClearError(SecuredKafkaBroker kafka, ClickHouseServer clickhouse) throws Exception {
        String table = "wrong_password_" + System.nanoTime();
        clickhouse.sql().execute("CREATE TABLE " + table + " (id UInt64) ENGINE = MergeTree ORDER BY id");
        KafkaSource source = KafkaSource.builder().bootstrapServers(kafka.saslSslBootstrapServers())
                .saslScram("SCRAM-SHA-512", kafka.user(), "not-the-password-123")
                .trustedCertificates(kafka.certificates().caPem()).topics("anything").groupId("g-wrong").build();
        Pipeline pipeline = Pipeline.builder().name("wrong-password").source(source).decoder(JsonDecoder.create())
                .sink(ClickHouseSink.builder().endpoint(clickhouse.endpoint()).table(table).build())
                .metricsLogInterval(Duration.ZERO).build();
        long started = System.nanoTime();
        pipeline.start();
        PipelineException failure = assertThrows(PipelineException.class, () -> pipeline.awaitTermination(Duration.ofMinutes(2)));
        assertTrue(Duration.ofNanos(System.nanoTime() - started).compareTo(Duration.ofSeconds(30)) < 0, "fails fast, not a hang");
        assertTrue(failure.getMessage().contains("refused the credentials"), failure.getMessage());
        assertFalse(failure.getMessage().contains("not-the-password-123"), "the password is not in the message");
    }

    @Test
    void samplersTakeTheSameSecuritySettingsAndNameRefusedCredentials(SecuredKafkaBroker kafka) throws Exception {
        String topic = "sampled-" + System.nanoTime() + "-" + (++sequence);
        KafkaTestData.createTopic(kafka.setupClientProperties(), topic, 2);
        KafkaTestData.produce(kafka.setupClientProperties(), topic, 0, 10);
        for (KafkaSource.Builder builder : java.util.List.of(
                KafkaSource.builder().bootstrapServers(kafka.saslSslBootstrapServers())
                        .saslScram("SCRAM-SHA-512", kafka.user(), kafka.password()).trustedCertificates(kafka.certificates().caPem()),
                KafkaSource.builder().bootstrapServers(kafka.mtlsBootstrapServers()).trustedCertificates(kafka.certificates().caPem())
                        .clientCertificate(kafka.certificates().clientCertificatePem(), kafka.certificates().clientKeyPem()))) {
            try (KafkaSampler sampler = builder.topics(topic).buildSampler(dev.tributary.core.SampleStart.EARLIEST)) {
                assertEquals(10, sampler.sample(100, Duration.ofMinutes(1)).size(), sampler.toString());
                assertFalse(sampler.toString().contains(kafka.password()), "no password in toString");
            }
        }
        try (KafkaSampler wrong = KafkaSource.builder().bootstrapServers(kafka.saslSslBootstrapServers())
                .saslScram("SCRAM-SHA-512", kafka.user(), "not-the-password-123").trustedCertificates(kafka.certificates().caPem())
                .topics(topic).buildSampler(dev.tributary.core.SampleStart.LATEST)) {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> wrong.sample(1, Duration.ofSeconds(30)));
            assertTrue(refused.getMessage().startsWith("KafkaSampler: the brokers at " + kafka.saslSslBootstrapServers()
                    + " refused the credentials"), refused.getMessage());
            assertFalse(refused.getMessage().contains("not-the-password-123"), "the password is not in the message");
        }
    }
}
