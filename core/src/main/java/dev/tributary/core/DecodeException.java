package dev.tributary.core;

/** A record's bytes cannot be decoded; the record goes to the error table with this message. */
public class DecodeException extends Exception {

    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
