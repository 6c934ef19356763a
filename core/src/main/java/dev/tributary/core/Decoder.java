package dev.tributary.core;

/**
 * Turns a record's bytes into a {@link DecodedRecord}. Called from the pipeline thread only.
 * A record that cannot be decoded raises {@link DecodeException} (it goes to the error table); an
 * outage of something the decoder needs raises {@link RetriableException}.
 */
public interface Decoder extends AutoCloseable {

    DecodedRecord decode(SourceRecord record) throws DecodeException;

    @Override
    default void close() {
    }
}
