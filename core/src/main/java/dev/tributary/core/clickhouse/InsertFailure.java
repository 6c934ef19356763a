package dev.tributary.core.clickhouse;

import com.clickhouse.client.api.ServerException;
import dev.tributary.core.internal.Backoff;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * What a failed ClickHouse request means for the rows it carried:
 * <ul>
 *   <li>{@link Kind#BAD_DATA} — the server refused the data for a reason that is known to be about
 *       the rows themselves (a value it cannot parse, convert or fit in its type, a constraint):
 *       narrow the batch down to the refused rows and send those, alone, to the error table. Only
 *       the codes in {@link #BAD_DATA_CODES} mean this;</li>
 *   <li>{@link Kind#TOO_LARGE} — the insert as a whole is refused for its size or spread (too many
 *       partitions for one INSERT block, a proxy's 413): send the same rows in smaller inserts;</li>
 *   <li>{@link Kind#RETRYABLE} — nothing known to be wrong with the rows (network, timeout, overload,
 *       too many parts, quorum, disk space, an HTTP 429/5xx without a code, and every code not listed
 *       here): wait and send them again, within the sink's retry budget. A memory or time limit that
 *       refuses the same insert again ({@link #smallerInsertMayPass()}) makes the writer split it;</li>
 *   <li>{@link Kind#FATAL} — no row can be inserted (unknown table, no permission, bad setting, a TLS
 *       certificate that is untrusted or for another host name): stop the pipeline without committing.</li>
 * </ul>
 * An unknown code is retried rather than taken for bad data: taking it for bad data would divert a
 * whole stream into the error table during a server-side problem; retrying ends, at the latest, when
 * the retry budget runs out, with the error named.
 */
record InsertFailure(Kind kind, int code, String message, Throwable cause) {

    enum Kind { RETRYABLE, BAD_DATA, TOO_LARGE, FATAL }

    /** Server error codes that say "this row's data is wrong": parse, convert, type, range, constraint. */
    static final Set<Integer> BAD_DATA_CODES = Set.of(
            6,   // CANNOT_PARSE_TEXT
            8,   // THERE_IS_NO_COLUMN (also a table changed under the plan)
            10,  // NOT_FOUND_COLUMN_IN_BLOCK (also a table changed under the plan)
            17,  // DELIMITER_IN_STRING_LITERAL_DOESNT_MATCH
            19,  // SIZE_OF_FIXED_STRING_DOESNT_MATCH
            20,  // NUMBER_OF_COLUMNS_DOESNT_MATCH (also a table changed under the plan)
            25,  // CANNOT_PARSE_ESCAPE_SEQUENCE
            26,  // CANNOT_PARSE_QUOTED_STRING
            27,  // CANNOT_PARSE_INPUT_ASSERTION_FAILED
            32,  // ATTEMPT_TO_READ_AFTER_EOF
            33,  // CANNOT_READ_ALL_DATA (also a table changed under the plan)
            38,  // CANNOT_PARSE_DATE
            41,  // CANNOT_PARSE_DATETIME
            47,  // UNKNOWN_IDENTIFIER (also a table changed under the plan)
            53,  // TYPE_MISMATCH
            69,  // ARGUMENT_OUT_OF_BOUND
            70,  // CANNOT_CONVERT_TYPE
            72,  // CANNOT_PARSE_NUMBER
            117, // INCORRECT_DATA
            128, // TOO_LARGE_ARRAY_SIZE
            130, // CANNOT_READ_ARRAY_FROM_TEXT
            131, // TOO_LARGE_STRING_SIZE
            190, // SIZES_OF_ARRAYS_DOESNT_MATCH
            321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
            349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
            376, // CANNOT_PARSE_UUID
            407, // DECIMAL_OVERFLOW
            441, // CANNOT_PARSE_DOMAIN_VALUE_FROM_STRING
            467, // CANNOT_PARSE_BOOL
            469  // VIOLATED_CONSTRAINT
    );

    /**
     * Server error codes known to say "try again later". Every code in neither set is retried too;
     * this list documents the ones seen in practice (and is what the tests check).
     */
    static final Set<Integer> RETRYABLE_CODES = Set.of(
            3,   // UNEXPECTED_END_OF_FILE (connection cut mid-request)
            159, // TIMEOUT_EXCEEDED
            173, // CANNOT_ALLOCATE_MEMORY
            201, // QUOTA_EXPIRED
            202, // TOO_MANY_SIMULTANEOUS_QUERIES
            203, // NO_FREE_CONNECTION
            209, // SOCKET_TIMEOUT
            210, // NETWORK_ERROR
            216, // QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING (an abandoned attempt still running)
            225, // NO_ZOOKEEPER
            236, // ABORTED
            241, // MEMORY_LIMIT_EXCEEDED
            242, // TABLE_IS_READ_ONLY (replica lost its keeper session)
            243, // NOT_ENOUGH_SPACE
            244, // UNEXPECTED_ZOOKEEPER_ERROR
            252, // TOO_MANY_PARTS (merges behind; "too many partitions" is TOO_LARGE, see classify)
            254, // NO_ACTIVE_REPLICAS
            279, // ALL_CONNECTION_TRIES_FAILED
            285, // TOO_FEW_LIVE_REPLICAS
            286, // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
            289, // REPLICA_IS_NOT_IN_QUORUM
            319, // UNKNOWN_STATUS_OF_INSERT
            364, // RECEIVED_ERROR_TOO_MANY_REQUESTS
            394, // QUERY_WAS_CANCELLED
            395, // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO (a user's check in a view or expression: not known to be the row's fault)
            425, // SYSTEM_ERROR
            439, // CANNOT_SCHEDULE_TASK
            499, // S3_ERROR
            999, // KEEPER_EXCEPTION
            1000 // POCO_EXCEPTION
    );

    /** Server error codes that say "nothing can be inserted": configuration or permission problems. */
    static final Set<Integer> FATAL_CODES = Set.of(
            16,  // NO_SUCH_COLUMN_IN_TABLE
            36,  // BAD_ARGUMENTS
            46,  // UNKNOWN_FUNCTION
            48,  // NOT_IMPLEMENTED (the same statement is refused again)
            50,  // UNKNOWN_TYPE
            56,  // UNKNOWN_STORAGE
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
            291, // DATABASE_ACCESS_DENIED
            452, // SETTING_CONSTRAINT_VIOLATION
            472, // READONLY_SETTING
            497, // ACCESS_DENIED
            516  // AUTHENTICATION_FAILED
    );

    private static final int TOO_MANY_PARTS = 252;

    /**
     * Whether a smaller insert of the same rows may pass where this one failed: a memory or time
     * limit of the query. The writer splits a range that fails this way twice in a row.
     */
    boolean smallerInsertMayPass() {
        return code == 241 || code == 159;
    }

    /**
     * Whether this is known to pass with time: a network failure or a listed transient code. At
     * start, where the statements are the library's own, an unknown code is more likely a mistake
     * in them or in the configuration, and fails at once with the server's message.
     */
    boolean isKnownTransient() {
        return kind == Kind.RETRYABLE && (code == 0 || RETRYABLE_CODES.contains(code));
    }

    /** Whether two failures have the same cause as far as the rows are concerned (kind and code). */
    boolean sameReasonAs(InsertFailure other) {
        return kind == other.kind && code == other.code;
    }

    /** The code and message, for logs and exceptions. */
    String describe() {
        return (code > 0 ? "code " + code + ": " : "") + message;
    }

    /** Attempts before giving up while connecting at start (about a minute with the defaults). */
    private static final int OPEN_ATTEMPTS = 12;

    /**
     * Runs {@code action}, retrying with {@code backoff} failures that mean "ClickHouse is unreachable for
     * now" a bounded number of times; any other failure, or the last retryable one, becomes an
     * {@link IllegalStateException} saying what could not be done.
     */
    static <T> T retryWhileUnreachable(Backoff backoff, String what, Callable<T> action) {
        for (int attempt = 0; ; attempt++) {
            try {
                return action.call();
            } catch (IllegalStateException | IllegalArgumentException e) {
                throw e;
            } catch (Exception e) {
                InsertFailure failure = classify(e);
                if (!failure.isKnownTransient() || attempt + 1 >= OPEN_ATTEMPTS
                        || !backoff.pause(attempt, () -> false)) {
                    throw new IllegalStateException("cannot " + what + ": " + failure.message(), e);
                }
            }
        }
    }

    /**
     * Classifies what a transport call threw: a {@link ClickHouseException} (or a client-v2 exception
     * not yet translated into one) by the server's code and HTTP status, else by its cause chain.
     */
    static InsertFailure classify(Throwable thrown) {
        Throwable error = unwrap(thrown);
        String message = describe(error);
        ClickHouseException answer = find(error, ClickHouseException.class);
        if ((answer == null || !answer.isServerAnswer()) && find(error, ServerException.class) != null) {
            answer = HttpTransport.failure(find(error, ServerException.class));
        }
        if (answer != null && answer.isServerAnswer()) {
            return new InsertFailure(kindOf(answer.code(), String.valueOf(answer.getMessage()), answer.httpStatus()),
                    answer.code(), message, error);
        }
        if (find(error, com.clickhouse.client.api.ClientMisconfigurationException.class) != null) {
            return new InsertFailure(Kind.FATAL, 0, message, error);
        }
        // A server certificate that is not trusted, or not for this host name, stays so: waiting does not help.
        if (find(error, java.security.cert.CertificateException.class) != null
                || find(error, javax.net.ssl.SSLPeerUnverifiedException.class) != null) {
            return new InsertFailure(Kind.FATAL, 0, "the server's TLS certificate is refused: " + message, error);
        }
        if (find(error, IOException.class) != null || find(error, TimeoutException.class) != null
                || find(error, com.clickhouse.client.api.ConnectionInitiationException.class) != null
                || find(error, com.clickhouse.client.api.ClientException.class) != null
                || find(error, com.clickhouse.client.api.TransportException.class) != null
                || find(error, com.clickhouse.client.api.DataTransferException.class) != null) {
            return new InsertFailure(Kind.RETRYABLE, 0, message, error);
        }
        return new InsertFailure(Kind.FATAL, 0, message, error);
    }

    /** The kind of a server's refusal, from its code (0: none), message and HTTP status. */
    static Kind kindOf(int code, String serverMessage, int httpStatus) {
        if (code > 0) {
            if (code == TOO_MANY_PARTS && isPartitionsPerBlock(serverMessage)) {
                return Kind.TOO_LARGE;
            }
            if (BAD_DATA_CODES.contains(code)) {
                return Kind.BAD_DATA;
            }
            if (FATAL_CODES.contains(code)) {
                return Kind.FATAL;
            }
            return Kind.RETRYABLE; // RETRYABLE_CODES, and every code not known to be about the rows
        }
        // No code: an HTTP status from the server or a proxy in front of it.
        if (httpStatus == 413) {
            return Kind.TOO_LARGE;
        }
        if (httpStatus == 408 || httpStatus == 425 || httpStatus == 429) {
            return Kind.RETRYABLE;
        }
        if (httpStatus >= 400 && httpStatus < 500) {
            return Kind.FATAL; // refused by something in front of ClickHouse: authentication, path, method
        }
        return Kind.RETRYABLE; // 5xx, and no status at all
    }

    /**
     * Whether a TOO_MANY_PARTS refusal is the deterministic "too many partitions for a single INSERT
     * block" (max_partitions_per_insert_block), as opposed to "too many parts ... merges are
     * processing significantly slower than inserts", which waiting cures.
     */
    private static boolean isPartitionsPerBlock(String serverMessage) {
        String text = serverMessage.toLowerCase(Locale.ROOT);
        return text.contains("too many partitions") || text.contains("max_partitions_per_insert_block");
    }

    private static Throwable unwrap(Throwable thrown) {
        Throwable error = thrown;
        while ((error instanceof ExecutionException || error instanceof CompletionException) && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    /** The first {@code type} in the cause chain of {@code error}, or null. */
    static <T extends Throwable> T find(Throwable error, Class<T> type) {
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
        String previous = null;
        for (Throwable t = error; t != null && text.length() < 2000; t = t.getCause()) {
            if (previous != null && previous.equals(t.getMessage())) {
                continue; // a wrapper that repeats its cause's text (ClickHouseException around a server's answer)
            }
            if (text.length() > 0) {
                text.append(" <- ");
            }
            previous = t.getMessage();
            text.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
            if (t.getCause() == t) {
                break;
            }
        }
        return text.toString();
    }
}
