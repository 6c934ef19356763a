package dev.tributary.avro;

import org.apache.avro.Schema;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Skips one value of a schema without decoding it, as Avro's own readers skip: strings and fixed
 * values by their length, arrays and maps written with block sizes jumped over whole. Compiled once
 * per schema, so skipping a field no column needs costs no lookups.
 */
@FunctionalInterface
interface Skipper {

    void skip(AvroInput in);

    /** The skipper of {@code schema} (recursive schemas included). */
    static Skipper of(Schema schema) {
        return compile(schema, new IdentityHashMap<>(), true);
    }

    /**
     * A skipper that walks every item of blocks that carry their byte size instead of jumping over
     * them, as Avro's generic reader reads them: run before that reader, it vets exactly what the
     * reader will read (depth, item counts) without building anything.
     */
    static Skipper walkingAsAvroReads(Schema schema) {
        return compile(schema, new IdentityHashMap<>(), false);
    }

    private static Skipper compile(Schema schema, Map<Schema, Skipper> records, boolean jump) {
        return switch (schema.getType()) {
            case NULL -> in -> { };
            case BOOLEAN -> AvroInput::readBoolean;
            case INT, ENUM -> AvroInput::readInt;
            case LONG -> AvroInput::readLong;
            case FLOAT -> in -> in.skip(4);
            case DOUBLE -> in -> in.skip(8);
            case STRING, BYTES -> in -> in.skip(in.readLength());
            case FIXED -> {
                int size = schema.getFixedSize();
                yield in -> in.skip(size);
            }
            case RECORD -> record(schema, records, jump);
            case UNION -> {
                List<Schema> types = schema.getTypes();
                Skipper[] branches = new Skipper[types.size()];
                for (int i = 0; i < branches.length; i++) {
                    branches[i] = compile(types.get(i), records, jump);
                }
                yield in -> branches[in.readIndex(branches.length, "a union branch")].skip(in);
            }
            case ARRAY -> blocks(null, compile(schema.getElementType(), records, jump), Schemas.mayBeEmpty(schema.getElementType()),
                    jump);
            case MAP -> blocks(in -> in.skip(in.readLength()), compile(schema.getValueType(), records, jump), false, jump);
        };
    }

    private static Skipper record(Schema schema, Map<Schema, Skipper> records, boolean jump) {
        Skipper known = records.get(schema);
        if (known != null) {
            return known;
        }
        Skipper[][] holder = new Skipper[1][]; // filled below; a recursive reference reads it when skipping
        Skipper skipper = in -> {
            in.enterRecord(); // a recursive schema recurses here, as deep as the message says
            for (Skipper field : holder[0]) {
                field.skip(in);
            }
            in.exitRecord();
        };
        records.put(schema, skipper);
        List<Schema.Field> fields = schema.getFields();
        Skipper[] compiled = new Skipper[fields.size()];
        for (int i = 0; i < compiled.length; i++) {
            compiled[i] = compile(fields.get(i).schema(), records, jump);
        }
        holder[0] = compiled;
        return skipper;
    }

    private static Skipper blocks(Skipper key, Skipper item, boolean zeroWidthItems, boolean jump) {
        return in -> {
            while (true) {
                long count = in.readLong();
                if (count == 0) {
                    return;
                }
                if (count < 0 && jump) { // the block's size in bytes follows: jump over the block whole
                    in.skip(in.readBlockSize());
                    continue;
                }
                if (count < 0) { // walking: the size is read and dropped, as Avro's reader does
                    count = -count;
                    in.readBlockSize();
                }
                in.checkBlockCount(count, zeroWidthItems);
                for (long i = 0; i < count; i++) {
                    if (key != null) {
                        key.skip(in);
                    }
                    item.skip(in);
                }
            }
        };
    }
}
