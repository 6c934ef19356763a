package dev.tributary.avro;

import dev.tributary.core.ErrorKind;
import dev.tributary.core.FieldPath;
import dev.tributary.core.MappingException;
import dev.tributary.core.rowbinary.RowBinaryOutput;
import dev.tributary.core.types.ArrayType;
import dev.tributary.core.types.ClickHouseType;
import dev.tributary.core.types.ValueConversionException;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * The reader plan of one writer schema: reads a message's Avro body once, in the writer's field
 * order, and leaves the RowBinary bytes of every payload column (a "slot") in a scratch buffer,
 * or notes that the column's field is null or missing. {@link AvroMappingPlan} then writes the
 * columns in table order. Fields no column needs are skipped; nested fields (column {@code a.b})
 * are reached through their records; a field read by two columns is read twice.
 *
 * <p>Compiled once per schema id; not thread-safe (the scratch and the slot states are reused
 * for every message).
 */
final class RowReader {

    /** The state of a slot after {@link #read}. */
    static final byte MISSING = 0;
    static final byte NULL = 1;
    static final byte PRESENT = 2;
    static final byte CONSTANT = 3;

    /** A payload column: where its value comes from and what type it is written as. */
    record PayloadColumn(String name, ClickHouseType type, FieldPath path) {
    }

    private record Capture(int slot, int nullBranch, ValueReader reader) {
    }

    /** One record level of the writer schema, with what to do for each of its fields. */
    private record Node(String[] paths, Skipper[] skippers, Capture[][] captures, Node[] children, int[] childNullBranch) {
    }

    private final ResolvedSchema schema;
    private final Node root;
    private final String[] columns;
    private final String[] fields;
    private final byte[] initialStates;
    private final byte[][] constants;
    private final String refusedColumn;
    private final String refusal;

    private final byte[] states;
    private final int[] starts;
    private final int[] ends;
    private final RowBinaryOutput scratch = new RowBinaryOutput(1024);
    private String reading;

    private RowReader(ResolvedSchema schema, Node root, List<PayloadColumn> columns, byte[] initialStates, byte[][] constants,
                      String refusedColumn, String refusal) {
        this.schema = schema;
        this.root = root;
        this.columns = columns.stream().map(PayloadColumn::name).toArray(String[]::new);
        this.fields = columns.stream().map(column -> column.path().toString()).toArray(String[]::new);
        this.initialStates = initialStates;
        this.constants = constants;
        this.refusedColumn = refusedColumn;
        this.refusal = refusal;
        this.states = new byte[columns.size()];
        this.starts = new int[columns.size()];
        this.ends = new int[columns.size()];
    }

    /** Compiles the plan of {@code schema} for {@code columns}; a column that cannot be mapped makes a refusing plan. */
    static RowReader compile(ResolvedSchema schema, List<PayloadColumn> columns, ReaderCompiler compiler) {
        Schema writer = schema.writer();
        byte[] initial = new byte[columns.size()];
        byte[][] constants = new byte[columns.size()][];
        if (writer.getType() != Schema.Type.RECORD) {
            return new RowReader(schema, null, columns, initial, constants, null, "the writer schema (" + schema + ") is "
                    + Schemas.describe(writer) + ", not a record; columns are matched to the fields of a record");
        }
        NodeBuilder root = new NodeBuilder(writer, schema.reader(), "");
        for (int slot = 0; slot < columns.size(); slot++) {
            PayloadColumn column = columns.get(slot);
            try {
                place(root, slot, column, compiler, initial, constants);
            } catch (MappingRefusal refusal) {
                return new RowReader(schema, null, columns, initial, constants, column.name(),
                        refusal.getMessage() + " (" + schema + ")");
            }
        }
        return new RowReader(schema, root.build(), columns, initial, constants, null, null);
    }

