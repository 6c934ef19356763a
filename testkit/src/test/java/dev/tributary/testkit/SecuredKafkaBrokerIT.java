package dev.tributary.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

@ExtendWith(TestServers.class)
class SecuredKafkaBrokerIT {

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void authenticatesOverSaslPlaintext(String mechanism, SecuredKafkaBroker kafka) throws Exception {
        assertRoundTrip(kafka.saslPlaintextClientProperties(mechanism, kafka.password()), "sasl-plain-" + mechanism);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void authenticatesOverSaslSsl(String mechanism, SecuredKafkaBroker kafka) throws Exception {
        assertRoundTrip(kafka.saslSslClientProperties(mechanism, kafka.password()), "sasl-ssl-" + mechanism);
    }

    @Test
    void authenticatesWithAClientCertificate(SecuredKafkaBroker kafka) throws Exception {
        assertRoundTrip(kafka.mtlsClientProperties(), "mtls");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void rejectsAWrongPassword(String mechanism, SecuredKafkaBroker kafka) {
        Throwable cause = listTopicsFailure(kafka.saslSslClientProperties(mechanism, "not-the-password"));
        assertInstanceOf(SaslAuthenticationException.class, cause);
    }

    @Test
    void rejectsAClientThatDoesNotTrustTheCa(SecuredKafkaBroker kafka) {
        Properties properties = kafka.saslSslClientProperties("PLAIN", kafka.password());
        properties.remove("ssl.truststore.location");
        properties.remove("ssl.truststore.password");
        properties.remove("ssl.truststore.type");
        assertInstanceOf(SslAuthenticationException.class, listTopicsFailure(properties));
    }

    @Test
    void rejectsTlsWithoutAClientCertificate(SecuredKafkaBroker kafka) {
        Properties properties = kafka.mtlsClientProperties();
        properties.remove("ssl.keystore.location");
        properties.remove("ssl.keystore.password");
        properties.remove("ssl.key.password");
        properties.remove("ssl.keystore.type");
        assertInstanceOf(SslAuthenticationException.class, listTopicsFailure(properties));
    }

    private static void assertRoundTrip(Properties client, String name) throws Exception {
        String topic = "secured-" + name + "-" + System.nanoTime();
        List<String> sent = KafkaBrokerIT.KafkaRoundTrip.produce(client, topic, 20);
        List<String> received = KafkaBrokerIT.KafkaRoundTrip.consume(client, topic, sent.size());
        assertEquals(sent, received);
    }

    private static Throwable listTopicsFailure(Properties client) {
        client.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        client.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(client)) {
            ExecutionException failure = assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
            return failure.getCause();
        }
    }
}
