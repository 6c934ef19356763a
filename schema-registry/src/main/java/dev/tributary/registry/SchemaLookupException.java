package dev.tributary.registry;

/**
 * The registry answered, and the answer is no: the schema id, subject or version does not exist
 * (HTTP 404, error codes 40401/40402/40403), or the schema is not of the expected type or does not parse. Unlike an
 * outage (a {@link dev.tributary.core.RetriableException}), asking again will not help, so a
 * message that needs this schema goes to the error table.
 */
public class SchemaLookupException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int errorCode;

    public SchemaLookupException(String message, int errorCode) {
        super(message);
        this.errorCode = errorCode;
    }

    public SchemaLookupException(String message, Throwable cause) {
        super(message, cause);
        this.errorCode = 0;
    }

    protected SchemaLookupException(String message, int errorCode, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    /** The registry's {@code error_code} (e.g. 40403 for an unknown schema id), or 0. */
    public int errorCode() {
        return errorCode;
    }
}
