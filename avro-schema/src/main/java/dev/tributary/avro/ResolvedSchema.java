package dev.tributary.avro;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

import java.io.IOException;

/**
 * A message's writer schema (by registry id) and the reader schema it is read as, if one is
 * configured. One instance per schema id per decoder: the {@link AvroSchemaMapper} compiles one
 * reader plan per instance.
 */
final class ResolvedSchema {

    private final int id;
    private final Schema writer;
    private final Schema reader;
    private final String incompatibility;
    private volatile GenericDatumReader<Object> datumReader;
    private volatile Skipper bodyCheck;

    ResolvedSchema(int id, Schema writer, Schema reader) {
        this.id = id;
        this.writer = writer;
        this.reader = reader;
        this.incompatibility = reader == null ? null : incompatibility(reader, writer);
    }

    private static String incompatibility(Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        StringBuilder reasons = new StringBuilder();
        for (SchemaCompatibility.Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            if (!reasons.isEmpty()) {
                reasons.append("; ");
            }
            reasons.append(incompatibility.getMessage()).append(" at ").append(incompatibility.getLocation());
        }
        return reasons.toString();
    }

    int id() {
        return id;
    }

    Schema writer() {
        return writer;
    }

    /** The reader schema, or null when messages are read as written. */
    Schema reader() {
        return reader;
    }

    /** The schema fields are named by: the reader schema if there is one, else the writer's. */
    Schema view() {
        return reader == null ? writer : reader;
    }

    /** Why the writer schema cannot be read as the reader schema, or null. */
    String incompatibility() {
        return incompatibility;
    }

    /** Decodes a body with Avro's generic reader (the slow path), logical types converted. */
    Object decodeGeneric(byte[] bytes, int offset, int length) throws IOException {
        GenericDatumReader<Object> generic = datumReader;
        if (generic == null) {
            generic = new GenericDatumReader<>(writer, view(), AvroValues.model());
            datumReader = generic;
        }
        // Avro's reader recurses as deep as the message and loops as long as block counts say, even
        // over items of no bytes: a bounded walk of the same reading refuses such a body first
        // (MalformedAvroException; found by AvroDecodeMapFuzzTest).
        Skipper check = bodyCheck;
        if (check == null) {
            check = Skipper.walkingAsAvroReads(writer);
            bodyCheck = check;
        }
        check.skip(new AvroInput().reset(bytes, offset, length));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, offset, length, null);
        Object value = generic.read(null, decoder);
        if (!decoder.isEnd()) {
            throw new IOException("bytes are left after the end of the record");
        }
        return value;
    }

    @Override
    public String toString() {
        return "schema id " + id;
    }
}
