package dev.tributary.core;

/** A decoded record cannot be turned into a row: the message names the column, the value and why. */
public class MappingException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String column;

    public MappingException(String column, String message) {
        super("column " + column + ": " + message);
        this.column = column;
    }

    public MappingException(String column, String message, Throwable cause) {
        super("column " + column + ": " + message, cause);
        this.column = column;
    }

    /** The column whose value failed. */
    public String column() {
        return column;
    }
}
