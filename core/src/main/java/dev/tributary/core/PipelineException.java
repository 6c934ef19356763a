package dev.tributary.core;

/** A pipeline stopped because of a failure; the message names the pipeline and what failed. */
public class PipelineException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
