package dev.tributary.core;

/**
 * Thrown by {@link DecodedRecord#field} of a record decoded lazily (on first access) whose bytes
 * turn out to be broken; mappers report it as {@link ErrorKind#DECODE}, not as a mapping error.
 */
public class FieldDecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public FieldDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
