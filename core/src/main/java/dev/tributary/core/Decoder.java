package dev.tributary.core;

/**
 * Turns a record's bytes into a {@link DecodedRecord}. Called from the pipeline thread only.
 * A record that cannot be decoded raises {@link DecodeException} (it goes to the error table); an
 * outage of something the decoder needs raises {@link RetriableException}.
 */
public interface Decoder extends AutoCloseable {

    DecodedRecord decode(SourceRecord record) throws DecodeException;

    /**
     * Tells the decoder which fields the mapping reads (called by the pipeline once the mapping is
     * planned, before the first record), so that it may skip the others instead of building them.
     * A record decoded afterwards may answer {@link DecodedRecord#MISSING} for any other field.
     * The default ignores the hint.
     */
    default void onlyFields(java.util.Set<FieldPath> fields) {
    }

    @Override
    default void close() {
    }
}
