package dev.tributary.chdb.binding;

/** The chDB library could not be found or loaded; the message says how to obtain it for this platform. */
public final class ChDbLibraryNotFoundException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    ChDbLibraryNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
