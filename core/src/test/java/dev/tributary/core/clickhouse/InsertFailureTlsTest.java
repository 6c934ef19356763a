package dev.tributary.core.clickhouse;

import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.EOFException;
import java.security.cert.CertificateException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A refused server certificate is a configuration problem, not an outage: it is not retried. */
class InsertFailureTlsTest {

    private static Exception transport(Exception cause) {
        return new ExecutionException(new com.clickhouse.client.api.ClientException("request failed", cause));
    }

    @Test
    void aCertificateForAnotherHostNameIsFatal() {
        SSLHandshakeException handshake = new SSLHandshakeException("No subject alternative names matching IP address 127.0.0.1 found");
        handshake.initCause(new CertificateException("No subject alternative names matching IP address 127.0.0.1 found"));
        InsertFailure failure = InsertFailure.classify(transport(handshake));
        assertEquals(InsertFailure.Kind.FATAL, failure.kind());
        assertTrue(failure.message().contains("TLS certificate is refused"), failure.message());
    }

    @Test
    void aHostNameVerifierRefusalIsFatal() {
        InsertFailure failure = InsertFailure.classify(transport(new SSLPeerUnverifiedException(
                "Certificate for <127.0.0.1> doesn't match any of the subject alternative names: [wrong.example]")));
        assertEquals(InsertFailure.Kind.FATAL, failure.kind());
    }

    @Test
    void aHandshakeCutByTheNetworkIsStillRetryable() {
        SSLHandshakeException handshake = new SSLHandshakeException("Remote host terminated the handshake");
        handshake.initCause(new EOFException("SSL peer shut down incorrectly"));
        assertEquals(InsertFailure.Kind.RETRYABLE, InsertFailure.classify(transport(handshake)).kind());
    }
}
