package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.ServerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.ConnectException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InsertFailureTest {

    /** As 18.16 sends it: no code header, HTTP 500, the code in the message. */
    private static InsertFailure fromOldServer(int code, String text) {
        return InsertFailure.classify(new ServerException(0, "Code: " + code + ", e.displayText() = DB::Exception: "
                + text + ", e.what() = DB::Exception", 500, "q"));
    }

    @Test
    void networkFailuresAreRetryable() {
        InsertFailure failure = InsertFailure.classify(new ExecutionException(
                new com.clickhouse.client.api.ConnectionInitiationException("refused", new ConnectException("Connection refused"))));
        assertEquals(InsertFailure.Kind.RETRYABLE, failure.kind());
    }

    @Test
    void tooManyPartsBecauseMergesLagIsRetryable() {
        assertEquals(InsertFailure.Kind.RETRYABLE, InsertFailure.classify(new ServerException(252,
                "Too many parts (300). Merges are processing significantly slower than inserts", 500, "q")).kind());
        assertEquals(InsertFailure.Kind.RETRYABLE, fromOldServer(252,
                "Too many parts (300). Merges are processing significantly slower than inserts.").kind());
    }

    @Test
    void tooManyPartitionsForOneInsertBlockIsTooLarge() {
        // The message of ClickHouse's MergeTreeDataWriter (code 252 as well).
        String text = "Too many partitions for single INSERT block (more than 100). The limit is controlled by"
                + " 'max_partitions_per_insert_block' setting. Large number of partitions is a common misconception.";
        assertEquals(InsertFailure.Kind.TOO_LARGE, InsertFailure.classify(new ServerException(252, text, 500, "q")).kind());
        InsertFailure old = fromOldServer(252, text);
        assertEquals(InsertFailure.Kind.TOO_LARGE, old.kind());
        assertEquals(252, old.code());
    }

    @Test
    void readsTheCodeFromTheMessageWhenTheServerSendsNoHeader() {
        InsertFailure failure = InsertFailure.classify(new ServerException(0,
                "Code: 27, e.displayText() = DB::Exception: Cannot parse input", 500, "q"));
        assertEquals(27, failure.code());
        assertEquals(InsertFailure.Kind.BAD_DATA, failure.kind());
    }

    /** Every code listed as "this row's data is wrong", with and without the code header. */
    @ParameterizedTest
    @ValueSource(ints = {6, 8, 10, 17, 19, 20, 25, 26, 27, 32, 33, 38, 41, 47, 53, 69, 70, 72, 117, 128, 130, 131, 190,
            321, 349, 376, 407, 441, 467, 469})
    void dataCodesAreBadData(int code) {
        assertTrue(InsertFailure.BAD_DATA_CODES.contains(code));
        assertEquals(InsertFailure.Kind.BAD_DATA, InsertFailure.classify(new ServerException(code, "refused", 500, "q")).kind());
        assertEquals(InsertFailure.Kind.BAD_DATA, fromOldServer(code, "refused").kind());
    }

    /** Transient codes, several of them taken for bad data before: retried, never narrowed into the error table. */
    @ParameterizedTest
    @ValueSource(ints = {3, 159, 173, 201, 202, 203, 209, 210, 216, 225, 236, 241, 242, 243, 244, 252, 254, 279, 285, 286,
            289, 319, 364, 394, 395, 425, 439, 499, 999, 1000})
    void transientCodesAreRetryable(int code) {
        assertTrue(InsertFailure.RETRYABLE_CODES.contains(code));
        assertEquals(InsertFailure.Kind.RETRYABLE, InsertFailure.classify(new ServerException(code, "later", 500, "q")).kind());
        assertEquals(InsertFailure.Kind.RETRYABLE, fromOldServer(code, "later").kind());
    }

    /** A code this library does not know is not taken for bad data: it is retried (within the retry budget). */
    @ParameterizedTest
    @ValueSource(ints = {1, 49, 246, 1002, 2999})
    void unknownCodesAreRetryable(int code) {
        assertFalse(InsertFailure.BAD_DATA_CODES.contains(code));
        assertFalse(InsertFailure.FATAL_CODES.contains(code));
        assertEquals(InsertFailure.Kind.RETRYABLE, fromOldServer(code, "something").kind());
    }

    @ParameterizedTest
    @ValueSource(ints = {16, 36, 46, 48, 50, 56, 60, 62, 73, 81, 115, 164, 192, 193, 194, 195, 291, 452, 472, 497, 516})
    void configurationCodesAreFatal(int code) {
        assertEquals(InsertFailure.Kind.FATAL, InsertFailure.classify(new ServerException(code, "no", 400, "q")).kind());
        assertEquals(InsertFailure.Kind.FATAL, fromOldServer(code, "no").kind());
    }

    @Test
    void configurationProblemsAreFatal() {
        assertEquals(InsertFailure.Kind.FATAL, InsertFailure.classify(new ServerException(60, "Table doesn't exist", 404, "q")).kind());
        assertEquals(InsertFailure.Kind.FATAL, InsertFailure.classify(new ServerException(516, "Authentication failed", 401, "q")).kind());
    }

    /** An HTTP status without a ClickHouse code, e.g. from a proxy in front of the server. */
    @ParameterizedTest
    @ValueSource(ints = {408, 425, 429, 500, 502, 503, 504, 599})
    void overloadAndServerErrorStatusesWithoutACodeAreRetryable(int status) {
        assertEquals(InsertFailure.Kind.RETRYABLE,
                InsertFailure.classify(new ServerException(0, "<html>busy</html>", status, "q")).kind());
    }

    @Test
    void otherStatusesWithoutACode() {
        assertEquals(InsertFailure.Kind.TOO_LARGE, InsertFailure.classify(new ServerException(0, "Payload Too Large", 413, "q")).kind());
        assertEquals(InsertFailure.Kind.FATAL, InsertFailure.classify(new ServerException(0, "Forbidden", 403, "q")).kind());
        assertEquals(InsertFailure.Kind.FATAL, InsertFailure.classify(new ServerException(0, "Not Found", 404, "q")).kind());
    }

    @Test
    void memoryAndTimeLimitsMayPassWithSmallerInserts() {
        assertTrue(fromOldServer(241, "Memory limit (for query) exceeded").smallerInsertMayPass());
        assertTrue(fromOldServer(159, "Timeout exceeded").smallerInsertMayPass());
        assertFalse(fromOldServer(279, "All connection tries failed").smallerInsertMayPass());
    }

    @Test
    void atStartOnlyKnownTransientFailuresAreWaitedFor() {
        assertTrue(fromOldServer(279, "All connection tries failed").isKnownTransient());
        assertTrue(InsertFailure.classify(new ExecutionException(new com.clickhouse.client.api.ConnectionInitiationException(
                "refused", new ConnectException("Connection refused")))).isKnownTransient());
        assertFalse(fromOldServer(44, "Illegal column in the CREATE statement").isKnownTransient());
        assertFalse(fromOldServer(6, "Cannot parse").isKnownTransient());
    }

    /** What a transport reports: the code and HTTP status it read, and the cause chain it kept. */
    @Test
    void classifiesATransportsExceptionByCodeStatusAndCause() {
        InsertFailure badData = InsertFailure.classify(new ClickHouseException(27, 500, "Code: 27. DB::Exception: Cannot parse input", null));
        assertEquals(InsertFailure.Kind.BAD_DATA, badData.kind());
        assertEquals(27, badData.code());
        // An embedded engine: the code parsed from its text, no HTTP status.
        InsertFailure unknownTable = InsertFailure.classify(new ClickHouseException(60, 0, "Code: 60. DB::Exception: Unknown table", null));
        assertEquals(InsertFailure.Kind.FATAL, unknownTable.kind());
        assertEquals(InsertFailure.Kind.TOO_LARGE, InsertFailure.classify(new ClickHouseException(0, 413, "Request Entity Too Large", null)).kind());
        assertEquals(InsertFailure.Kind.RETRYABLE, InsertFailure.classify(new ClickHouseException(0, 503, "Service Unavailable", null)).kind());
        assertEquals(InsertFailure.Kind.RETRYABLE, InsertFailure.classify(new ClickHouseException(0, 0, "connect failed",
                new ConnectException("Connection refused"))).kind());
        assertEquals(InsertFailure.Kind.RETRYABLE, InsertFailure.classify(new ClickHouseException(0, 0, "no answer",
                new java.util.concurrent.TimeoutException())).kind());
        InsertFailure certificate = InsertFailure.classify(new ClickHouseException(0, 0, "handshake failed",
                new javax.net.ssl.SSLHandshakeException("PKIX path building failed")
                        .initCause(new java.security.cert.CertificateException("unable to find valid certification path"))));
        assertEquals(InsertFailure.Kind.FATAL, certificate.kind());
        assertTrue(certificate.message().contains("TLS certificate is refused"), certificate.message());
    }

    /** The HTTP transport's translation of client-v2's exceptions keeps what classification needs. */
    @Test
    void theHttpTransportKeepsTheServersCodeStatusAndCause() {
        ServerException old = new ServerException(0, "Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist", 404, "q");
        ClickHouseException translated = HttpTransport.failure(new ExecutionException(old));
        assertEquals(60, translated.code());
        assertEquals(404, translated.httpStatus());
        assertEquals(old, translated.getCause());
        assertEquals(InsertFailure.Kind.FATAL, InsertFailure.classify(translated).kind());
        ClickHouseException network = HttpTransport.failure(new ExecutionException(
                new com.clickhouse.client.api.ConnectionInitiationException("refused", new ConnectException("Connection refused"))));
        assertEquals(0, network.code());
        assertEquals(0, network.httpStatus());
        assertEquals(InsertFailure.Kind.RETRYABLE, InsertFailure.classify(network).kind());
        // The server's text appears once in the message, not once per wrapper.
        String message = InsertFailure.classify(translated).message();
        assertEquals(message.indexOf("doesn't exist"), message.lastIndexOf("doesn't exist"), message);
    }
}
