package dev.tributary.core;

/**
 * A failure that says nothing about the record: a service the pipeline depends on (a schema
 * registry, ClickHouse) is unreachable for now. The pipeline pauses its source, waits and tries the
 * same work again; nothing goes to the error table.
 */
public class RetriableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RetriableException(String message, Throwable cause) {
        super(message, cause);
    }
}
