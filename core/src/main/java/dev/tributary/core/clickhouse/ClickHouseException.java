package dev.tributary.core.clickhouse;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A statement that failed, with what the server said: its error code, the HTTP status of the answer
 * and the cause chain (an {@link java.io.IOException}, a {@link java.util.concurrent.TimeoutException},
 * a refused certificate, the client's own exception...), from which the sink tells network trouble
 * and refused TLS certificates from server refusals. The message never holds credentials.
 */
public class ClickHouseException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final Pattern CODE_IN_MESSAGE = Pattern.compile("Code: (\\d+)");

    private final int code;
    private final int httpStatus;

    /**
     * @param code       the server's error code, 0 if it gave none
     * @param httpStatus the HTTP status of the answer, 0 when there was none
     * @param message    what failed, for logs
     * @param cause      the underlying failure, or null
     */
    public ClickHouseException(int code, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.code = Math.max(0, code);
        this.httpStatus = Math.max(0, httpStatus);
    }

    /** The server's error code (e.g. 60 UNKNOWN_TABLE), 0 if it gave none. */
    public int code() {
        return code;
    }

    /** The HTTP status of the answer, 0 when there was none (network failure, or an embedded engine). */
    public int httpStatus() {
        return httpStatus;
    }

    /** Whether the server answered (with a code or an HTTP status), as opposed to a failure on the way. */
    public boolean isServerAnswer() {
        return code > 0 || httpStatus > 0;
    }

    /**
     * The code in a server's error text ({@code "Code: 60. DB::Exception: ..."}, as old servers and
     * embedded engines report it), 0 if there is none: for transports whose server gives no separate code.
     */
    public static int codeInMessage(String message) {
        if (message == null) {
            return 0;
        }
        Matcher matcher = CODE_IN_MESSAGE.matcher(message);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }
}
