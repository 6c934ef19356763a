package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.ServerException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;

class InsertFailureTest {

    @Test
    void networkFailuresAreRetryable() {
        InsertFailure failure = InsertFailure.classify(new ExecutionException(
                new com.clickhouse.client.api.ConnectionInitiationException("refused", new ConnectException("Connection refused"))));
        assertEquals(InsertFailure.Kind.RETRYABLE, failure.kind());
    }

    @Test
    void tooManyPartsIsRetryable() {
        assertEquals(InsertFailure.Kind.RETRYABLE, InsertFailure.classify(new ServerException(252, "Too many parts", 500, "q")).kind());
    }

    @Test
    void readsTheCodeFromTheMessageWhenTheServerSendsNoHeader() {
        InsertFailure failure = InsertFailure.classify(new ServerException(0,
                "Code: 27, e.displayText() = DB::Exception: Cannot parse input", 500, "q"));
        assertEquals(27, failure.code());
        assertEquals(InsertFailure.Kind.BAD_DATA, failure.kind());
    }

    @Test
    void configurationProblemsAreFatal() {
        assertEquals(InsertFailure.Kind.FATAL, InsertFailure.classify(new ServerException(60, "Table doesn't exist", 404, "q")).kind());
        assertEquals(InsertFailure.Kind.FATAL, InsertFailure.classify(new ServerException(516, "Authentication failed", 401, "q")).kind());
    }
}