    private static void place(NodeBuilder root, int slot, PayloadColumn column, ReaderCompiler compiler, byte[] initial,
                              byte[][] constants) throws MappingRefusal {
        NodeBuilder node = root;
        FieldPath path = column.path();
        for (int i = 0; i < path.size(); i++) {
            boolean last = i == path.size() - 1;
            Schema view = node.reader == null ? node.writer : node.reader;
            Schema.Field viewField = view.getField(path.segment(i));
            if (viewField == null) {
                return; // the schema has no such field: the column's value is missing
            }
            Schema.Field writerField = node.reader == null ? viewField : ReaderCompiler.writerField(node.writer, viewField);
            Schema readerSchema = node.reader == null ? null : viewField.schema();
            if (writerField == null) {
                if (last && viewField.hasDefaultValue()) { // the reader schema's default stands in
                    if (viewField.defaultVal() == org.apache.avro.JsonProperties.NULL_VALUE) {
                        initial[slot] = NULL;
                    } else {
                        initial[slot] = CONSTANT;
                        constants[slot] = compiler.constant(viewField, column.type(), path.toString());
                    }
                }
                return;
            }
            Schema written = writerField.schema();
            int nullBranch = Schemas.nullBranch(written);
            Schema value = nullBranch < 0 ? written : written.getTypes().get(1 - nullBranch);
            if (last) {
                ValueReader reader = compiler.compile(value, readerSchema, column.type(), path.toString());
                node.capture(writerField.pos(), new Capture(slot, nullBranch, reader));
                return;
            }
            if (value.getType() == Schema.Type.ARRAY && column.type() instanceof ArrayType) {
                // items.k into Array(T): field k of every element, as the columns of a Nested
                // structure hold it (18.16 flattens every Array(Tuple) column into such columns).
                List<String> rest = path.segments().subList(i + 1, path.size());
                ValueReader reader = compiler.projection(value, readerSchema == null ? null : Schemas.nonNull(readerSchema), rest,
                        column.type(), path.toString());
                node.capture(writerField.pos(), new Capture(slot, nullBranch, reader));
                return;
            }
            if (value.getType() != Schema.Type.RECORD) {
                return; // a path through something that is not a record finds nothing
            }
            Schema readerRecord = readerSchema == null ? null : Schemas.nonNull(readerSchema);
            node = node.child(writerField.pos(), nullBranch, value, readerRecord);
        }
    }

    /** Why every message of this schema is refused (see {@link #read}), or null. */
    String refusal() {
        return refusal == null ? null : (refusedColumn == null ? "" : "column " + refusedColumn + ": ") + refusal;
    }

    /**
     * Reads the body of {@code record} into the slots.
     *
     * @throws MappingException of kind DECODE for broken bytes, of kind MAPPING (naming the column)
     *     for a value its column cannot take or a schema this plan refuses
     */
    void read(AvroRecord record, AvroInput in) throws MappingException {
        if (refusal != null) {
            throw new MappingException(refusedColumn, refusal);
        }
        System.arraycopy(initialStates, 0, states, 0, states.length);
        scratch.reset();
        byte[] bytes = record.bytes();
        in.reset(bytes, record.bodyOffset(), bytes.length - record.bodyOffset());
        reading = null;
        try {
            readNode(root, in);
            if (!in.atEnd()) {
                throw in.malformed(in.remaining() + " bytes are left after the end of the record (was the message written"
                        + " with another schema?)");
            }
        } catch (MalformedAvroException e) {
            String where = reading == null ? "" : " in field " + reading;
            throw new MappingException(null, "the Avro body is malformed (" + schema + where + "): " + e.getMessage(), e,
                    ErrorKind.DECODE);
        }
    }

