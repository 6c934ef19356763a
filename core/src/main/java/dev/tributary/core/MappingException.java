package dev.tributary.core;

/**
 * A decoded record cannot be turned into a row: the message names the column, the value and why.
 * The record goes to the error table with {@link #kind()} — {@link ErrorKind#MAPPING}, or
 * {@link ErrorKind#DECODE} when a plan that decodes lazily (straight from bytes into the row)
 * finds the bytes themselves broken.
 */
public class MappingException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String column;
    private final ErrorKind kind;

    public MappingException(String column, String message) {
        this(column, message, null, ErrorKind.MAPPING);
    }

    public MappingException(String column, String message, Throwable cause) {
        this(column, message, cause, ErrorKind.MAPPING);
    }

    /** A failure of the given kind; {@code column} may be null when no single column is to blame. */
    public MappingException(String column, String message, Throwable cause, ErrorKind kind) {
        super(column == null ? message : "column " + column + ": " + message, cause);
        this.column = column;
        this.kind = kind;
    }

    /** The kind the error table records. */
    public ErrorKind kind() {
        return kind;
    }

    /** The column whose value failed. */
    public String column() {
        return column;
    }
}
