package dev.tributary.protobuf;

/** The Protobuf body is not well-formed wire format: a DECODE error of its message. */
final class MalformedProtobufException extends Exception {

    private static final long serialVersionUID = 1L;

    MalformedProtobufException(String message) {
        super(message);
    }
}
