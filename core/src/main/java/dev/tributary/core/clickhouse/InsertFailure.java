package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.ServerException;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failed ClickHouse request means for the rows it carried:
 * <ul>
 *   <li>{@link Kind#RETRYABLE} — nothing is wrong with the rows (network, timeout, overload, too many
 *       parts): wait and send them again;</li>
 *   <li>{@link Kind#BAD_DATA} — the server refused the data: narrow the batch down to the rows it
 *       refuses and send those to the error table;</li>
 *   <li>{@link Kind#FATAL} — no row can be inserted (unknown table, no permission, bad setting, a TLS
 *       certificate that is untrusted or for another host name): stop the pipeline without committing.</li>
 * </ul>
 */
record InsertFailure(Kind kind, int code, String message, Throwable cause) {

    enum Kind { RETRYABLE, BAD_DATA, FATAL }

    /** Server error codes that say "try again later". */
    private static final Set<Integer> RETRYABLE_CODES = Set.of(
            3,   // UNEXPECTED_END_OF_FILE (connection cut mid-request)
            159, // TIMEOUT_EXCEEDED
            202, // TOO_MANY_SIMULTANEOUS_QUERIES
            203, // NO_FREE_CONNECTION
            209, // SOCKET_TIMEOUT
            210, // NETWORK_ERROR
            241, // MEMORY_LIMIT_EXCEEDED
            242, // TABLE_IS_READ_ONLY (replica lost its keeper session)
            252, // TOO_MANY_PARTS
            285, // TOO_FEW_LIVE_REPLICAS
            319, // UNKNOWN_STATUS_OF_INSERT
            394, // QUERY_WAS_CANCELLED
            425, // SYSTEM_ERROR
            999, // KEEPER_EXCEPTION
            1000 // POCO_EXCEPTION
    );

    /** Server error codes that say "nothing can be inserted": configuration or permission problems. */
    private static final Set<Integer> FATAL_CODES = Set.of(
            16,  // NO_SUCH_COLUMN_IN_TABLE
            36,  // BAD_ARGUMENTS
            60,  // UNKNOWN_TABLE
            62,  // SYNTAX_ERROR (in our own statement)
            73,  // UNKNOWN_FORMAT
            81,  // UNKNOWN_DATABASE
            115, // UNKNOWN_SETTING
            164, // READONLY
            192, // UNKNOWN_USER
            193, // WRONG_PASSWORD
            194, // REQUIRED_PASSWORD
            195, // IP_ADDRESS_NOT_ALLOWED
            497, // ACCESS_DENIED
            516  // AUTHENTICATION_FAILED
    );

    private static final Pattern CODE_IN_MESSAGE = Pattern.compile("Code: (\\d+)");

    /** Classifies what a client call threw. */
    static InsertFailure classify(Throwable thrown) {
        Throwable error = unwrap(thrown);
        String message = describe(error);
        ServerException server = find(error, ServerException.class);
        if (server != null) {
            int code = server.getCode();
            if (code <= 0) {
                // Old servers send no exception-code header: the code is only in the message.
                Matcher matcher = CODE_IN_MESSAGE.matcher(String.valueOf(server.getMessage()));
                code = matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
            }
            if (RETRYABLE_CODES.contains(code) || (code == 0 && server.getTransportProtocolCode() >= 502)) {
                return new InsertFailure(Kind.RETRYABLE, code, message, error);
            }
            if (FATAL_CODES.contains(code)) {
                return new InsertFailure(Kind.FATAL, code, message, error);
            }
            return new InsertFailure(Kind.BAD_DATA, code, message, error);
        }
        if (error instanceof com.clickhouse.client.api.ClientMisconfigurationException) {
            return new InsertFailure(Kind.FATAL, 0, message, error);
        }
        // A server certificate that is not trusted, or not for this host name, stays so: waiting does not help.
        if (find(error, java.security.cert.CertificateException.class) != null
                || find(error, javax.net.ssl.SSLPeerUnverifiedException.class) != null) {
            return new InsertFailure(Kind.FATAL, 0, "the server's TLS certificate is refused: " + message, error);
        }
        if (find(error, IOException.class) != null || find(error, TimeoutException.class) != null
                || error instanceof com.clickhouse.client.api.ConnectionInitiationException
                || error instanceof com.clickhouse.client.api.ClientException
                || error instanceof com.clickhouse.client.api.TransportException
                || error instanceof com.clickhouse.client.api.DataTransferException) {
            return new InsertFailure(Kind.RETRYABLE, 0, message, error);
        }
        return new InsertFailure(Kind.FATAL, 0, message, error);
    }

    private static Throwable unwrap(Throwable thrown) {
        Throwable error = thrown;
        while ((error instanceof ExecutionException || error instanceof CompletionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null && text.length() < 2000; t = t.getCause()) {
            if (text.length() > 0) {
                text.append(" <- ");
            }
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }
}
