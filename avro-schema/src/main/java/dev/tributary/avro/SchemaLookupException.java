package dev.tributary.avro;

/**
 * The registry answered, and the answer is no: the schema id, subject or version does not exist
 * (HTTP 404, error codes 40401/40402/40403), the schema is not Avro, or it does not parse. Unlike an
 * outage (a {@link dev.tributary.core.RetriableException}), asking again will not help, so a
 * message that needs this schema goes to the error table. The Avro module's kind of the registry
 * client's {@link dev.tributary.registry.SchemaLookupException}.
 */
public class SchemaLookupException extends dev.tributary.registry.SchemaLookupException {

    private static final long serialVersionUID = 1L;

    public SchemaLookupException(String message, int errorCode) {
        super(message, errorCode);
    }

    public SchemaLookupException(String message, Throwable cause) {
        super(message, cause);
    }

    private SchemaLookupException(String message, int errorCode, Throwable cause) {
        super(message, errorCode, cause);
    }

    /** The registry client's refusal as this module's, with the same message and error code. */
    static SchemaLookupException of(dev.tributary.registry.SchemaLookupException e) {
        return e instanceof SchemaLookupException own ? own : new SchemaLookupException(e.getMessage(), e.errorCode(), e);
    }
}
