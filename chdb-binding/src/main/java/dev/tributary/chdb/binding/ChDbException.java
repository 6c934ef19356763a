package dev.tributary.chdb.binding;

/**
 * A statement the chDB engine refused (its message is the engine's error text, which starts with
 * ClickHouse's "Code: N. DB::Exception: ..."), or data that could not be handed to it.
 */
public final class ChDbException extends Exception {

    private static final long serialVersionUID = 1L;

    public ChDbException(String message, Throwable cause) {
        super(message, cause);
    }
}
