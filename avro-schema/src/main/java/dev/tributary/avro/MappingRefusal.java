package dev.tributary.avro;

/**
 * A field of a writer schema cannot be mapped onto its column at all (an unsupported union or
 * logical type, a record for an Int32 column, ...): found when the reader plan of that schema is
 * compiled. Every message of the schema then goes to the error table with this reason.
 */
final class MappingRefusal extends Exception {

    private static final long serialVersionUID = 1L;

    MappingRefusal(String message) {
        super(message, null, false, false);
    }
}
