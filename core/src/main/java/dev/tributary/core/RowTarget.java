package dev.tributary.core;

/**
 * Where the rows of records go: the sink's open batch, or a batch being encoded again after the
 * target table changed.
 */
public interface RowTarget {

    /**
     * Appends one row that {@code writer} writes. If the writer throws, nothing is appended and the
     * exception propagates (the caller then records the failure with {@link #appendError}).
     *
     * @param origin the record the row came from, kept so that a row the server refuses can be
     *               written to the error table with its raw bytes
     */
    void append(SourceRecord origin, RowWriter writer) throws MappingException;

    /** Records a record that could not be decoded or mapped; it is written to the error table with the rows. */
    void appendError(SourceRecord origin, ErrorKind kind, String message);
}
