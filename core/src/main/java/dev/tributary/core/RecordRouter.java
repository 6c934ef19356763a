package dev.tributary.core;

import java.util.Set;

/**
 * Chooses which of a pipeline's routes (target tables) a record goes to, from the record and its
 * decoded value (see {@code Pipeline.Builder#routeBy}). Called on the pipeline thread, once per
 * record, after decoding. A record it routes nowhere — it returns null or a name that is no route,
 * or it throws — is not lost: it goes to the error table of the pipeline's default route, kind
 * MAPPING, with the reason.
 */
@FunctionalInterface
public interface RecordRouter {

    /** The name of the route {@code record} goes to, or null for none. */
    String route(SourceRecord record, DecodedRecord decoded);

    /**
     * The fields {@link #route} reads, so that a decoder told to skip the fields no mapping reads
     * ({@link Decoder#onlyFields}) still decodes them; null (the default) if it may read any field: the
     * decoder then builds every field of every record.
     */
    default Set<FieldPath> fieldsRead() {
        return null;
    }

    /** A router that reads the fields {@code fields} (and no other) of the decoded record. */
    static RecordRouter reading(Set<FieldPath> fields, RecordRouter router) {
        Set<FieldPath> read = Set.copyOf(fields);
        return new RecordRouter() {
            @Override
            public String route(SourceRecord record, DecodedRecord decoded) {
                return router.route(record, decoded);
            }

            @Override
            public Set<FieldPath> fieldsRead() {
                return read;
            }
        };
    }
}
