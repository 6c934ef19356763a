package dev.tributary.core;

/** Why a record went to the error table. */
public enum ErrorKind {
    /** The record's bytes could not be decoded (malformed JSON, unknown schema id, no value, ...). */
    DECODE,
    /** A field could not be converted to its column's type (overflow, bad date, unknown enum, ...). */
    MAPPING,
    /** ClickHouse refused the row on insert. */
    INSERT
}