    private void readNode(Node node, AvroInput in) throws MappingException {
        Skipper[] skippers = node.skippers;
        for (int f = 0; f < skippers.length; f++) {
            Capture[] captures = node.captures[f];
            Node child = node.children[f];
            reading = node.paths[f]; // also for a skipped field: a malformed or too deep one is named right
            if (captures == null && child == null) {
                skippers[f].skip(in);
                continue;
            }
            int at = in.position();
            if (captures != null) {
                for (int k = 0; k < captures.length; k++) {
                    if (k > 0) {
                        in.position(at); // a second column of the same field reads it again
                    }
                    capture(captures[k], in);
                }
            }
            if (child != null) {
                if (captures != null) {
                    in.position(at);
                }
                int nullBranch = node.childNullBranch[f];
                if (nullBranch < 0 || in.readIndex(2, "a union branch") != nullBranch) {
                    readNode(child, in);
                } // else a null record: the columns of its fields stay missing
            }
        }
    }

    private void capture(Capture capture, AvroInput in) throws MappingException {
        int slot = capture.slot;
        if (capture.nullBranch >= 0 && in.readIndex(2, "a union branch") == capture.nullBranch) {
            states[slot] = NULL;
            return;
        }
        int start = scratch.size();
        try {
            if (capture.reader instanceof UnionReader union && union.nullBranch() >= 0) {
                // A union of null and several types: a null is the field's null, as for [null, T].
                int index = union.readIndex(in);
                if (index == union.nullBranch()) {
                    states[slot] = NULL;
                    return;
                }
                union.readBranch(index, in, scratch);
            } else {
                capture.reader.read(in, scratch);
            }
        } catch (ValueConversionException e) {
            throw new MappingException(columns[slot], e.getMessage() + " (field " + fields[slot] + ", " + schema + ")", e);
        }
        states[slot] = PRESENT;
        starts[slot] = start;
        ends[slot] = scratch.size();
    }

    /** The state of {@code slot} after {@link #read}: {@link #MISSING}, {@link #NULL}, {@link #PRESENT} or {@link #CONSTANT}. */
    byte state(int slot) {
        return states[slot];
    }

    /** Appends the bytes of a PRESENT or CONSTANT slot. */
    void copy(int slot, RowBinaryOutput out) {
        if (states[slot] == CONSTANT) {
            out.writeBytes(constants[slot]);
        } else {
            out.writeBytes(scratch.array(), starts[slot], ends[slot] - starts[slot]);
        }
    }

    /** Collects the captures and children of one record level while columns are placed. */
    private static final class NodeBuilder {
        private final Schema writer;
        private final Schema reader;
        private final String prefix;
        private final List<List<Capture>> captures = new ArrayList<>();
        private final NodeBuilder[] children;
        private final int[] childNullBranch;

        NodeBuilder(Schema writer, Schema reader, String prefix) {
            this.writer = writer;
            this.reader = reader;
            this.prefix = prefix;
            int n = writer.getFields().size();
            for (int i = 0; i < n; i++) {
                captures.add(null);
            }
            this.children = new NodeBuilder[n];
            this.childNullBranch = new int[n];
        }

        void capture(int field, Capture capture) {
            if (captures.get(field) == null) {
                captures.set(field, new ArrayList<>());
            }
            captures.get(field).add(capture);
        }

        NodeBuilder child(int field, int nullBranch, Schema writerRecord, Schema readerRecord) {
            if (children[field] == null) {
                children[field] = new NodeBuilder(writerRecord, readerRecord,
                        prefix + writer.getFields().get(field).name() + ".");
                childNullBranch[field] = nullBranch;
            }
            return children[field];
        }

        Node build() {
            List<Schema.Field> fields = writer.getFields();
            int n = fields.size();
            String[] paths = new String[n];
            Skipper[] skippers = new Skipper[n];
            Capture[][] built = new Capture[n][];
            Node[] nodes = new Node[n];
            for (int f = 0; f < n; f++) {
                paths[f] = prefix + fields.get(f).name();
                skippers[f] = Skipper.of(fields.get(f).schema());
                built[f] = captures.get(f) == null ? null : captures.get(f).toArray(Capture[]::new);
                nodes[f] = children[f] == null ? null : children[f].build();
            }
            return new Node(paths, skippers, built, nodes, childNullBranch.clone());
        }
    }
}
