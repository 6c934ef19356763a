package dev.tributary.avro;

/**
 * The bytes of a message are not valid Avro binary for its writer schema: truncated, a varint too
 * long, a length or union index out of range. Raised while decoding; the record goes to the error
 * table. Broken messages can come by the million, so no stack trace is recorded.
 */
final class MalformedAvroException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    MalformedAvroException(String message) {
        super(message, null, false, false);
    }
}
